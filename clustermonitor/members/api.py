import datetime

from django.http import Http404
from ninja import Router, Schema

from clustermonitor.accounts import access
from clustermonitor.api.params import IsoDate, date_query, id_path, limit_query, offset_query
from clustermonitor.core import known
from clustermonitor.members.models import Membership
from clustermonitor.registry.models import Organisation

ACTIVE_ON = date_query("active on")

router = Router(tags=["members"])


class OrganisationOut(Schema):
    id: int
    enterprise_number: str | None
    no_number_reason: str
    name: str
    kind: str
    legal_form: str | None
    start_date: datetime.date | None
    status: str
    nace_2008: str | None
    nace_2025: str | None
    street: str
    house_number: str
    box: str
    postcode: str
    municipality_nis: str | None
    country: str
    kbo_seen_at: datetime.date | None


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str


class MembershipOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    cluster: str
    start_date: datetime.date
    end_date: datetime.date | None
    contacts: list[ContactOut] | None  # null when the caller may not see contact persons


def _organisation(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "enterprise_number": o.enterprise_number,
        "no_number_reason": o.no_number_reason,
        "name": o.name,
        "kind": o.kind,
        "legal_form": o.legal_form.code if o.legal_form_id else None,
        "start_date": o.start_date,
        "status": o.status,
        "nace_2008": o.nace_2008.code if o.nace_2008_id else None,
        "nace_2025": o.nace_2025.code if o.nace_2025_id else None,
        "street": o.street,
        "house_number": o.house_number,
        "box": o.box,
        "postcode": o.postcode,
        "municipality_nis": o.municipality.nis if o.municipality_id else None,
        "country": o.country,
        "kbo_seen_at": o.kbo_seen_at,
    }


def _organisations(user):
    return (
        Organisation.objects.for_user(user)
        .select_related("legal_form", "nace_2008", "nace_2025", "municipality")
        .order_by("pk")
    )


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(
    request, q: str = "", limit: int = limit_query(500), offset: int = offset_query()
):
    """Organisations the caller may see (agency and evaluators: all; a cluster manager:
    those in their cluster). Paged with `limit` (at most 1000) and `offset`."""
    from clustermonitor.registry.selectors import search_filter

    queryset = _organisations(request.user)
    if q:
        queryset = queryset.filter(search_filter(q))
    return [_organisation(o) for o in queryset[offset : offset + limit]]


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request, organisation_id: int = id_path()):
    organisation = _organisations(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return _organisation(organisation)


@router.get("/memberships", response=list[MembershipOut])
def list_memberships(request, cluster: str = "", active_on: IsoDate = ACTIVE_ON):
    """Memberships the caller may see, optionally of one cluster and active on a date."""
    memberships = (
        access.memberships_for(request.user, Membership.objects.all())
        .select_related("organisation", "cluster")
        .prefetch_related("contacts")
        .order_by("cluster__code", "organisation__name")
    )
    if cluster:
        memberships = memberships.filter(cluster__code=cluster)
    if active_on:
        memberships = known.running_memberships(memberships, active_on)
    out = []
    visible_contacts: dict[int, bool] = {}
    for m in memberships:
        if m.cluster_id not in visible_contacts:
            visible_contacts[m.cluster_id] = request.user.has_perm(
                "members.view_contacts", m.cluster
            )
        out.append(
            {
                "id": m.pk,
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "cluster": m.cluster.code,
                "start_date": m.start_date,
                "end_date": m.end_date,
                "contacts": [
                    {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
                    for c in m.contacts.all()
                ]
                if visible_contacts[m.cluster_id]
                else None,
            }
        )
    return out
