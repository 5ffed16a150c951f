"""Reads for the programme dashboard (the 2020 report's Tables 5 and 7) and the
trajectories (issue 6). See docs/dashboard.md.

Three kinds of figure stand side by side, each labelled, never mixed:

- **reported** — ReportedFigure rows (KPI1, KPI2, KPI3) per cluster: the 2020 evaluation's
  Table 7 and, later, the figures of approved progress reports. Per cluster and KPI the
  latest one whose period ends on or before the end of the selected year counts (the
  latest of all without a year); "latest" is by period end, then source date.
- **computed** — from the records up to the reporting date: KPI 1 and KPI 2 from paid
  contributions (members.figures + analysis.participation, as the KPI page does), KPI 3
  from the collaborations (collaborations.selectors.programme_kpi3).
- **published** — programme-wide figures as the report printed them (Table 5,
  PublishedFigure rows ``table5.*`` written by programmes.table5_reference).

Targets are the clusters' Target rows; a cluster's "3-year target" for a KPI is the one
with the latest due date. Every "% attained" is reported (or computed) / target in whole
percent, halves up, over the clusters that have both (like for like).

Every read here takes a fixed number of queries, whatever the number of clusters.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.analysis import participation
from clustermonitor.analysis import trajectory as trajectories
from clustermonitor.analysis.trajectory import whole_percent
from clustermonitor.collaborations.selectors import programme_kpi3
from clustermonitor.core import known
from clustermonitor.members import figures
from clustermonitor.programmes import selectors as programme_selectors
from clustermonitor.programmes.models import (
    KPI,
    Cluster,
    Embedding,
    Programme,
    PublishedFigure,
    ReportedFigure,
    Target,
)
from clustermonitor.programmes.table5_reference import KPI_NAMES
from clustermonitor.programmes.table5_reference import key as table5_key

KPI_CODES = tuple(KPI_NAMES.values())  # KPI1, KPI2, KPI3
#: Table 5 and its published splits are about the IBNs.
PUBLISHED_TYPE = "IBN"
NO_GROUP = ""


def effective_date(figure: ReportedFigure) -> datetime.date:
    """The date a reported figure stands for: the end of its period, else its source date."""
    return figure.period_end or figure.source_date


def _recency(figure: ReportedFigure):
    return (effective_date(figure), figure.source_date, figure.pk or 0)


def latest_reported(
    reported, until: datetime.date | None = None, known_on: datetime.date | None = None
) -> ReportedFigure | None:
    """The latest of ``reported`` whose period ends on or before ``until`` (any if None)
    among those known on ``known_on`` (core.known.reported; all if None)."""
    candidates = [
        f
        for f in reported
        if (until is None or effective_date(f) <= until)
        and (known_on is None or known.reported(f, known_on))
    ]
    return max(candidates, key=_recency) if candidates else None


def three_year_target(targets) -> Target | None:
    """The cluster's target for a KPI due last (the 3-year target of an IBN)."""
    targets = list(targets)
    return max(targets, key=lambda t: (t.due_date, t.pk or 0)) if targets else None


def reporting_date(year: int | None, today: datetime.date) -> datetime.date:
    """Records are counted up to the end of the selected year, never past today."""
    return min(datetime.date(year, 12, 31), today) if year else today


def operating_years(periods, today: datetime.date) -> list[int]:
    """The calendar years in which at least one agreement ``(start, end)`` ran, up to
    this year."""
    years = set()
    for start, end in periods:
        years.update(range(start.year, min(end.year, today.year) + 1))
    return sorted(years)


def programme_years(programme: Programme, today: datetime.date) -> list[int]:
    """The years of the dashboard's year filter: those in which a cluster of the
    programme ran (one query)."""
    return operating_years(
        Cluster.objects.filter(programme=programme).values_list("start_date", "end_date"), today
    )


# -- Computed values -----------------------------------------------------------------

PAID_COLUMNS = [
    "cluster",
    "organisation_id",
    "organisation",
    "enterprise_number",
    "kind",
    "year",
    "first_start",
]


@dataclass
class Computed:
    """KPI values from the records, per cluster code, and the programme's distinct counts."""

    until: datetime.date
    values: dict[str, dict[str, int]]  # cluster code → KPI code → value
    distinct: dict[str, int]  # KPI code → each company / collaboration counted once


