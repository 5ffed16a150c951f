"""What the screening, jury and ranking pages show (issue 19): read-only queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from clustermonitor.analysis import grant_review
from clustermonitor.core import known, known_agreements
from clustermonitor.programmes.models import Application
from clustermonitor.review.models import (
    Assignment,
    Declaration,
    EligibilityCriterion,
    Rubric,
    RubricCriterion,
    Score,
)

#: The statuses of an application the screening and the jury work on.
SCREENABLE = (Application.Status.SUBMITTED, Application.Status.INELIGIBLE)
UNDER_REVIEW = (Application.Status.IN_REVIEW,)


def received(call):
    """The call's applications that the screening or the jury sees: received, in order."""
    return (
        Application.objects.filter(call=call, status__in=Application.RECEIVED)
        .exclude(known_agreements.never_submitted())
        .select_related("screening", "decision")
        .order_by("applicant", "pk")
    )


def criteria(call):
    return list(EligibilityCriterion.objects.filter(call=call).order_by("order", "pk"))


def rubric_of(call) -> Rubric:
    """The call's rubric (unsaved with its defaults when none is set yet)."""
    return Rubric.objects.filter(call=call).first() or Rubric(call=call)


def rubric_criteria(call):
    return list(RubricCriterion.objects.filter(call=call).order_by("order", "pk"))


def jury(call):
    """The call's applications under review, and those the jury decided, with their
    assignments (the calls before the platform have no decision records: not shown)."""
    assignments = Assignment.objects.select_related("reviewer").order_by("assigned_at", "pk")
    return (
        Application.objects.filter(call=call)
        .filter(Q(status=Application.Status.IN_REVIEW) | Q(decision__isnull=False))
        .select_related("decision")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("applicant", "pk")
    )


@dataclass
class Readiness:
    """Whether the jury may decide on an application: every active assignment without a
    conflict has submitted scores, and at least two reviewers scored."""

    open: int  # active, not conflicted, not submitted
    pending: int  # of which still to declare
    submitted: int
    blocked: int

    @property
    def ready(self) -> bool:
        return self.open == 0 and self.submitted >= 2


def readiness_of(assignments) -> Readiness:
    """The same from an application's assignments already read (the jury page)."""
    active = [a for a in assignments if a.active]
    return Readiness(
        open=sum(1 for a in active if a.submitted_at is None and not a.blocked),
        pending=sum(1 for a in active if a.declaration == Declaration.PENDING),
        submitted=sum(1 for a in active if a.submitted_at is not None),
        blocked=sum(1 for a in active if a.blocked),
    )


def readiness(application) -> Readiness:
    counts = Assignment.objects.filter(application=application, active=True).aggregate(
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        blocked=Count("pk", filter=Q(declaration=Declaration.CONFLICT)),
        open=Count(
            "pk", filter=Q(submitted_at__isnull=True) & ~Q(declaration=Declaration.CONFLICT)
        ),
        pending=Count("pk", filter=Q(declaration=Declaration.PENDING)),
    )
    return Readiness(**counts)


def submitted_scores(applications, on=None) -> dict:
    """application pk → reviewer pk → criterion pk → score, of submitted assignments (by
    the end of `on`, Belgian time, when given: known on D)."""
    found: dict = {}
    rows = Score.objects.filter(
        assignment__application__in=applications,
        assignment__active=True,
        assignment__submitted_at__isnull=False,
    )
    if on is not None:
        rows = rows.filter(assignment__submitted_at__lte=known.end_of(on))
    rows = rows.values_list(
        "assignment__application_id", "assignment__reviewer_id", "criterion_id", "score"
    )
    for application, reviewer, criterion, score in rows.order_by("pk"):
        found.setdefault(application, {}).setdefault(reviewer, {})[criterion] = score
    return found


@dataclass
class RankingRow:
    application: Application
    ranked: grant_review.Ranked


def ranking(call, on=None) -> tuple[list[RubricCriterion], Rubric, list[RankingRow]]:
    """The call's applications under review or decided, ranked by their weighted totals;
    with `on`, as the jury knew it that day: the applications screened eligible by then
    and the scores submitted by then (the ranking the jury meeting saw)."""
    items = rubric_criteria(call)
    rubric = rubric_of(call)
    found = jury(call)
    if on is not None:
        found = found.filter(screening__screened_at__lte=known.end_of(on))
    applications = {a.pk: a for a in found}
    scores = submitted_scores(list(applications), on)
    for pk in applications:
        scores.setdefault(pk, {})
    rubric_items = [
        grant_review.RubricItem(c.pk, c.weight, c.max_score, c.threshold) for c in items
    ]
    ranked = grant_review.rank(
        rubric_items, scores, threshold=rubric.threshold, spread_limit=rubric.spread_limit
    )
    return items, rubric, [RankingRow(applications[r.key], r) for r in ranked]


def submitted_assignments(application):
    """The application's submitted assignments with their scores (the programme manager's
    view of the jury's work)."""
    return (
        Assignment.objects.filter(application=application, active=True, submitted_at__isnull=False)
        .select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "pk")
    )


def others_submitted(assignment):
    """The other reviewers' submitted assignments of the same application with their
    scores (shown only where access.may_see_other_scores allows)."""
    return (
        Assignment.objects.filter(
            application_id=assignment.application_id, active=True, submitted_at__isnull=False
        )
        .exclude(pk=assignment.pk)
        .select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "pk")
    )


def decimal_or_none(value):
    return None if value is None else Decimal(str(value))
