import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from clustermonitor.accounts import access
from clustermonitor.api.params import id_path, year_query
from clustermonitor.core import audit
from clustermonitor.monitoring import services
from clustermonitor.monitoring.models import ProgressReport
from clustermonitor.programmes.models import Cluster

router = Router(tags=["progress reports"])


class KPIValueOut(Schema):
    kpi: str
    computed: Decimal | None
    reported: Decimal
    reason: str


class VersionOut(Schema):
    number: int
    submitted_at: datetime.datetime
    approved_at: datetime.datetime | None
    reason: str
    sections: dict
    kpis: list[KPIValueOut]
    figures: dict


class ReportOut(Schema):
    id: int
    cluster: str
    period: int
    start_date: datetime.date
    end_date: datetime.date
    due_date: datetime.date
    state: str
    versions: list[VersionOut]


def _out(report: ProgressReport) -> dict:
    period = report.period
    return {
        "id": report.pk,
        "cluster": period.cluster.code,
        "period": period.number,
        "start_date": period.start_date,
        "end_date": period.end_date,
        "due_date": period.due_date,
        "state": report.state,
        "versions": [
            {
                "number": v.number,
                "submitted_at": v.submitted_at,
                "approved_at": v.approved_at,
                "reason": v.reason,
                "sections": v.sections,
                "figures": v.figures,
                "kpis": [
                    {
                        "kpi": k.kpi.code,
                        "computed": k.computed,
                        "reported": k.reported,
                        "reason": k.reason,
                    }
                    for k in v.kpi_values.all()
                ],
            }
            for v in report.versions.all()
        ],
    }


def _visible(user):
    clusters = access.clusters_with_records(user, Cluster.objects.all())
    return (
        ProgressReport.objects.filter(period__cluster__in=clusters)
        .select_related("period__cluster")
        .prefetch_related("versions__kpi_values__kpi")
        .order_by("period__cluster__code", "period__number")
    )


@router.get("/reports", response=list[ReportOut])
def list_reports(request, cluster: str = "", state: str = ""):
    """Progress reports of the clusters whose records the caller reads, with every
    submitted version (narrative, KPI values, frozen figures)."""
    reports = _visible(request.user)
    if cluster:
        reports = reports.filter(period__cluster__code=cluster)
    if state:
        reports = reports.filter(state=state)
    return [_out(r) for r in reports]


@router.get("/reports/{report_id}", response=ReportOut)
def get_report(request, report_id: int = id_path()):
    report = _visible(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return _out(report)


@router.post("/reports/{report_id}/submit", response=ReportOut)
def submit_report(request, report_id: int = id_path()):
    """Submit the saved draft (the cluster's manager only). 400 with the reason when the
    report cannot be submitted (an empty section, a difference without a reason, ...)."""
    report = _visible(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    if not request.user.has_perm("monitoring.edit_report", report.period.cluster):
        raise HttpError(403, "Only the cluster's manager submits its report.")
    try:
        services.submit(audit.Actor(request.user, "api"), report)
    except services.WorkflowError as error:
        raise HttpError(400, str(error)) from None
    return _out(_visible(request.user).get(pk=report_id))


class TotalOut(Schema):
    kpi: str
    clusters: int
    reported_sum: Decimal | None
    clusters_reported: int
    computed_sum: int | None
    computed_distinct: int | None
    target_sum: Decimal | None
    clusters_with_target: int
    reported_pct_of_target: int | None
    published: Decimal | None
    published_target: Decimal | None
    published_pct: int | None


class GroupOut(Schema):
    group: str
    label: str
    totals: list[TotalOut]


class CellOut(Schema):
    kpi: str
    reported: Decimal | None
    reported_basis: str | None
    reported_source: str | None
    computed: int | None
    target: Decimal | None
    reported_pct_of_target: int | None


class ClusterRowOut(Schema):
    cluster: str
    call: int | None
    embedding: str
    kpis: list[CellOut]


class DashboardOut(Schema):
    year: int | None
    computed_until: datetime.date
    cluster_type: str
    programme: GroupOut
    by_call: list[GroupOut]
    by_embedding: list[GroupOut]
    clusters: list[ClusterRowOut]


def _total(t) -> dict:
    return {
        "kpi": t.code,
        "clusters": t.n_clusters,
        "reported_sum": t.reported if t.n_reported else None,
        "clusters_reported": t.n_reported,
        "computed_sum": t.computed if t.n_computed else None,
        "computed_distinct": t.distinct,
        "target_sum": t.target if t.n_target else None,
        "clusters_with_target": t.n_target,
        "reported_pct_of_target": t.reported_pct,
        "published": t.published_value,
        "published_target": t.published_target_value,
        "published_pct": t.published_attained,
    }


def _group_out(g) -> dict:
    return {"group": g.key, "label": str(g.label), "totals": [_total(t) for t in g.ordered]}


@router.get("/dashboard", response=DashboardOut)
def get_dashboard(request, year: int = year_query(), cluster_type: str = "IBN"):
    """The programme dashboard's figures (Tables 5 and 7): per KPI the reported value
    against the 3-year target, programme-wide, by call and by embedding, with the
    published Table 5 figures, and per cluster reported, computed and target side by side.
    For the agency and evaluators."""
    from clustermonitor.monitoring.dashboard import dashboard
    from clustermonitor.programmes.models import Programme

    if not request.user.has_perm("monitoring.view_dashboard"):
        raise Http404
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise Http404
    board = dashboard(programme, year=year, cluster_type=cluster_type)
    return {
        "year": board.year,
        "computed_until": board.until,
        "cluster_type": board.cluster_type,
        "programme": _group_out(board.programme_total),
        "by_call": [_group_out(g) for g in board.by_call],
        "by_embedding": [_group_out(g) for g in board.by_embedding],
        "clusters": [
            {
                "cluster": row["cluster"].code,
                "call": row["cluster"].call.number if row["cluster"].call_id else None,
                "embedding": row["cluster"].embedding,
                "kpis": [
                    {
                        "kpi": c.code,
                        "reported": c.reported_value,
                        "reported_basis": c.reported.basis if c.reported else None,
                        "reported_source": c.reported.source if c.reported else None,
                        "computed": c.computed,
                        "target": c.target_value,
                        "reported_pct_of_target": c.reported_pct,
                    }
                    for c in row["kpi_cells"]
                ],
            }
            for row in board.rows
        ],
    }
