"""Reads that feed the programme pages, exports and the API."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _

from clustermonitor.analysis import grant_figures
from clustermonitor.core import known, known_agreements
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


def application_figures(programme: Programme, on: datetime.date | None = None) -> dict:
    """Per call (its pk), from the application records known on ``on`` (all without it;
    core/known_agreements.py): received (a draft never is), decided, funded, rejected,
    ineligible, withdrawn, the funded amount, the success rate (funded of those decided)
    and the days from submission to decision (analysis/grant_figures.py)."""
    applications = Application.objects.filter(call__programme=programme)
    received = known_agreements.applications_received(applications, on)
    decided = set(
        known_agreements.applications_decided(applications, on).values_list("pk", flat=True)
    )
    rows = [
        {
            **row,
            "call": row.pop("call_id"),
            "status": known_agreements.status_on(row["status"], row.pop("withdrawn_at"), on),
            "decided": row["pk"] in decided,
        }
        for row in received.order_by("pk").values(
            "pk", "call_id", "status", "funded_amount", "submitted_at", "decided_at", "withdrawn_at"
        )
    ]
    return grant_figures.call_figures(rows)


def figures_by_call(programme: Programme, on: datetime.date | None = None) -> dict:
    """:func:`application_figures` keyed by (cluster type code, call number)."""
    figures = application_figures(programme, on)
    calls = Call.objects.filter(pk__in=sorted(figures)).select_related("cluster_type")
    return {(c.cluster_type.code, c.number): figures[c.pk] for c in calls}


def call_overview(programme: Programme, on: datetime.date | None = None) -> list[dict]:
    """Per call: received and funded as recorded (known on ``on``; drafts never count)
    and as reported, the amounts, the success rate and the time to a decision."""
    calls = (
        Call.objects.filter(programme=programme)
        .select_related("cluster_type")
        .prefetch_related("reported_figures")
    )
    figures = application_figures(programme, on)
    clusters = Cluster.objects.filter(programme=programme, call__isnull=False)
    if on is not None:
        clusters = known.clusters(clusters, on)
    cluster_stats = {
        row["call"]: row
        for row in clusters.values("call").annotate(
            n=Count("pk"),
            total_subsidy=Sum("subsidy"),
            unknown=Count("pk", filter=Q(subsidy__isnull=True)),
        )
    }
    rows = []
    for call in calls:
        reported = {f.metric: f for f in call.reported_figures.all()}
        if on is not None:
            reported = {m: f for m, f in reported.items() if known.reported(f, on)}
        stats = cluster_stats.get(call.pk, {"n": 0, "total_subsidy": None, "unknown": 0})
        recorded = figures.get(call.pk, {})
        rows.append(
            {
                "call": call,
                "recorded_submitted": recorded.get("received", 0),
                "recorded_funded": recorded.get("funded", 0),
                "recorded_amount": recorded.get("funded_amount"),
                "recorded_decided": recorded.get("decided", 0),
                "recorded_success_rate": recorded.get("success_rate"),
                "median_days_to_decision": recorded.get("median_days_to_decision"),
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
                    for total in (recorded.get("funded_amount"), stats["total_subsidy"])
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