def computed_kpis(clusters, until: datetime.date) -> Computed:
    """KPI 1 and KPI 2 as the KPI page computes them, KPI 3 as the KPI 3 page does; a
    cluster whose agreement starts after ``until`` has no value.

    They read every fee and collaboration of the clusters (seconds for 200 clusters), so
    the result is kept by the clusters, the date and the version of the records."""
    clusters = list(clusters)
    if not clusters:
        return Computed(until, {}, {code: 0 for code in KPI_CODES})
    from clustermonitor.core.memo import memo
    from clustermonitor.core.pagecache import records_version

    def key():
        return (
            [(c.pk, c.code, c.start_date, c.end_date) for c in clusters],
            until,
            records_version(),
        )

    return memo("computed-kpis", key, lambda: _computed_kpis(clusters, until))


def _computed_kpis(clusters, until: datetime.date) -> Computed:
    paid = pd.DataFrame(figures.paid_rows(clusters, until), columns=PAID_COLUMNS)
    starts = {c.code: pd.Timestamp(c.start_date) for c in clusters}
    companies = participation.kpi_companies(paid, starts, pd.Timestamp(until))
    table = participation.kpi1_kpi2(paid, starts, pd.Timestamp(until))
    kpi12 = {r["cluster"]: (int(r["kpi1"]), int(r["kpi2"])) for r in table.to_dict("records")}
    kpi3 = programme_kpi3(clusters, until)
    by_cluster = {k.cluster.code: k.value for k in kpi3.per_cluster}
    values = {}
    for cluster in clusters:
        if cluster.start_date > until:
            continue
        kpi1, kpi2 = kpi12.get(cluster.code, (0, 0))
        values[cluster.code] = {"KPI1": kpi1, "KPI2": kpi2, "KPI3": by_cluster.get(cluster.code, 0)}
    totals = participation.kpi_programme(companies)
    distinct = {
        "KPI1": totals["kpi1_distinct_companies"],
        "KPI2": totals["kpi2_distinct_companies"],
        "KPI3": kpi3.distinct,
    }
    return Computed(until, values, distinct)


# -- Dashboard -----------------------------------------------------------------------


@dataclass
class Cell:
    """One cluster, one KPI: reported, computed and target side by side."""

    code: str
    reported: ReportedFigure | None
    computed: int | None
    target: Target | None

    @property
    def reported_value(self) -> Decimal | None:
        return self.reported.value if self.reported else None

    @property
    def target_value(self) -> Decimal | None:
        return self.target.value if self.target else None

    @property
    def reported_pct(self) -> int | None:
        return whole_percent(self.reported_value, self.target_value)

    @property
    def computed_pct(self) -> int | None:
        return whole_percent(self.computed, self.target_value)

    @property
    def difference(self) -> Decimal | None:
        """Computed − reported."""
        if self.computed is None or self.reported is None:
            return None
        return Decimal(self.computed) - self.reported.value

    @property
    def marker(self) -> str:
        """The report's * for a figure after one year of operation."""
        if self.reported and self.reported.basis == ReportedFigure.Basis.REPORTED_1Y:
            return "*"
        return ""


@dataclass
class Total:
    """A group of clusters, one KPI: sums, the like-for-like share attained, and the
    published figure where the report printed one."""

    code: str
    n_clusters: int = 0
    reported: Decimal = Decimal(0)  # sum over clusters with a reported value
    n_reported: int = 0
    computed: int = 0  # sum over clusters with a computed value
    n_computed: int = 0
    target: Decimal = Decimal(0)  # sum over clusters with a target
    n_target: int = 0
    matched_reported: Decimal = Decimal(0)  # clusters with a reported value and a target
    matched_reported_target: Decimal = Decimal(0)
    n_matched_reported: int = 0
    matched_computed: int = 0  # clusters with a computed value and a target
    matched_computed_target: Decimal = Decimal(0)
    n_matched_computed: int = 0
    published: PublishedFigure | None = None
    published_target: PublishedFigure | None = None
    published_pct: PublishedFigure | None = None
    distinct: int | None = None  # computed, each company / collaboration once

    def add(self, cell: Cell) -> None:
        self.n_clusters += 1
        if cell.reported is not None:
            self.reported += cell.reported.value
            self.n_reported += 1
        if cell.computed is not None:
            self.computed += cell.computed
            self.n_computed += 1
        if cell.target is not None:
            self.target += cell.target.value
            self.n_target += 1
            if cell.reported is not None:
                self.matched_reported += cell.reported.value
                self.matched_reported_target += cell.target.value
                self.n_matched_reported += 1
            if cell.computed is not None:
                self.matched_computed += cell.computed
                self.matched_computed_target += cell.target.value
                self.n_matched_computed += 1

    @property
    def reported_pct(self) -> int | None:
        if not self.n_matched_reported:
            return None
        return whole_percent(self.matched_reported, self.matched_reported_target)

    @property
    def computed_pct(self) -> int | None:
        if not self.n_matched_computed:
            return None
        return whole_percent(self.matched_computed, self.matched_computed_target)

    @property
    def published_value(self) -> Decimal | None:
        return self.published.value if self.published else None

    @property
    def published_target_value(self) -> Decimal | None:
        return self.published_target.value if self.published_target else None

    @property
    def published_attained(self) -> int | None:
        """Published value / published target, whole percent, halves up."""
        return whole_percent(self.published_value, self.published_target_value)

    @property
    def difference_published(self) -> Decimal | None:
        """Sum of the clusters' reported values − the published value."""
        if self.published is None or not self.n_reported:
            return None
        return self.reported - self.published.value


