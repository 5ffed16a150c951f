import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from clustermonitor.accounts import access
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
def get_report(request, report_id: int):
    report = _visible(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return _out(report)


@router.post("/reports/{report_id}/submit", response=ReportOut)
def submit_report(request, report_id: int):
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
