"""Known on D for the grant cycle's records (issue 19; core/known.py has the rule and
the other record kinds, docs/definitions.md the table):

- an application: received once submitted (``submitted_at``, known by the end of D);
  an application of the calls before the platform has no time of submission: it is
  known from its call's closing date, or from the start when the call has none (the
  published history). A draft is never an application of the call, nor is a draft
  withdrawn before it was submitted;
- a withdrawal: from ``withdrawn_at``; before it the application was still submitted
  (`status_on`);
- a decision on an application: from ``decided_at`` (the jury's decision, or the
  screening that found it ineligible); without one (the history only), from the
  call's closing date like its submission;
- an agreement: from the day it was decided (``signed_on``); an amendment: from its
  decision (``decided_on``), whatever its effective date;
- a tranche: the agreement's from the agreement; one an amendment added (``added_by``)
  from that amendment's decision (``decided_on``); a tranche's amount changed by an
  amendment (``changes``): the amount before the change until that amendment's decision;
- a payment: from its payment date (``paid_on``); a condition: met from ``met_on``;
- a progress report: approved from its version's ``approved_at``.

Like core.known, this module names fields, not models: it sits below the apps whose
records it dates.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from clustermonitor.core.known import end_of

#: Application statuses a call has received (programmes.Application.RECEIVED).
RECEIVED = ("submitted", "ineligible", "in_review", "funded", "rejected", "withdrawn")
#: Statuses that are a decision (screened out, funded, rejected).
DECIDED = ("ineligible", "funded", "rejected")


def _undated_known(on: datetime.date, prefix: str = "") -> Q:
    """An undated record of the history: known from its call's closing date. Only the
    history's (no applicant's account): an online application without a time of
    submission was never submitted (a withdrawn draft), one without a time of decision
    was not decided."""
    return Q(**{f"{prefix}applicant_account__isnull": True}) & (
        Q(**{f"{prefix}call__closes_on__isnull": True}) | Q(**{f"{prefix}call__closes_on__lte": on})
    )


def never_submitted(prefix: str = "") -> Q:
    """Online applications that were never submitted (a draft, or a draft withdrawn):
    never an application the call received."""
    return Q(**{f"{prefix}submitted_at__isnull": True}) & Q(
        **{f"{prefix}applicant_account__isnull": False}
    )


def applications_received(
    queryset: QuerySet, on: datetime.date | None = None, prefix: str = ""
) -> QuerySet:
    """Applications the call had received on ``on`` (all received ones without it)."""
    queryset = queryset.filter(**{f"{prefix}status__in": RECEIVED}).exclude(never_submitted(prefix))
    if on is None:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}submitted_at__lte": end_of(on)})
        | (Q(**{f"{prefix}submitted_at__isnull": True}) & _undated_known(on, prefix))
    )


def status_on(status: str, withdrawn_at, on: datetime.date | None) -> str:
    """An application's status as known on ``on``: one withdrawn after ``on`` was still
    submitted then (only an application not yet screened can be withdrawn). The other
    statuses are dated by `applications_received` and `applications_decided`."""
    later = on is not None and withdrawn_at is not None and withdrawn_at > end_of(on)
    return "submitted" if status == "withdrawn" and later else status


def applications_decided(
    queryset: QuerySet, on: datetime.date | None = None, prefix: str = ""
) -> QuerySet:
    """Received applications with a decision known on ``on``: their status is a decision
    taken by then. A decision taken after ``on`` was not known: the application was still
    under consideration."""
    queryset = applications_received(queryset, on, prefix).filter(
        **{f"{prefix}status__in": DECIDED}
    )
    if on is None:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}decided_at__lte": end_of(on)})
        | (Q(**{f"{prefix}decided_at__isnull": True}) & _undated_known(on, prefix))
    )


def agreements(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Agreements decided on or before ``on``."""
    return queryset.filter(**{f"{prefix}signed_on__lte": on})


def amendments(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Amendments decided on or before ``on`` (also those effective later)."""
    return queryset.filter(**{f"{prefix}decided_on__lte": on})


def payments(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Payments made on or before ``on``."""
    return queryset.filter(**{f"{prefix}paid_on__lte": on})


def condition_met(condition, on: datetime.date) -> bool:
    """Whether a condition had been met by ``on``."""
    return condition.met_on is not None and condition.met_on <= on


def approved(approved_at, on: datetime.date) -> bool:
    """Whether an approval (a report version's ``approved_at``) was known on ``on``."""
    return approved_at is not None and approved_at <= end_of(on)


def amendments_decided(amendment, on: datetime.date) -> bool:
    """:func:`amendments` for one amendment already read."""
    return amendment.decided_on <= on


def tranche_exists(tranche, on: datetime.date) -> bool:
    """Whether a tranche was part of the schedule on ``on``: those of the agreement as
    signed always (the agreement itself is dated by :func:`agreements`), one added by an
    amendment from that amendment's decision."""
    return tranche.added_by is None or amendments_decided(tranche.added_by, on)


def tranche_amount(tranche, on: datetime.date):
    """A tranche's amount on ``on``: its current amount, unless an amendment decided after
    ``on`` changed it; then the amount before the first such change."""
    later = [c for c in tranche.changes.all() if not amendments_decided(c.amendment, on)]
    if not later:
        return tranche.amount
    first = min(later, key=lambda c: (c.amendment.decided_on, c.amendment.number, c.pk))
    return first.amount_before