@dataclass
class Group:
    key: str
    label: str
    totals: dict[str, Total]
    clusters: list = field(default_factory=list)

    @property
    def n_clusters(self) -> int:
        return len(self.clusters)

    @property
    def ordered(self) -> list[Total]:
        return [self.totals[code] for code in KPI_CODES]


@dataclass
class Dashboard:
    programme: Programme
    year: int | None
    until: datetime.date  # computed values up to
    reported_until: datetime.date | None  # reported figures with a period ending by
    cluster_type: str
    years: list[int]
    kpis: dict[str, KPI]
    rows: list[dict]
    programme_total: Group
    by_call: list[Group]
    by_embedding: list[Group]
    published: dict[str, PublishedFigure]
    show_published: bool

    @property
    def published_notes(self) -> list[PublishedFigure]:
        """The published figures not shown in a KPI table (groups of clusters)."""
        shown = {table5_key(code, f) for code in KPI_CODES for f in ("reported", "target_3y")}
        shown |= {k for k in self.published if k.startswith(table5_key("by_embedding"))}
        shown |= {table5_key(code, "pct") for code in KPI_CODES}
        return [f for k, f in sorted(self.published.items()) if k not in shown]


def _group(key: str, label: str, clusters_cells) -> Group:
    group = Group(key, label, {code: Total(code) for code in KPI_CODES})
    for cluster, cells in clusters_cells:
        group.clusters.append(cluster)
        for code in KPI_CODES:
            group.totals[code].add(cells[code])
    return group


def _published(programme: Programme, on: datetime.date) -> dict[str, PublishedFigure]:
    found = {}
    for figure in known.published(
        PublishedFigure.objects.filter(programme=programme, key__startswith=table5_key("")), on
    ).order_by("source_date", "pk"):
        found[figure.key] = figure  # the latest source wins
    return found


def default_cluster_type(programme: Programme) -> str:
    """The dashboard opens on the IBNs (Tables 5 and 7) when the programme has them."""
    return PUBLISHED_TYPE if programme.cluster_types.filter(code=PUBLISHED_TYPE).exists() else ""


