"""Reads of a cluster's pipeline: the list with its filters, the counts per stage, the
prospects whose next step is due, and the expected new members against the KPI 2 target
as of a day (known on D: a prospect's stage on D is the one its last step recorded by the
end of D gives; a step recorded later did not exist yet)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from clustermonitor.core import known
from clustermonitor.prospects.models import OPEN_STAGES, WEIGHTS, Prospect, ProspectStep, Stage

#: The due filter: overdue (before today), due (today or before), this week (within 7
#: days from today, overdue included).
DUE_CHOICES = ("overdue", "due", "week")
#: The KPI whose target the expected new members are held against (KPI 2: new active
#: companies, monitoring.dashboard).
KPI_CODE = "KPI2"


def pipeline(cluster, *, stage: str = "", owner=None, due: str = "", today=None):
    """The cluster's prospects, open ones first by next step date, then the closed ones
    newest first; filtered on stage, owner (a user, or "none": without an owner) and due."""
    today = today or datetime.date.today()
    rows = Prospect.objects.filter(cluster=cluster).select_related("owner", "cluster")
    if stage:
        rows = rows.filter(stage=stage)
    if owner == "none":
        rows = rows.filter(owner__isnull=True)
    elif owner is not None:
        rows = rows.filter(owner=owner)
    if due in DUE_CHOICES:
        until = {
            "overdue": today - datetime.timedelta(days=1),
            "due": today,
            "week": today + datetime.timedelta(days=7),
        }[due]
        rows = rows.filter(stage__in=OPEN_STAGES, next_step_date__lte=until)
    order = {s: i for i, s in enumerate([*OPEN_STAGES, Stage.JOINED, Stage.LOST])}
    from django.db.models import Case, IntegerField, Value, When

    return rows.annotate(
        stage_order=Case(
            *[When(stage=s, then=Value(i)) for s, i in order.items()],
            output_field=IntegerField(),
        )
    ).order_by("stage_order", "next_step_date", "company_name", "pk")


def stage_counts(cluster) -> dict[str, int]:
    """Prospects per stage (every stage, 0 included), in one query."""
    found = dict(
        Prospect.objects.filter(cluster=cluster)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return {s: found.get(s, 0) for s in Stage.values}


def due_counts(cluster_ids, today: datetime.date):
    """Per cluster id: (open prospects whose next step is due by today, the earliest
    date, how many are overdue), in one query."""
    from django.db.models import Min

    rows = (
        Prospect.objects.filter(
            cluster_id__in=cluster_ids, stage__in=OPEN_STAGES, next_step_date__lte=today
        )
        .values("cluster_id", "cluster__code")
        .annotate(
            n=Count("pk"),
            since=Min("next_step_date"),
            late=Count("pk", filter=Q(next_step_date__lt=today)),
        )
        .order_by("cluster__code")
    )
    return list(rows)


@dataclass(frozen=True)
class Expected:
    """The expected new members of a cluster as of `on`, against its KPI 2 target."""

    on: datetime.date
    joined: int  # joined in the year of `on`, up to `on`
    open_by_stage: dict  # open stage → prospects at it on `on`
    weighted: Decimal  # the open ones, each weighted by its stage's chance (WEIGHTS)
    target: Decimal | None  # the cluster's KPI 2 target known on `on` (the last due)
    target_due: datetime.date | None

    @property
    def expected(self) -> Decimal:
        return (self.joined + self.weighted).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int((self.expected / self.target * 100).quantize(Decimal(1), ROUND_HALF_UP))


def stages_on(cluster, on: datetime.date) -> dict[int, tuple[str, datetime.datetime]]:
    """Each prospect's stage as known on `on` (the last step recorded by the end of the
    day) and when it got there: prospect id → (stage, at). Prospects without a step by
    then did not exist yet. One query."""
    steps = (
        ProspectStep.objects.filter(prospect__cluster=cluster, at__lte=known.end_of(on))
        .order_by("prospect_id", "at", "pk")
        .values_list("prospect_id", "to_stage", "at")
    )
    stages = {}
    for prospect_id, stage, at in steps:
        stages[prospect_id] = (stage, at)
    return stages


def expected_members(cluster, on: datetime.date) -> Expected:
    """Joined this year (up to `on`) plus the open pipeline weighted by stage, and the
    cluster's KPI 2 target, all as known on `on`. Three queries."""
    from django.utils import timezone

    stages = stages_on(cluster, on)
    joined = sum(
        1
        for stage, at in stages.values()
        if stage == Stage.JOINED and timezone.localdate(at).year == on.year
    )
    open_by_stage = {s: 0 for s in OPEN_STAGES}
    for stage, _at in stages.values():
        if stage in open_by_stage:
            open_by_stage[stage] += 1
    weighted = sum((WEIGHTS[s] * n for s, n in open_by_stage.items()), Decimal(0))
    target = _target(cluster, on)
    return Expected(
        on=on,
        joined=joined,
        open_by_stage=open_by_stage,
        weighted=weighted.quantize(Decimal("0.01")),
        target=target.value if target else None,
        target_due=target.due_date if target else None,
    )


def _target(cluster, on: datetime.date):
    from clustermonitor.programmes.models import Target

    if not known.cluster_started(cluster, on):
        return None
    targets = known.targets(
        Target.objects.filter(cluster=cluster, kpi__code=KPI_CODE).order_by("due_date", "pk"),
        on,
    )
    return max(targets, key=lambda t: (t.due_date, t.pk)) if targets else None
