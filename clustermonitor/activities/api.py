import datetime
from decimal import Decimal

from ninja import Router, Schema

from clustermonitor.accounts import access
from clustermonitor.activities.models import Activity
from clustermonitor.api.params import IsoDate, date_query, year_query
from clustermonitor.members.models import Contribution, Membership

SINCE = date_query("activities on or after")

router = Router(tags=["contributions and activities"])


class ContributionOut(Schema):
    id: int
    membership_id: int
    organisation_id: int
    organisation: str
    cluster: str
    year: int
    amount: Decimal
    status: str
    invoiced_on: datetime.date | None
    paid_on: datetime.date | None
    payer_id: int | None


class ParticipationOut(Schema):
    organisation_id: int | None
    organisation: str
    name: str
    is_guest: bool
    needs_review: bool


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    date: datetime.date
    end_date: datetime.date | None
    clusters: list[str]
    participations: list[ParticipationOut]


@router.get("/contributions", response=list[ContributionOut])
def list_contributions(request, cluster: str = "", year: int = year_query()):
    """Contributions of the clusters whose members the caller may see."""
    contributions = (
        Contribution.objects.filter(
            membership__in=access.memberships_for(request.user, Membership.objects.all())
        )
        .select_related("membership__organisation", "membership__cluster")
        .order_by("membership__cluster__code", "year", "membership__organisation__name")
    )
    if cluster:
        contributions = contributions.filter(membership__cluster__code=cluster)
    if year:
        contributions = contributions.filter(year=year)
    return [
        {
            "id": c.pk,
            "membership_id": c.membership_id,
            "organisation_id": c.membership.organisation_id,
            "organisation": c.membership.organisation.name,
            "cluster": c.membership.cluster.code,
            "year": c.year,
            "amount": c.amount,
            "status": c.status,
            "invoiced_on": c.invoiced_on,
            "paid_on": c.paid_on,
            "payer_id": c.payer_id,
        }
        for c in contributions
    ]


@router.get("/activities", response=list[ActivityOut])
def list_activities(request, cluster: str = "", since: IsoDate = SINCE):
    """Activities of the caller's clusters (all for the agency and evaluators), with who
    took part."""
    activities = (
        Activity.objects.for_user(request.user)
        .prefetch_related("clusters", "participations__organisation")
        .order_by("date", "pk")
    )
    if cluster:
        activities = activities.filter(clusters__code=cluster)
    if since:
        activities = activities.filter(date__gte=since)
    return [
        {
            "id": a.pk,
            "title": a.title,
            "kind": a.kind,
            "date": a.date,
            "end_date": a.end_date,
            "clusters": sorted(c.code for c in a.clusters.all()),
            "participations": [
                {
                    "organisation_id": p.organisation_id,
                    "organisation": p.organisation.name
                    if p.organisation_id
                    else p.organisation_name,
                    "name": p.name,
                    "is_guest": p.is_guest,
                    "needs_review": p.needs_review,
                }
                for p in a.participations.all()
            ],
        }
        for a in activities.distinct()
    ]
