"""Rows from the records for the co-financing, participation and KPI analyses
(clustermonitor.analysis.cofinancing / participation). Plain records in, no logic of
the definitions here: that lives in the analysis package, next to its worked examples."""

import datetime

from django.db.models import Min

from clustermonitor.core import known
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.programmes.rules_math import subsidy_by_year
from clustermonitor.registry import known as registry_known


def contribution_rows(clusters, years=None, on: datetime.date | None = None) -> list[dict]:
    """One row per contribution: cluster, year, membership, organisation, amount, status.

    With `on`, as known on that day (core.known): memberships started by then, and the
    status the contribution had then (paid after `on`: invoiced, or expected when it was
    not invoiced by then either)."""
    contributions = Contribution.objects.filter(membership__cluster__in=clusters)
    if years is not None:
        contributions = contributions.filter(year__in=list(years))
    if on is not None:
        contributions = known.memberships(contributions, on, "membership__")
    return [
        {
            "cluster": r["membership__cluster__code"],
            "year": r["year"],
            "membership_id": r["membership_id"],
            "organisation_id": r["membership__organisation_id"],
            "amount": float(r["amount"]),
            "status": r["status"] if on is None else known.status_on(r, on),
        }
        for r in contributions.values(
            "membership__cluster__code",
            "year",
            "membership_id",
            "membership__organisation_id",
            "amount",
            "status",
            "invoiced_on",
            "paid_on",
        ).order_by("membership__cluster__code", "year", "-amount", "membership_id", "pk")
    ]


def subsidy_rows(clusters) -> list[dict]:
    """The subsidy of every cluster spread over its calendar years (rules_math)."""
    rows = []
    for cluster in clusters:
        if cluster.subsidy is None:
            continue
        for year, amount in subsidy_by_year(
            cluster.subsidy, cluster.start_date, cluster.end_date
        ).items():
            rows.append(
                {
                    "cluster": cluster.code,
                    "year": year,
                    "subsidy": float(amount),
                    "share": float(cluster.cluster_type.cofinancing_share),
                }
            )
    return rows


def paid_rows(clusters, up_to: datetime.date) -> list[dict]:
    """Contributions paid on or before `up_to` for years up to `up_to`'s year, of
    memberships started by then, with the organisation's first membership start in the
    cluster: the input of KPI 1 and KPI 2. Only what was known on `up_to` (core.known): a
    payment made later was unpaid then, a membership started later did not exist."""
    first = {
        (r["cluster_id"], r["organisation_id"]): r["first"]
        for r in known.memberships(Membership.objects.filter(cluster__in=clusters), up_to)
        .values("cluster_id", "organisation_id")
        .annotate(first=Min("start_date"))
        .order_by("cluster_id", "organisation_id")
    }
    contributions = Contribution.objects.filter(
        membership__cluster__in=clusters, year__lte=up_to.year
    )
    contributions = known.memberships(known.paid(contributions, up_to), up_to, "membership__")
    rows = contributions.order_by(
        "membership__cluster__code", "membership__organisation_id", "year", "pk"
    ).values(
        "membership__cluster_id",
        "membership__cluster__code",
        "membership__organisation_id",
        "membership__organisation__kind",
        "membership__organisation__name",
        "membership__organisation__enterprise_number",
        "membership__start_date",
        "membership__end_date",
        "year",
    )
    rows = registry_known.organisation_rows(
        list(rows), up_to, "membership__organisation_id", "membership__organisation__"
    )
    out = []
    for r in rows:
        start, end = r["membership__start_date"], r["membership__end_date"]
        if start.year > r["year"] or (end and end.year < r["year"]):
            continue  # a payment for a year outside the membership is not membership
        out.append(
            {
                "cluster": r["membership__cluster__code"],
                "organisation_id": r["membership__organisation_id"],
                "organisation": r["membership__organisation__name"],
                "enterprise_number": r["membership__organisation__enterprise_number"],
                "kind": r["membership__organisation__kind"],
                "year": r["year"],
                "first_start": first[
                    (r["membership__cluster_id"], r["membership__organisation_id"])
                ],
            }
        )
    return out


def member_rows(clusters, on: datetime.date) -> list[dict]:
    """Members on a date with the profile the participation figures split by."""
    from clustermonitor.members.contributions import size_classes

    memberships = list(
        known.active_memberships(Membership.objects.filter(cluster__in=clusters), on).values(
            "cluster__code", "cluster__embedding", "organisation_id", "organisation__kind"
        )
    )
    memberships = registry_known.organisation_rows(
        memberships, on, "organisation_id", "organisation__"
    )
    classes = size_classes({m["organisation_id"] for m in memberships}, known.firm_figures_year(on))
    return [
        {
            "cluster": m["cluster__code"],
            "organisation_id": m["organisation_id"],
            "kind": m["organisation__kind"],
            "size_class": classes[m["organisation_id"]],
            "embedding": m["cluster__embedding"] or "unknown",
        }
        for m in memberships
    ]


#: The fees asked of members; waived ones are no fee.
STRUCTURE = ("expected", "invoiced", "paid")


def cofinancing_frames(
    clusters, year: int | None = None, lang: str = "nl", on: datetime.date | None = None
):
    """The frames behind the co-financing pages, the report's Table 8 and the early
    warnings: (contributions, fees asked, Table 8 — for `year` when given —, ledger);
    with `on`, the contributions as known on that day (contribution_rows)."""
    import pandas as pd

    from clustermonitor.analysis import cofinancing

    contributions = pd.DataFrame(
        contribution_rows(clusters, on=on),
        columns=["cluster", "year", "membership_id", "organisation_id", "amount", "status"],
    )
    subsidies = pd.DataFrame(
        subsidy_rows(clusters), columns=["cluster", "year", "subsidy", "share"]
    )
    fees = contributions[contributions["status"].isin(STRUCTURE)]
    table = cofinancing.table8(fees, subsidies[["cluster", "year", "subsidy"]], lang)
    paid = (
        contributions[contributions["status"] == "paid"]
        .groupby(["cluster", "year"])["amount"]
        .sum()
        .rename("paid")
    )
    open_ = (
        contributions[contributions["status"].isin(("expected", "invoiced"))]
        .groupby(["cluster", "year"])["amount"]
        .sum()
        .rename("outstanding")
    )
    years = (
        subsidies.set_index(["cluster", "year"])
        .join(paid, how="outer")
        .join(open_, how="outer")
        .reset_index()
    )
    years["subsidy"] = years["subsidy"].fillna(0.0)
    shares = {c.code: float(c.cluster_type.cofinancing_share) for c in clusters}
    years["share"] = years["cluster"].map(shares)
    ledger = cofinancing.ledger(years.fillna({"paid": 0.0, "outstanding": 0.0}))
    if year is not None:
        table = table[table["year"] == year]
    return contributions, fees, table, ledger
