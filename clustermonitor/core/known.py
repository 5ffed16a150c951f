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


def end_of(on: datetime.date) -> datetime.datetime:
    """The last moment of ``on`` in Belgian time: a time stamp (a submission, an
    approval, the audit log's write) is known on ``on`` when it is before this."""
    from django.utils import timezone

    return timezone.make_aware(
        datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
    ) - datetime.timedelta(microseconds=1)


def clusters(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Clusters whose agreement started on or before ``on``."""
    return queryset.filter(start_date__lte=on)


def cluster_started(cluster, on: datetime.date) -> bool:
    """:func:`clusters` for one cluster already read."""
    return cluster.start_date <= on


def memberships(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Memberships that started on or before ``on``, of a cluster whose agreement had
    started by then (``prefix``: the path to the membership, e.g. ``"membership__"`` for
    contributions)."""
    return queryset.filter(
        **{f"{prefix}start_date__lte": on, f"{prefix}cluster__start_date__lte": on}
    )


def running_memberships(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Memberships running on ``on``: started by then and not ended before it (the
    member lists and the API's ``active_on``, which list a cluster's own records)."""
    return queryset.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def active_memberships(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Memberships known on ``on`` (:func:`memberships`: also their cluster had started)
    and running on it: the members every figure as of ``on`` counts."""
    return running_memberships(memberships(queryset, on), on)


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


def reported(figure, on: datetime.date) -> bool:
    """Whether a reported figure was known on ``on``: given on or before it (its source
    date: the approval of a progress report, the evaluation's publication) for a period
    that had ended by then."""
    return figure.source_date <= on and (figure.period_end is None or figure.period_end <= on)


def reported_figures(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """:func:`reported` as a query filter."""
    return queryset.filter(source_date__lte=on).filter(
        Q(period_end__isnull=True) | Q(period_end__lte=on)
    )


def published(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Published figures that had appeared by ``on`` (their source date)."""
    return queryset.filter(source_date__lte=on)


def stage_changes(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """A collaboration's steps taken on or before ``on``."""
    return queryset.filter(**{f"{prefix}date__lte": on})


def collaborations(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Collaborations that existed on ``on``: their first step was taken by then."""
    from django.db.models import Exists, OuterRef

    from clustermonitor.collaborations.models import StageChange

    return queryset.filter(
        Exists(stage_changes(StageChange.objects.filter(collaboration=OuterRef("pk")), on))
    )


def waves(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Survey waves whose results were known on ``on``: closed by then (their last day,
    or "close now"). A response is submitted while its wave is open, so a closed wave's
    responses are all known."""
    return queryset.filter(Q(closes_on__lte=on) | Q(closed_at__lte=end_of(on)))


def exit_plans_filed(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Exit plans filed on or before ``on``."""
    return queryset.filter(**{f"{prefix}filed_on__lte": on})


def accepted(plan, on: datetime.date) -> bool:
    """Whether an exit plan had been accepted by ``on``."""
    return plan is not None and plan.accepted_on is not None and plan.accepted_on <= on


def assessments(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Assessments made on or before ``on``."""
    return queryset.filter(assessed_on__lte=on)


def criteria_published(criteria_set, on: datetime.date) -> bool:
    """Whether a criteria set had been published by ``on``."""
    return criteria_set.published_on is not None and criteria_set.published_on <= on


def firm_figures_year(on: datetime.date) -> int:
    """The latest year whose firm figures are known on ``on``.

    >>> firm_figures_year(datetime.date(2020, 1, 31)), firm_figures_year(datetime.date(2020, 8, 1))
    (2018, 2019)
    """
    month, day = FIRM_FIGURES_KNOWN_FROM
    return on.year - 1 if on >= datetime.date(on.year, month, day) else on.year - 2
