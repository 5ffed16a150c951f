import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from clustermonitor.programmes import selectors
from clustermonitor.programmes.models import KPI, Call, Cluster, ClusterType, Programme

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    slug: str
    name: str
    name_en: str
    agency: str
    start_date: datetime.date | None


class KPIOut(Schema):
    code: str
    name: str
    name_en: str
    definition: str
    unit: str


class ClusterTypeOut(Schema):
    programme: str
    code: str
    name: str
    name_en: str
    max_annual_subsidy: Decimal
    max_years: int
    cofinancing_share: Decimal
    kpis: list[str]


class CallOut(Schema):
    id: int
    programme: str
    cluster_type: str
    number: int
    name: str
    period: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    budget: Decimal | None
    applications_recorded: int
    funded_recorded: int
    submitted_reported: Decimal | None
    funded_reported: Decimal | None
    funded_amount_reported: Decimal | None


class ReportedFigureOut(Schema):
    metric: str
    value: Decimal
    basis: str
    period_end: datetime.date | None
    source: str
    source_date: datetime.date


class TargetOut(Schema):
    kpi: str
    due_date: datetime.date
    baseline: Decimal
    value: Decimal


class ClusterRecordsOut(Schema):
    call: int | None
    executing_organisation: str
    embedding: str
    origin: str
    start_date: datetime.date
    subsidy: Decimal | None
    future_path: str
    future_organisation: str
    future_note: str
    reported_figures: list[ReportedFigureOut]
    targets: list[TargetOut]


class ClusterOut(Schema):
    """Public fields for everyone; `records` only for who may read the cluster's records
    (null otherwise)."""

    code: str
    name: str
    type: str
    domain: str
    end_date: datetime.date
    records: ClusterRecordsOut | None


@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request):
    return Programme.objects.all()


@router.get("/kpis", response=list[KPIOut])
def list_kpis(request):
    return KPI.objects.all()


@router.get("/cluster-types", response=list[ClusterTypeOut])
def list_cluster_types(request):
    types = ClusterType.objects.select_related("programme").prefetch_related("kpis")
    return [
        {
            **_fields(
                t, "code", "name", "name_en", "max_annual_subsidy", "max_years", "cofinancing_share"
            ),
            "programme": t.programme.slug,
            "kpis": [k.code for k in t.kpis.all()],
        }
        for t in types
    ]


@router.get("/calls", response=list[CallOut])
def list_calls(request):
    out = []
    for programme in Programme.objects.all():
        for row in selectors.call_overview(programme):
            call: Call = row["call"]
            out.append(
                {
                    **_fields(
                        call, "id", "number", "name", "period", "opens_on", "closes_on", "budget"
                    ),
                    "programme": programme.slug,
                    "cluster_type": call.cluster_type.code,
                    "applications_recorded": row["recorded_submitted"],
                    "funded_recorded": row["recorded_funded"],
                    "submitted_reported": row["reported_submitted"],
                    "funded_reported": row["reported_funded"],
                    "funded_amount_reported": row["reported_amount"],
                }
            )
    return out


def _cluster_out(user, cluster: Cluster) -> dict:
    records = None
    if user.has_perm("programmes.view_cluster_records", cluster):
        records = {
            **_fields(
                cluster,
                "executing_organisation",
                "embedding",
                "origin",
                "start_date",
                "subsidy",
                "future_path",
                "future_organisation",
                "future_note",
            ),
            "call": cluster.call.number if cluster.call_id else None,
            "reported_figures": list(cluster.reported_figures.all()),
            "targets": [
                {
                    "kpi": t.kpi.code,
                    "due_date": t.due_date,
                    "baseline": t.baseline,
                    "value": t.value,
                }
                for t in cluster.targets.all()
            ],
        }
    return {
        "code": cluster.code,
        "name": cluster.name,
        "type": cluster.cluster_type.code,
        "domain": cluster.domain_label,
        "end_date": cluster.end_date,
        "records": records,
    }


def _clusters():
    return Cluster.objects.select_related("cluster_type", "call").prefetch_related(
        "reported_figures", "targets__kpi"
    )


@router.get("/clusters", response=list[ClusterOut])
def list_clusters(request):
    return [_cluster_out(request.user, c) for c in _clusters()]


@router.get("/clusters/{code}", response=ClusterOut)
def get_cluster(request, code: str):
    cluster = _clusters().filter(code=code).first()
    if cluster is None:
        raise Http404
    return _cluster_out(request.user, cluster)


def _fields(obj, *names) -> dict:
    return {name: getattr(obj, name) for name in names}
