"""Known on D: which records a figure "as of" a date may use (docs/definitions.md).

A report, page, API answer or export as of D uses only what was known on D. Each record
kind has the date on which it became true; this module is the one place that turns that
rule into query filters. Selectors call it; chapters and pages never filter by date
themselves.

- a cluster (and with it its targets and reported figures): from its agreement's start;
- a membership: from its start date;
- a payment: from its payment date (``paid_on``); before it the contribution is unpaid;
- a year's firm figures (annual accounts): filed within 7 months of the year end, so the
  figures of year Y are known from 1 August of Y + 1.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

#: Annual accounts of a year ending 31/12/Y are known from this day and month of Y + 1.
FIRM_FIGURES_KNOWN_FROM = (8, 1)


def clusters(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Clusters whose agreement started on or before ``on``."""
    return queryset.filter(start_date__lte=on)


def memberships(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Memberships that started on or before ``on`` (``prefix``: the path to the membership,
    e.g. ``"membership__"`` for contributions)."""
    return queryset.filter(**{f"{prefix}start_date__lte": on})


def paid(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Contributions paid on or before ``on``; one paid later was unpaid on ``on``."""
    from clustermonitor.members.models import Contribution

    return queryset.filter(
        Q(**{f"{prefix}status": Contribution.Status.PAID}) & Q(**{f"{prefix}paid_on__lte": on})
    )


def status_on(contribution: dict, on: datetime.date) -> str:
    """A contribution's status as it was on ``on`` (a dict with ``status``,
    ``invoiced_on`` and ``paid_on``): paid after it, it was invoiced (or expected, when
    not invoiced by then either); invoiced after it, it was expected."""
    status, invoiced, paid = (
        contribution["status"],
        contribution["invoiced_on"],
        contribution["paid_on"],
    )
    if status == "paid" and paid is not None and paid > on:
        status = "invoiced"
    if status == "invoiced" and invoiced is not None and invoiced > on:
        status = "expected"
    if status == "invoiced" and invoiced is None and paid is not None and paid > on:
        status = "expected"  # paid later, with no invoice date: only asked on `on`
    return status


def firm_figures_year(on: datetime.date) -> int:
    """The latest year whose firm figures are known on ``on``.

    >>> firm_figures_year(datetime.date(2020, 1, 31)), firm_figures_year(datetime.date(2020, 8, 1))
    (2018, 2019)
    """
    month, day = FIRM_FIGURES_KNOWN_FROM
    return on.year - 1 if on >= datetime.date(on.year, month, day) else on.year - 2
