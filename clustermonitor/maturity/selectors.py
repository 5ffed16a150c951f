"""Reads of issue 6: when an exit plan falls due, how ready a cluster is against a
criteria set, and which attention points wait for whom. The early warnings and the
account manager's worklist use these (docs/maturity.md)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from clustermonitor.core import known
from clustermonitor.maturity import criteria
from clustermonitor.maturity.models import (
    Answer,
    Assessment,
    CriteriaSet,
    Criterion,
    ExitPlan,
)
from clustermonitor.programmes import rules_math

#: An exit plan is due this many months before the funding ends (the Norwegian
#: programme's rule, published_figures_2020.yaml: exit_strategy_due_months_before_end).
EXIT_PLAN_MONTHS_BEFORE_END = 6


def exit_plan_due_date(cluster) -> datetime.date:
    """Six calendar months before the agreement's end date (31 August → 28/29 February,
    30 September → 30 March; rules_math.add_months)."""
    return rules_math.add_months(cluster.end_date, -EXIT_PLAN_MONTHS_BEFORE_END)


def exit_plan_status(cluster, today: datetime.date) -> tuple[datetime.date, bool]:
    """(due date, filed): whether the cluster's exit plan was filed (or accepted) on or
    before `today`. A draft does not count as filed."""
    plan = ExitPlan.objects.filter(cluster=cluster).only("status", "filed_on").first()
    return exit_plan_due_date(cluster), filed_by(plan, today)


def filed_by(plan: ExitPlan | None, today: datetime.date) -> bool:
    """Whether the exit plan had been filed on `today` (the worklist, the report)."""
    return bool(plan is not None and plan.is_filed and known.filed(plan, today))


def missing_exit_plans(
    clusters, today: datetime.date, *, horizon_days: int = 0
) -> list[tuple[object, datetime.date]]:
    """Running clusters (end date on or after `today`) without a filed exit plan whose due
    date is on or before `today + horizon_days`, as (cluster, due date), the earliest due
    first. One query for the plans, whatever the number of clusters."""
    clusters = [c for c in clusters if c.end_date >= today]
    plans = {p.cluster_id: p for p in ExitPlan.objects.filter(cluster__in=clusters)}
    limit = today + datetime.timedelta(days=horizon_days)
    rows = []
    for cluster in clusters:
        due = exit_plan_due_date(cluster)
        if due <= limit and not filed_by(plans.get(cluster.pk), today):
            rows.append((cluster, due))
    return sorted(rows, key=lambda r: (r[1], r[0].code))


# -- Criteria sets ------------------------------------------------------------------------


def published_sets(programme) -> list[CriteriaSet]:
    """Every published version, the latest version of each name first."""
    return list(
        CriteriaSet.objects.filter(programme=programme, status=CriteriaSet.Status.PUBLISHED)
        .order_by("name", "-version")
        .select_related("published_by")
    )


def latest_published(programme) -> list[CriteriaSet]:
    seen, latest = set(), []
    for s in published_sets(programme):
        if s.name not in seen:
            seen.add(s.name)
            latest.append(s)
    return latest


def versions(criteria_set: CriteriaSet):
    return CriteriaSet.objects.filter(
        programme=criteria_set.programme_id, name=criteria_set.name
    ).order_by("-version")


@dataclass
class ReadinessRow:
    criterion: Criterion
    value: Decimal | None  # computed criteria
    answer: Answer | None  # evidence (live) or any criterion (an assessment)
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(criteria.OUTCOME_LABELS[self.outcome])


@dataclass
class Readiness:
    cluster: object
    criteria_set: CriteriaSet
    on: datetime.date
    rows: list[ReadinessRow]
    assessment: Assessment | None  # where the evidence comes from (live) or which one

    @property
    def verdict(self) -> str:
        return criteria.verdict(r.outcome for r in self.rows)

    @property
    def verdict_label(self) -> str:
        return str(criteria.OUTCOME_LABELS[self.verdict])


def latest_assessment(cluster, criteria_set: CriteriaSet) -> Assessment | None:
    return (
        Assessment.objects.filter(cluster=cluster, criteria_set=criteria_set)
        .order_by("-assessed_on", "-pk")
        .first()
    )


def readiness(cluster, criteria_set: CriteriaSet, on: datetime.date) -> Readiness:
    """The cluster against one version today: computed criteria from the records as they
    stand on `on`; evidence criteria from the latest assessment with this version
    (unknown until an answer is accepted)."""
    assessment = latest_assessment(cluster, criteria_set)
    answers = {}
    if assessment is not None:
        answers = {
            a.criterion_id: a
            for a in assessment.answers.select_related("answered_by", "checked_by")
        }
    rows = []
    for item in criteria_set.criteria.all():
        if item.is_computed:
            value = criteria.compute(item.metric, cluster, on)
            outcome = criteria.compare(value, item.operator, item.threshold)
            rows.append(ReadinessRow(item, value, None, outcome))
        else:
            answer = answers.get(item.pk)
            outcome = answer.outcome if answer else criteria.UNKNOWN
            rows.append(ReadinessRow(item, None, answer, outcome))
    return Readiness(cluster, criteria_set, on, rows, assessment)


def assessment_readiness(assessment: Assessment) -> Readiness:
    """An assessment as it was made: the frozen values and the evidence as checked."""
    rows = [
        ReadinessRow(a.criterion, a.value, a, a.outcome)
        for a in assessment.answers.select_related("criterion", "answered_by", "checked_by")
    ]
    return Readiness(
        assessment.cluster, assessment.criteria_set, assessment.assessed_on, rows, assessment
    )
