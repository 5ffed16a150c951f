"""Reading the annual accounts: what the estimate (analysis/impact.py) and the pages use.

`accounts_known_on(D)` is the panel as it was known on D (core.known: a filing counts
from its deposit date; of a year corrected by a later filing, the latest one deposited
by D). `coverage()` says how many firms and filings each financial year has, members
beside the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, FloatField, OuterRef, Q
from django.db.models.functions import Cast, ExtractYear

from clustermonitor.core import known
from clustermonitor.impact.models import AnnualAccounts

#: The columns of a row of `accounts_known_on`.
ROW_FIELDS = (
    "organisation_id",
    "year",
    "period_start",
    "period_end",
    "filed_on",
    "scheme",
    *AnnualAccounts.RUBRICS.values(),
)


def accounts_known_on(
    on: datetime.date, organisations: Iterable[int] | None = None, *, floats: bool = False
) -> list[dict]:
    """One row per organisation and financial year end known on `on`: the latest filing
    of that year deposited on or before `on` (a correction replaces the original from
    its own deposit date). `year` is the year of the financial year's end. A rubric the
    filing lacks is None (a micro scheme has no turnover): never zero, never imputed.
    Amounts are Decimals, or floats with `floats` (what an estimator computes with; about
    ten times quicker for the whole panel). Rows are ordered by organisation and period
    end; `organisations` (ids) narrows them."""
    queryset = known.annual_accounts(AnnualAccounts.objects.all(), on)
    if organisations is not None:
        queryset = queryset.filter(organisation_id__in=list(organisations))
    rubrics = list(AnnualAccounts.RUBRICS.values())
    if floats:
        queryset = queryset.annotate(
            **{f"{name}_float": Cast(name, FloatField()) for name in rubrics}
        )
        amounts = [f"{name}_float" for name in rubrics]
    else:
        amounts = rubrics
    described = ["organisation_id", "period_end", "period_start", "filed_on", "scheme"]
    latest: dict[tuple, tuple] = {}
    ordered = queryset.order_by("organisation_id", "period_end", "filed_on", "pk")
    for row in ordered.values_list(*described, *amounts):
        latest[row[0], row[1]] = row  # a later deposit of the same year replaces it
    rows = []
    for org, end, start, filed_on, scheme, *values in latest.values():
        row = {
            "organisation_id": org,
            "year": end.year,
            "period_start": start,
            "period_end": end,
            "filed_on": filed_on,
            "scheme": scheme,
        }
        row.update(zip(rubrics, values, strict=True))
        rows.append(row)
    return rows


def coverage() -> list[dict]:
    """Per financial year (the year of its end): the firms with accounts and the filings,
    and how many of those firms were members of a programme cluster on the financial
    year's end (a membership running then) against the others. Newest year first."""
    from clustermonitor.members.models import Membership

    member = Membership.objects.filter(
        organisation_id=OuterRef("organisation_id"), start_date__lte=OuterRef("period_end")
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("period_end")))
    rows = (
        AnnualAccounts.objects.annotate(year=ExtractYear("period_end"), member=Exists(member))
        .values("year")
        .annotate(
            filings=Count("pk"),
            firms=Count("organisation_id", distinct=True),
            member_firms=Count("organisation_id", distinct=True, filter=Q(member=True)),
            with_turnover=Count("organisation_id", distinct=True, filter=Q(turnover__isnull=False)),
            with_fte=Count("organisation_id", distinct=True, filter=Q(fte__isnull=False)),
        )
        .order_by("-year")
    )
    return [{**row, "other_firms": row["firms"] - row["member_firms"]} for row in rows]
