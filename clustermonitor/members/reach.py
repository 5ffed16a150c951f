"""Rows for the reach analysis (clustermonitor.analysis.reach): one per membership."""

import datetime

from clustermonitor.analysis.reach import MEMBER_COLUMNS
from clustermonitor.core import known
from clustermonitor.members.models import Membership
from clustermonitor.registry import known as registry_known
from clustermonitor.registry.models import FirmFigures

#: The columns of a reach row: analysis/reach's members frame.
REACH_COLUMNS = MEMBER_COLUMNS


def reach_rows(*, on: datetime.date, cluster=None, programme=None, members_of=None) -> list[dict]:
    """Memberships active on `on` (of one cluster, or of a programme), with what the
    analysis needs of their organisation. Firm figures are the latest year known on `on`
    (core.known.firm_figures_year: a year's accounts from 1 August of the next year).
    Two queries, whatever the number of members.

    `members_of` (a cluster) keeps the memberships of that cluster's members only, in
    whichever cluster: all that a cluster's reach figures look at (their other
    memberships count), without the rest of the programme."""
    memberships = known.active_memberships(Membership.objects.all(), on)
    if cluster is not None:
        memberships = memberships.filter(cluster=cluster)
    if programme is not None:
        memberships = memberships.filter(cluster__programme=programme)
    if members_of is not None:
        memberships = memberships.filter(
            organisation__in=known.active_memberships(Membership.objects.all(), on)
            .filter(cluster=members_of)
            .values("organisation_id")
        )
    rows = list(
        memberships.values(
            "organisation_id",
            "cluster__code",
            "organisation__kind",
            "organisation__start_date",
            "organisation__nace_2008__section",
            "organisation__municipality__nis",
            "organisation__municipality__name_nl",
            "organisation__municipality__province__nis",
            "organisation__latitude",
            "organisation__longitude",
        ).order_by("cluster__code", "organisation_id")
    )
    # Organisation attributes as they were on `on` (core.known: the audit-log rule).
    rows = registry_known.organisation_rows(rows, on, "organisation_id", "organisation__")
    figures: dict[int, FirmFigures] = {}
    # Known on `on` (core.known): a year's annual accounts from 1 August of the next year.
    for f in FirmFigures.objects.filter(
        organisation_id__in={r["organisation_id"] for r in rows},
        year__lte=known.firm_figures_year(on),
    ).order_by("organisation_id", "year"):
        figures[f.organisation_id] = f  # the latest year wins
    out = []
    for r in rows:
        f = figures.get(r["organisation_id"])
        out.append(
            {
                "organisation_id": r["organisation_id"],
                "cluster": r["cluster__code"],
                "kind": r["organisation__kind"],
                "employees": _float(f.employees) if f else None,
                "turnover": _float(f.turnover) if f else None,
                "balance_total": _float(f.balance_total) if f else None,
                "start_date": r["organisation__start_date"],
                "nace_section": r["organisation__nace_2008__section"] or None,
                "municipality_nis": r["organisation__municipality__nis"],
                "municipality": r["organisation__municipality__name_nl"],
                "province_nis": r["organisation__municipality__province__nis"],
                "latitude": _float(r["organisation__latitude"]),
                "longitude": _float(r["organisation__longitude"]),
            }
        )
    return out


def _float(value):
    return float(value) if value is not None else None
