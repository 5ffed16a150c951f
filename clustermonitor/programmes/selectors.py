"""Reads that feed the programme pages, exports and the API."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _

from clustermonitor.core import known
from clustermonitor.core.templatetags.format import format_money
from clustermonitor.programmes.models import (
    Application,
    Call,
    Cluster,
    Programme,
    ReportedFigure,
    Target,
)


def current_programme(slug: str | None = None) -> Programme | None:
    programmes = Programme.objects.order_by("pk")
    if slug:
        return programmes.filter(slug=slug).first()
    return programmes.first()


@dataclass(frozen=True)
class Figure:
    """A value shown in the portfolio with where it comes from."""

    value: Decimal | None
    basis: str = ""  # reported_2y, reported_1y, reported, target, or "" when unknown

    @property
    def marker(self) -> str:
        # The report's own markers: * after one year, ** targets (no report yet).
        return {"reported_1y": "*", "target": "**"}.get(self.basis, "")


def _figure(cluster: Cluster, metric: str, on: datetime.date | None = None) -> Figure:
    reported = [
        f
        for f in cluster.reported_figures.all()
        if f.metric == metric and (on is None or known.reported(f, on))
    ]
    if reported:
        latest = max(reported, key=lambda f: (f.source_date, f.pk))
        return Figure(latest.value, latest.basis)
    targets = [t for t in cluster.targets.all() if t.kpi.code == metric]
    if targets:
        return Figure(min(targets, key=lambda t: t.due_date).value, "target")
    return Figure(None)


PORTFOLIO_SORTS = {
    "code": lambda r: r["code"],
    "name": lambda r: r["name"].lower(),
    "type": lambda r: (r["type"], r["code"]),
    "call": lambda r: (r["call"] or 0, r["code"]),
    "end_date": lambda r: (r["end_date"], r["code"]),
    "executing_organisation": lambda r: r["executing_organisation"].lower(),
    "embedding": lambda r: (r["embedding"], r["code"]),
    "members": lambda r: (r["members"].value is None, r["members"].value or 0),
    "collaborations": lambda r: (r["collaborations"].value is None, r["collaborations"].value or 0),
    "intercluster": lambda r: (r["intercluster"].value is None, r["intercluster"].value or 0),
}


def portfolio_clusters(programme: Programme, *, cluster_type="", call="", embedding=""):
    clusters = (
        Cluster.objects.filter(programme=programme)
        .select_related("cluster_type", "call")
        .prefetch_related(
            Prefetch("reported_figures", queryset=ReportedFigure.objects.order_by("pk")),
            Prefetch("targets", queryset=Target.objects.select_related("kpi")),
        )
    )
    if cluster_type:
        clusters = clusters.filter(cluster_type__code=cluster_type)
    if call:
        clusters = clusters.filter(call__number=call) if str(call).isdigit() else clusters.none()
    if embedding:
        clusters = clusters.filter(embedding=embedding)
    return clusters


def portfolio_rows(
    programme: Programme,
    *,
    sort: str = "type",
    descending: bool = False,
    on: datetime.date | None = None,
    **filters,
) -> list[dict]:
    """The report's Table 7, one row per cluster: end date, executing organisation, type,
    origin, members (KPI 1), collaborations (KPI 3), intercluster projects, future.

    With ``on``: as known on that day (core.known): each cluster's attributes as they
    were then, the reported figures given by then (clusters that start later stay: the
    caller leaves them out)."""
    rows = []
    clusters = portfolio_clusters(programme, **filters)
    if on is not None:  # with the targets known on the day as `known_targets`
        clusters = known.clusters_and_targets(clusters, on)
    for cluster in clusters:
        rows.append(
            {
                "cluster": cluster,
                "code": cluster.code,
                "name": cluster.name,
                "type": cluster.cluster_type.code,
                "call": cluster.call.number if cluster.call_id else None,
                "domain": cluster.domain_label,
                "start_date": cluster.start_date,
                "end_date": cluster.end_date,
                "executing_organisation": cluster.executing_organisation,
                "embedding": cluster.embedding,
                "embedding_label": cluster.get_embedding_display() if cluster.embedding else "",
                "origin": cluster.origin,
                "members": _figure(cluster, "KPI1", on),
                "collaborations": _figure(cluster, "KPI3", on),
                "intercluster": _figure(cluster, ReportedFigure.Metric.INTERCLUSTER, on),
                "future": cluster.future_note
                or (cluster.get_future_path_display() if cluster.future_path else ""),
                "future_path": cluster.future_path,
            }
        )
    key = PORTFOLIO_SORTS.get(sort, PORTFOLIO_SORTS["type"])
    rows.sort(key=key, reverse=descending)
    return rows


def call_overview(programme: Programme) -> list[dict]:
    """Per call: submitted and funded as recorded and as reported, and the amounts."""
    calls = (
        Call.objects.filter(programme=programme)
        .select_related("cluster_type")
        .annotate(
            recorded_submitted=Count("applications"),
            recorded_funded=Count(
                "applications", filter=Q(applications__status=Application.Status.FUNDED)
            ),
            recorded_amount=Sum(
                "applications__funded_amount",
                filter=Q(applications__status=Application.Status.FUNDED),
            ),
        )
        .prefetch_related("reported_figures")
    )
    cluster_stats = {
        row["call"]: row
        for row in Cluster.objects.filter(programme=programme, call__isnull=False)
        .values("call")
        .annotate(
            n=Count("pk"),
            total_subsidy=Sum("subsidy"),
            unknown=Count("pk", filter=Q(subsidy__isnull=True)),
        )
    }
    rows = []
    for call in calls:
        reported = {f.metric: f for f in call.reported_figures.all()}
        stats = cluster_stats.get(call.pk, {"n": 0, "total_subsidy": None, "unknown": 0})
        rows.append(
            {
                "call": call,
                "recorded_submitted": call.recorded_submitted,
                "recorded_funded": call.recorded_funded,
                "recorded_amount": call.recorded_amount,
                "reported_submitted": _value(reported, ReportedFigure.Metric.SUBMITTED),
                "reported_funded": _value(reported, ReportedFigure.Metric.FUNDED),
                "reported_amount": _value(reported, ReportedFigure.Metric.FUNDED_AMOUNT),
                "reported_source": next((f.source for f in reported.values()), ""),
                "clusters": stats["n"],
                "cluster_subsidy": stats["total_subsidy"],
                "clusters_without_subsidy": stats["unknown"],
                # Funded applications or the clusters' subsidies above the budget (a
                # warning, see budget_warnings).
                "over_budget": call.budget is not None
                and any(
                    total is not None and total > call.budget
                    for total in (call.recorded_amount, stats["total_subsidy"])
                ),
                "success_rate": _ratio(
                    _value(reported, ReportedFigure.Metric.FUNDED),
                    _value(reported, ReportedFigure.Metric.SUBMITTED),
                ),
            }
        )
    return rows


def _value(reported: dict, metric: str):
    figure = reported.get(metric)
    return figure.value if figure else None


def _ratio(part, whole):
    if part is None or not whole:
        return None
    return Decimal(part) / Decimal(whole)


def budget_warnings(call: Call) -> list[str]:
    """Warnings, not refusals: where the funding decided on a call — its funded
    applications, or the subsidies of the clusters it funded — adds up to more than the
    call's budget, one sentence each with both amounts and the excess (issue 16)."""
    if call.budget is None:
        return []
    funded = call.applications.filter(status=Application.Status.FUNDED).aggregate(
        total=Sum("funded_amount")
    )["total"]
    subsidy = call.clusters.aggregate(total=Sum("subsidy"))["total"]
    sentences = {
        "funded": _(
            "The funded applications total %(total)s: %(excess)s more than the call's "
            "budget of %(budget)s."
        ),
        "subsidy": _(
            "The subsidies of the clusters funded by this call total %(total)s: "
            "%(excess)s more than the call's budget of %(budget)s."
        ),
    }
    warnings = []
    for key, total in (("funded", funded), ("subsidy", subsidy)):
        if total is not None and total > call.budget:
            warnings.append(
                sentences[key]
                % {
                    "total": format_money(total),
                    "excess": format_money(total - call.budget),
                    "budget": format_money(call.budget),
                }
            )
    return warnings