def dashboard(
    programme: Programme,
    *,
    year: int | None = None,
    today: datetime.date | None = None,
    cluster_type: str = "",
    years: list[int] | None = None,
) -> Dashboard:
    """Tables 5 and 7 for ``year`` (None: the latest figures, records up to today);
    ``years``: the programme's years (programme_years), when the caller has them."""
    today = today or datetime.date.today()
    until = reporting_date(year, today)
    reported_until = datetime.date(year, 12, 31) if year else None
    rows = programme_selectors.portfolio_rows(programme, cluster_type=cluster_type, on=today)
    # Known on the date (core.known): a cluster whose agreement starts later, its targets
    # and figures are not in the tables or their totals.
    rows = [r for r in rows if known.cluster_started(r["cluster"], until)]
    clusters = [r["cluster"] for r in rows]
    computed = computed_kpis(clusters, until)
    if years is None:
        years = programme_years(programme, today)
    kpis = {k.code: k for k in KPI.objects.filter(programme=programme, code__in=KPI_CODES)}
    cells_by_cluster = []
    for row in rows:
        cluster = row["cluster"]
        reported = defaultdict(list)
        for figure in cluster.reported_figures.all():  # prefetched by portfolio_rows
            reported[figure.metric].append(figure)
        targets = defaultdict(list)
        for target in cluster.known_targets:  # as on the date (core.known)
            targets[target.kpi.code].append(target)
        values = computed.values.get(cluster.code)
        cells = {
            code: Cell(
                code,
                latest_reported(reported[code], reported_until, known_on=today),
                values[code] if values else None,
                three_year_target(targets[code]),
            )
            for code in KPI_CODES
        }
        row["cells"] = cells
        row["kpi_cells"] = [cells[code] for code in KPI_CODES]
        cells_by_cluster.append((cluster, cells))

    published = _published(programme, today)
    show_published = cluster_type == PUBLISHED_TYPE and bool(published)
    total = _group("programme", _("Programme"), cells_by_cluster)
    for code in KPI_CODES:
        total.totals[code].distinct = computed.distinct[code]
        if show_published:
            total.totals[code].published = published.get(table5_key(code, "reported"))
            total.totals[code].published_target = published.get(table5_key(code, "target_3y"))
            total.totals[code].published_pct = published.get(table5_key(code, "pct"))

    calls: dict[object, list] = defaultdict(list)
    call_labels = {}
    for cluster, cells in cells_by_cluster:
        number = cluster.call.number if cluster.call_id else None
        calls[number].append((cluster, cells))
        if cluster.call_id:
            # As Call.__str__, without fetching the call's type: it is the cluster's.
            call_labels[number] = (
                cluster.call.name or f"{cluster.cluster_type.code} {_('call')} {number}"
            )
    by_call = [
        _group(str(n or NO_GROUP), call_labels.get(n) or _("no call"), calls[n])
        for n in sorted(calls, key=lambda n: (n is None, n or 0))
    ]
    if show_published:
        call1 = next((g for g in by_call if g.key == "1"), None)
        figure = published.get(table5_key("call1_first_14", "collaboration_target_3y_total"))
        if call1 is not None and figure is not None:
            call1.totals["KPI3"].published_target = figure

    embeddings: dict[str, list] = defaultdict(list)
    for cluster, cells in cells_by_cluster:
        embeddings[cluster.embedding or NO_GROUP].append((cluster, cells))
    labels = dict(Embedding.choices)
    order = [*Embedding.values, NO_GROUP]
    by_embedding = [
        _group(e, str(labels.get(e, _("not given"))), embeddings[e])
        for e in order
        if e in embeddings
    ]
    if show_published:
        for group in by_embedding:
            for name, code in (("active_members", "KPI1"), ("new_members", "KPI2")):
                group.totals[code].published = published.get(
                    table5_key("by_embedding", group.key, name)
                )
    return Dashboard(
        programme=programme,
        year=year,
        until=until,
        reported_until=reported_until,
        cluster_type=cluster_type,
        years=years,
        kpis=kpis,
        rows=rows,
        programme_total=total,
        by_call=by_call,
        by_embedding=by_embedding,
        published=published,
        show_published=show_published,
    )


# -- Trajectories --------------------------------------------------------------------


@dataclass
class TrajectoryRow:
    cluster: Cluster
    code: str
    kpi: KPI | None
    target: Target | None
    reported: list  # the ReportedFigure rows used, oldest first
    trajectory: trajectories.Trajectory
    today: datetime.date  # reports up to this date

    @property
    def status(self) -> str:
        return self.trajectory.status

    @property
    def running(self) -> bool:
        """Whether the agreement runs on ``today``."""
        return self.cluster.start_date <= self.today <= self.cluster.end_date


def _horizon(cluster: Cluster, target: Target | None) -> datetime.date:
    """The agreement's end; the target's due date when that comes first (a 3-year target
    of a longer agreement)."""
    if target is not None and cluster.start_date < target.due_date < cluster.end_date:
        return target.due_date
    return cluster.end_date


def _trajectory_rows(clusters, today: datetime.date) -> list[TrajectoryRow]:
    """Clusters must be fetched with the prefetches of :func:`_trajectory_clusters`."""
    rows = []
    clusters = known.clusters_and_targets(clusters, today)  # as they were (core.known)
    for cluster in clusters:
        if cluster.end_date <= cluster.start_date:
            continue  # no agreement period to project over
        kpis = {k.code: k for k in cluster.programme.kpis.all()}
        figures_by_code = defaultdict(list)
        for figure in cluster.reported_figures.all():
            if figure.metric in KPI_CODES and known.reported(figure, today):
                figures_by_code[figure.metric].append(figure)
        targets = defaultdict(list)
        for target in cluster.known_targets:  # as on the date (core.known)
            targets[target.kpi.code].append(target)
        for code in KPI_CODES:
            # By period, and for one period the figure given last wins.
            used = sorted(figures_by_code[code], key=_recency)
            target = three_year_target(targets[code])
            path = trajectories.trajectory(
                [(effective_date(f), f.value) for f in used],
                cluster.start_date,
                _horizon(cluster, target),
                target.value if target else None,
            )
            rows.append(TrajectoryRow(cluster, code, kpis.get(code), target, used, path, today))
    return rows


