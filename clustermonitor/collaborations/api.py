import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from clustermonitor.api.params import IsoDate, date_query, id_path
from clustermonitor.collaborations import selectors
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.programmes.models import Cluster

UNTIL = date_query("count up to; today by default")

router = Router(tags=["collaborations"])


class PartyOut(Schema):
    organisation_id: int
    organisation: str
    enterprise_number: str | None
    kind: str
    role: str


class StageChangeOut(Schema):
    stage: str
    date: datetime.date
    reason: str
    note: str


class CollaborationOut(Schema):
    id: int
    title: str
    description: str
    clusters: list[str]
    stage: str
    stop_reason: str
    nature: str
    value_chain: str
    purpose: str
    instrument: str
    intercluster_call: int | None
    decision: str
    budget: Decimal | None
    grant: Decimal | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    n_companies: int
    scale: str
    knowledge_institution: bool
    intercluster: bool
    parties: list[PartyOut]
    history: list[StageChangeOut]


class KPI3Out(Schema):
    cluster: str
    until: datetime.date
    value: int
    by_year: dict[int, int]
    counted: list[int]
    not_counted: dict[int, str]


def _out(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "description": c.description,
        "clusters": sorted(x.code for x in c.clusters.all()),
        "stage": c.stage,
        "stop_reason": c.stop_reason,
        "nature": c.nature,
        "value_chain": c.value_chain,
        "purpose": c.purpose,
        "instrument": c.instrument,
        "intercluster_call": c.intercluster_call.year if c.intercluster_call_id else None,
        "decision": c.decision,
        "budget": c.budget,
        "grant": c.grant,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "n_companies": c.n_companies,
        "scale": selectors.scale(c.n_companies),
        "knowledge_institution": bool(c.has_knowledge),
        "intercluster": c.n_clusters > 1,
        "parties": [
            {
                "organisation_id": p.organisation_id,
                "organisation": p.organisation.name,
                "enterprise_number": p.organisation.enterprise_number or None,
                "kind": p.organisation.kind,
                "role": p.role,
            }
            for p in c.parties.all()
        ],
        "history": [
            {"stage": h.stage, "date": h.date, "reason": h.reason, "note": h.note}
            for h in c.stage_changes.all()
        ],
    }


def _queryset(request):
    return (
        selectors.with_derived(Collaboration.objects.for_user(request.user))
        .select_related("intercluster_call")
        .prefetch_related("clusters", "parties__organisation", "stage_changes")
        .order_by("pk")
    )


@router.get("/collaborations", response=list[CollaborationOut])
def list_collaborations(
    request, cluster: str = "", stage: str = "", instrument: str = "", intercluster: bool = False
):
    """Collaborations of the caller's clusters (all for the agency and evaluators), with
    the derived typology, the parties and the stage history."""
    collaborations = _queryset(request)
    if cluster:
        collaborations = collaborations.filter(
            pk__in=Collaboration.objects.filter(clusters__code=cluster).values("pk")
        )
    if stage:
        collaborations = collaborations.filter(stage=stage)
    if instrument:
        collaborations = collaborations.filter(instrument=instrument)
    if intercluster:
        collaborations = selectors.intercluster(collaborations)
    return [_out(c) for c in collaborations]


@router.get("/collaborations/{collaboration_id}", response=CollaborationOut)
def get_collaboration(request, collaboration_id: int = id_path()):
    collaboration = _queryset(request).filter(pk=collaboration_id).first()
    if collaboration is None:
        raise Http404
    return _out(collaboration)


@router.get("/clusters/{code}/kpi3", response=KPI3Out)
def cluster_kpi3(request, code: str, until: IsoDate = UNTIL):
    """KPI 3 of one cluster up to `until` (today by default), with the collaborations
    counted and the reason each other one is not."""
    cluster = Cluster.objects.filter(code=code).first()
    if cluster is None or not request.user.has_perm("collaborations.view_collaborations", cluster):
        raise Http404
    result = selectors.cluster_kpi3(cluster, until)
    return {
        "cluster": cluster.code,
        "until": result.until,
        "value": result.value,
        "by_year": result.by_year,
        "counted": [v.collaboration.pk for v in result.counted],
        "not_counted": {v.collaboration.pk: v.reason for v in result.not_counted},
    }
