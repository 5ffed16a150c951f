"""Reads: the derived typology and KPI 3 (DESIGN §4).

KPI 3 — collaborations with at least 3 parties: collaboration initiatives attributed
to the cluster, with at least 3 distinct companies among the parties, that reached
status *started* (or later) within the agreement period. An intercluster project
counts for each cluster involved and once in a programme total.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from clustermonitor.collaborations.models import (
    STARTED_STAGES,
    Collaboration,
    Instrument,
    Party,
    Stage,
    StageChange,
)
from clustermonitor.core import i18n, known
from clustermonitor.registry.models import Organisation

#: KPI 3's threshold: distinct companies among the parties.
KPI3_MIN_COMPANIES = 3


def _count(queryset, key="collaboration"):
    return Coalesce(
        Subquery(
            queryset.order_by().values(key).annotate(n=Count("*")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_derived(queryset, on: datetime.date | None = None):
    """Annotate what is derived, never entered: the number of distinct companies among
    the parties, whether a knowledge institution takes part, the number of clusters,
    and whether the collaboration ever reached *started* (by ``on``, when given: known
    on D, core.known)."""
    parties = Party.objects.filter(collaboration=OuterRef("pk"))
    started = StageChange.objects.filter(collaboration=OuterRef("pk"), stage__in=STARTED_STAGES)
    in_clusters = Collaboration.clusters.through.objects.filter(collaboration=OuterRef("pk"))
    if on is not None:
        started = known.stage_changes(started, on)
        in_clusters = known.clusters(in_clusters, on, "cluster__")  # started by `on`
    return queryset.annotate(
        n_companies=_count(parties.filter(organisation__kind=Organisation.Kind.COMPANY)),
        n_parties=_count(parties),
        has_knowledge=Exists(parties.filter(organisation__kind=Organisation.Kind.KNOWLEDGE)),
        # A subquery, not Count("clusters"): a queryset filtered on one cluster would
        # otherwise count only that cluster.
        n_clusters=_count(in_clusters),
        reached_started=Exists(started),
    )


def scale(n_companies: int) -> str:
    """Bilateral or multilateral, by the number of distinct companies among the parties:
    `single` (0 or 1), `bilateral` (2), `multilateral` (3 or more)."""
    if n_companies >= 3:
        return "multilateral"
    if n_companies == 2:
        return "bilateral"
    return "single"


SCALE_LABELS = {
    "single": ("minder dan twee bedrijven", "fewer than two companies"),
    "bilateral": ("bilateraal (2 bedrijven)", "bilateral (2 companies)"),
    "multilateral": ("multilateraal (3 of meer bedrijven)", "multilateral (3 or more companies)"),
}


@dataclass
class Verdict:
    """Whether one collaboration counts for KPI 3 of one cluster, and why (not)."""

    collaboration: Collaboration
    counted: bool
    reason: str  # counted | few_companies | not_started | before_agreement | after_period
    year: int | None


def kpi3_verdict(collaboration, cluster, until: datetime.date) -> Verdict:
    """`collaboration` must carry the annotations of `with_derived`."""
    start = collaboration.start_date
    period_end = min(cluster.end_date, until)
    if collaboration.n_companies < KPI3_MIN_COMPANIES:
        reason = "few_companies"
    elif not collaboration.reached_started or start is None:
        reason = "not_started"
    elif start < cluster.start_date:
        reason = "before_agreement"
    elif start > period_end:
        reason = "after_period"
    else:
        reason = "counted"
    return Verdict(collaboration, reason == "counted", reason, start.year if start else None)


REASON_LABELS = {
    "counted": ("geteld", "counted"),
    "few_companies": ("minder dan 3 bedrijven", "fewer than 3 companies"),
    "not_started": ("niet (nog niet) gestart", "not started (yet)"),
    "before_agreement": ("gestart vóór de overeenkomst", "started before the agreement"),
    "after_period": (
        "gestart na de overeenkomst of de rapporteringsdatum",
        "started after the agreement or the reporting date",
    ),
}


@dataclass
class ClusterKPI3:
    cluster: object
    until: datetime.date
    verdicts: list[Verdict]

    @property
    def counted(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.counted]

    @property
    def value(self) -> int:
        return len(self.counted)

    @property
    def by_year(self) -> dict[int, int]:
        return dict(sorted(Counter(v.year for v in self.counted).items()))

    @property
    def not_counted(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.counted]


def cluster_kpi3(cluster, until: datetime.date | None = None) -> ClusterKPI3:
    until = until or datetime.date.today()
    collaborations = (
        with_derived(
            known.collaborations(Collaboration.objects.filter(clusters=cluster), until), until
        )
        .prefetch_related("clusters")
        .order_by("start_date", "title", "pk")
    )
    return ClusterKPI3(cluster, until, [kpi3_verdict(c, cluster, until) for c in collaborations])


@dataclass
class ProgrammeKPI3:
    until: datetime.date
    per_cluster: list[ClusterKPI3]
    #: collaboration id → the clusters it counts for
    counted_for: dict[int, list[str]] = field(default_factory=dict)
    collaborations: dict[int, Collaboration] = field(default_factory=dict)

    @property
    def sum_over_clusters(self) -> int:
        """As a table of clusters adds up: an intercluster project once per cluster."""
        return sum(k.value for k in self.per_cluster)

    @property
    def distinct(self) -> int:
        """The programme total: each collaboration once."""
        return len(self.counted_for)

    @property
    def double_counted(self) -> int:
        return self.sum_over_clusters - self.distinct

    @property
    def years(self) -> list[int]:
        return sorted({y for k in self.per_cluster for y in k.by_year})

    @property
    def distinct_by_year(self) -> dict[int, int]:
        return dict(
            sorted(
                Counter(self.collaborations[i].start_date.year for i in self.counted_for).items()
            )
        )


def programme_kpi3(clusters, until: datetime.date | None = None) -> ProgrammeKPI3:
    """KPI 3 for every cluster in `clusters`, in two queries whatever their number."""
    until = until or datetime.date.today()
    clusters = list(clusters)
    by_id = {c.pk: c for c in clusters}
    collaborations = list(
        with_derived(
            known.collaborations(Collaboration.objects.filter(clusters__in=clusters), until),
            until,
        )
        .distinct()
        .prefetch_related("clusters")
        .order_by("start_date", "title", "pk")
    )
    verdicts = defaultdict(list)
    result = ProgrammeKPI3(until, [])
    for collaboration in collaborations:
        for cluster in collaboration.clusters.all():
            if cluster.pk not in by_id:
                continue
            verdict = kpi3_verdict(collaboration, by_id[cluster.pk], until)
            verdicts[cluster.pk].append(verdict)
            if verdict.counted:
                result.counted_for.setdefault(collaboration.pk, []).append(cluster.code)
                result.collaborations[collaboration.pk] = collaboration
    result.per_cluster = [ClusterKPI3(c, until, verdicts.get(c.pk, [])) for c in clusters]
    return result


def breakdowns(collaborations) -> dict[str, Counter]:
    """Typology counts over annotated collaborations (each counted once)."""
    result = {
        "stage": Counter(),
        "nature": Counter(),
        "value_chain": Counter(),
        "purpose": Counter(),
        "instrument": Counter(),
        "scale": Counter(),
        "knowledge": Counter(),
        "intercluster": Counter(),
        "stop_reason": Counter(),
    }
    for c in collaborations:
        result["stage"][c.stage] += 1
        result["nature"][c.nature] += 1
        result["value_chain"][c.value_chain] += 1
        result["purpose"][c.purpose] += 1
        result["instrument"][c.instrument] += 1
        result["scale"][scale(c.n_companies)] += 1
        result["knowledge"][bool(c.has_knowledge)] += 1
        result["intercluster"][c.n_clusters > 1] += 1
        if c.stop_reason:
            result["stop_reason"][c.stop_reason] += 1
    return result


def states_on(collaborations, on: datetime.date) -> dict[int, tuple[str, str]]:
    """Collaboration id → (stage, reason) on `on`: the latest step known on that day
    (core.known), for each of `collaborations` (ids, or a queryset of ``pk`` values)
    that had a step by then (the others did not exist yet). One query."""
    steps = (
        known.stage_changes(StageChange.objects.filter(collaboration__in=collaborations), on)
        .order_by("collaboration_id", "date", "pk")
        .values_list("collaboration_id", "stage", "reason")
    )
    states = {}
    for collaboration_id, stage, reason in steps:
        states[collaboration_id] = (stage, reason)  # the latest step wins
    return states


def annotated_on(states: dict[int, tuple[str, str]], on: datetime.date) -> list:
    """The collaborations of `states` (states_on) annotated by `with_derived` on `on`,
    with `stage` and `stop_reason` as they were on that day, by title."""
    rows = list(
        with_derived(Collaboration.objects.filter(pk__in=list(states)), on).order_by("title", "pk")
    )
    for collaboration in rows:
        stage, reason = states[collaboration.pk]
        collaboration.stage = stage
        collaboration.stop_reason = reason if stage == Stage.STOPPED else ""
    return rows


def intercluster(queryset):
    """Collaborations with two or more clusters (`queryset` annotated by with_derived)."""
    return queryset.filter(n_clusters__gt=1)


def scale_label(n_companies: int) -> str:
    return SCALE_LABELS[scale(n_companies)][i18n.lang_index()]


def reason_label(reason: str) -> str:
    return REASON_LABELS[reason][i18n.lang_index()]


def breakdown_table(counts: dict[str, Counter]) -> list[tuple[str, list[tuple[str, int]]]]:
    """The typology counts with their labels, in the order of the choices, for a page or
    a sheet: [(dimension, [(value, count), ...]), ...]."""
    from django.utils.translation import gettext as _

    from clustermonitor.collaborations.models import (
        Instrument,
        Nature,
        Purpose,
        Stage,
        StopReason,
        ValueChain,
    )

    def choices(field, enum):
        rows = [(str(label), counts[field].get(value, 0)) for value, label in enum.choices]
        if counts[field].get(""):
            rows.append((_("not given"), counts[field][""]))
        return rows

    return [
        (_("Stage"), choices("stage", Stage)),
        (_("Stopped because"), choices("stop_reason", StopReason)),
        (_("Scale"), [(scale_label(n), counts["scale"].get(scale(n), 0)) for n in (0, 2, 3)]),
        (
            _("Knowledge institution among the parties"),
            [(_("yes"), counts["knowledge"][True]), (_("no"), counts["knowledge"][False])],
        ),
        (
            _("Intercluster"),
            [(_("yes"), counts["intercluster"][True]), (_("no"), counts["intercluster"][False])],
        ),
        (_("Nature"), choices("nature", Nature)),
        (_("Value chain"), choices("value_chain", ValueChain)),
        (_("Purpose"), choices("purpose", Purpose)),
        (_("Funding instrument"), choices("instrument", Instrument)),
    ]


#: Stages at or past submission: an application was made.
SUBMITTED_OR_LATER = {"submitted", "started", "completed"}


@dataclass
class InterclusterOverview:
    """Table 10 and the report's comparisons, computed from the records: collaborations
    with two or more clusters, and every application to an intercluster call."""

    projects: list  # intercluster collaborations, annotated, with .cluster_list
    calls: list  # InterclusterCall with .recorded_applications / .recorded_approved
    involvements: Counter  # IBN involvements by embedding, in applications
    applications: int
    approved: int
    ibn_spc_applications: int
    ibn_spc_approved: int
    per_cluster: list  # (cluster, involvements, reported)
    published: dict  # key → PublishedFigure


def intercluster_overview(
    programme, *, until: datetime.date | None = None, clusters=None
) -> InterclusterOverview:
    """`until`: only what existed on that date (a first stage on or before it) and
    applications submitted by then. `clusters`: only the projects with one of them, and
    involvements counted for them only (the evaluation report's selection)."""
    from clustermonitor.collaborations.models import Decision, InterclusterCall
    from clustermonitor.programmes.models import Cluster, PublishedFigure, ReportedFigure

    selected = None if clusters is None else {c.pk for c in clusters}
    submitted = StageChange.objects.filter(
        collaboration=OuterRef("pk"), stage__in=SUBMITTED_OR_LATER
    )
    queryset = Collaboration.objects.filter(programme=programme)
    if until is not None:
        submitted = known.stage_changes(submitted, until)
        queryset = known.collaborations(queryset, until)
    queryset = with_derived(queryset, until)
    # Table 10 lists every application to the intercluster calls, also one where the
    # partner of an IBN is no cluster (Flanders' Bike Valley with Victoris).
    projects = list(
        queryset.filter(Q(n_clusters__gt=1) | Q(instrument=Instrument.INTERCLUSTER))
        .annotate(applied=Exists(submitted))
        .select_related("intercluster_call")
        .prefetch_related("clusters__cluster_type")
        .order_by("intercluster_call__year", "title", "pk")
    )
    involvements: Counter = Counter()
    per_cluster_count: Counter = Counter()
    applications = approved = ibn_spc = ibn_spc_approved = 0
    for project in projects:
        project.cluster_list = sorted(
            (c for c in project.clusters.all() if until is None or known.cluster_started(c, until)),
            key=lambda c: (c.cluster_type.code != "IBN", c.code),
        )
        types = {c.cluster_type.code for c in project.cluster_list}
        project.is_ibn_spc = {"IBN", "SPC"} <= types
    if selected is not None:
        projects = [p for p in projects if any(c.pk in selected for c in p.cluster_list)]
    for project in projects:
        if not project.applied:
            continue
        applications += 1
        is_approved = project.decision == Decision.APPROVED
        approved += is_approved
        if project.is_ibn_spc:
            ibn_spc += 1
            ibn_spc_approved += is_approved
        for cluster in project.cluster_list:
            if selected is not None and cluster.pk not in selected:
                continue
            per_cluster_count[cluster.pk] += 1
            if cluster.cluster_type.code == "IBN" and cluster.embedding:
                involvements[cluster.embedding] += 1
    calls = list(InterclusterCall.objects.filter(programme=programme))
    for call in calls:
        mine = [p for p in projects if p.intercluster_call_id == call.pk and p.applied]
        call.recorded_applications = len(mine)
        call.recorded_approved = sum(p.decision == Decision.APPROVED for p in mine)
    reported_figures = ReportedFigure.objects.filter(
        metric=ReportedFigure.Metric.INTERCLUSTER, cluster__programme=programme
    )
    published_figures = PublishedFigure.objects.filter(
        programme=programme, key__startswith="intercluster."
    )
    if until is not None:
        reported_figures = known.reported_figures(reported_figures, until)
        published_figures = known.published(published_figures, until)
    reported = {f.cluster_id: f.value for f in reported_figures.order_by("source_date", "pk")}
    all_clusters = Cluster.objects.filter(programme=programme).select_related("cluster_type")
    if until is not None:
        all_clusters = known.clusters(all_clusters, until)
    per_cluster = [
        (c, per_cluster_count.get(c.pk, 0), reported.get(c.pk))
        for c in all_clusters
        if (selected is None or c.pk in selected)
        and (per_cluster_count.get(c.pk) or reported.get(c.pk) is not None)
    ]
    published = {f.key: f for f in published_figures.order_by("source_date", "pk")}
    return InterclusterOverview(
        projects,
        calls,
        involvements,
        applications,
        approved,
        ibn_spc,
        ibn_spc_approved,
        per_cluster,
        published,
    )