def _trajectory_clusters(queryset):
    return queryset.select_related("programme", "cluster_type", "call").prefetch_related(
        Prefetch(
            "reported_figures",
            queryset=ReportedFigure.objects.filter(metric__in=KPI_CODES).order_by("pk"),
        ),
        Prefetch("targets", queryset=Target.objects.select_related("kpi")),
        "programme__kpis",
    )


def cluster_trajectories(cluster: Cluster, today: datetime.date | None = None):
    """The three KPI trajectories of one cluster, with reports up to ``today``."""
    today = today or datetime.date.today()
    clusters = _trajectory_clusters(Cluster.objects.filter(pk=cluster.pk))
    return _trajectory_rows(clusters, today)


def programme_trajectories(
    programme: Programme, today: datetime.date | None = None, *, cluster_type: str = ""
) -> list[TrajectoryRow]:
    """Every cluster × KPI, most urgent first: off track, at risk, on track, unknown; then
    by cluster code and KPI."""
    today = today or datetime.date.today()
    clusters = known.clusters(Cluster.objects.filter(programme=programme), today)
    if cluster_type:
        clusters = clusters.filter(cluster_type__code=cluster_type)
    rows = _trajectory_rows(_trajectory_clusters(clusters), today)
    rows.sort(
        key=lambda r: (trajectories.sort_key(r.status), r.cluster.code, KPI_CODES.index(r.code))
    )
    return rows


def off_track(
    programme: Programme, today: datetime.date | None = None, *, running_only: bool = True
) -> list[tuple[Cluster, str, str, Decimal, Decimal]]:
    """For the early-warning worklist: ``(cluster, kpi_code, status, forecast, target)`` for
    every cluster × KPI whose trajectory is off track or at risk on ``today`` (off track
    first, then by cluster code and KPI). ``forecast`` is rounded to one decimal (halves
    up), ``target`` is the Target's value. With ``running_only`` (the default) only
    clusters whose agreement runs on ``today``: an ended one can no longer be warned."""
    today = today or datetime.date.today()
    out = []
    for row in programme_trajectories(programme, today):
        if row.status not in (trajectories.OFF_TRACK, trajectories.AT_RISK):
            continue
        if running_only and not row.running:
            continue
        out.append(
            (row.cluster, row.code, row.status, row.trajectory.forecast_display, row.target.value)
        )
    return out


# -- The labels of the trajectories and the kept dashboard ----------------------------

STATUS_LABELS = {
    trajectories.OFF_TRACK: gettext_lazy("off track"),
    trajectories.AT_RISK: gettext_lazy("at risk"),
    trajectories.ON_TRACK: gettext_lazy("on track"),
    trajectories.UNKNOWN: gettext_lazy("unknown"),
}
METHOD_LABELS = {
    trajectories.LEAST_SQUARES: gettext_lazy("least squares through the start"),
    trajectories.SINGLE_POINT: gettext_lazy("pace of the one report"),
    trajectories.NO_POINTS: gettext_lazy("no report yet"),
}


def dashboard_inputs(programme, year, today, cluster_type, language, years) -> tuple:
    """What the dashboard is computed from: the version of the records (one query of
    index look-ups; none between writes with a shared cache) and the selection."""
    from clustermonitor.core.pagecache import records_version

    return (programme.pk, year, today, cluster_type, language, records_version())


def compute_dashboard(programme, year, today, cluster_type, language, years) -> Dashboard:
    return dashboard(programme, year=year, today=today, cluster_type=cluster_type, years=years)


def keep_dashboard(
    programme_id: int, year: int | None, today: str, cluster_type: str, language: str
) -> None:
    """Compute and keep the programme dashboard's tables (the background task of the
    dashboard: the same inputs, so the same key, as the page computes)."""
    from clustermonitor.core.memo import memo

    programme = Programme.objects.get(pk=programme_id)
    day = datetime.date.fromisoformat(today)
    with translation.override(language):
        years = programme_years(programme, day)
        arguments = (programme, year, day, cluster_type, language, years)
        memo(
            "dashboard", lambda: dashboard_inputs(*arguments), lambda: compute_dashboard(*arguments)
        )
