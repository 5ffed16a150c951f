"""The mailing segments of the activities (core.segments, registered in
ActivitiesConfig.ready()): active and not active members — the platform's one definition,
analysis.participation.activity_degree on the participation rows of activities.figures,
as the participation page counts them — an activity's attendees, and a working group
(everyone who took part in the cluster's working-group activities of one title)."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import segments
from clustermonitor.core.segments import Person
from clustermonitor.members.models import Contact, Membership
from clustermonitor.members.segments import member_contacts


def _by_activity(cluster, on: datetime.date, active: bool) -> list[Person]:
    # pandas when a segment is read, not when it is registered (every process, ready()).
    import pandas as pd

    from clustermonitor.activities.figures import participation_rows
    from clustermonitor.analysis import participation

    rows = list(
        member_contacts(cluster, on)
        .order_by("pk")
        .values_list("email", "name", "membership__organisation_id")
    )
    degree = participation.activity_degree(
        pd.DataFrame(
            participation_rows([cluster], on - datetime.timedelta(days=366), on),
            columns=["cluster", "organisation_id", "activity_id", "date"],
        ),
        pd.DataFrame(
            {"cluster": cluster.code, "organisation_id": sorted({org for *_x, org in rows})},
            columns=["cluster", "organisation_id"],
        ),
        pd.Timestamp(on),
    )
    wanted = set(degree.loc[degree["active"] == active, "organisation_id"].tolist())
    return [Person(email, name) for email, name, org in rows if org in wanted]


def _active(cluster, value: str, on: datetime.date):
    return _by_activity(cluster, on, True)


def _not_active(cluster, value: str, on: datetime.date):
    return _by_activity(cluster, on, False)


def attendees(cluster, activities, on: datetime.date) -> list[Person]:
    """The people who took part in `activities` (of `cluster`): a participation's own
    contact person, and for a company that took part without a named person, its
    contacts in the cluster's memberships running on `on`. Guests without a contact
    record have no address here."""
    taking_part = Participation.objects.filter(activity__in=activities, needs_review=False)
    named = Contact.objects.filter(participations__in=taking_part).exclude(email="")
    companies = taking_part.filter(contact__isnull=True, organisation__isnull=False).values(
        "organisation_id"
    )
    running = Membership.objects.filter(cluster=cluster, organisation_id__in=companies).active_on(
        on
    )
    of_companies = Contact.objects.filter(membership__in=running).exclude(email="")
    found = {}
    for queryset in (named, of_companies):
        for pk, email, name in queryset.order_by("pk").values_list("pk", "email", "name"):
            found[pk] = Person(email, name)
    return [found[pk] for pk in sorted(found)]


def _activity_choices(cluster, on: datetime.date):
    return [
        (str(a.pk), f"{a.title} ({a.date:%d/%m/%Y})")
        for a in Activity.objects.filter(clusters=cluster, date__lte=on)
        .exclude(kind=Activity.Kind.WORKING_GROUP)
        .order_by("-date", "title")[:200]
    ]


def _attendees(cluster, value: str, on: datetime.date):
    if not value.isdigit():
        return []
    return attendees(cluster, Activity.objects.filter(clusters=cluster, pk=int(value)), on)


def _group_choices(cluster, on: datetime.date):
    titles = (
        Activity.objects.filter(clusters=cluster, kind=Activity.Kind.WORKING_GROUP)
        .values_list("title", flat=True)
        .distinct()
    )
    return [(title, title) for title in sorted(set(titles))]


def _working_group(cluster, value: str, on: datetime.date):
    meetings = Activity.objects.filter(
        Q(clusters=cluster), kind=Activity.Kind.WORKING_GROUP, title=value, date__lte=on
    )
    return attendees(cluster, meetings, on)


def register_segments() -> None:
    for segment in (
        segments.Segment("active", _("active members"), _active, order=30),
        segments.Segment("not_active", _("members not active"), _not_active, order=31),
        segments.Segment("attendees", _("attendees of"), _attendees, _activity_choices, 50),
        segments.Segment("working_group", _("working group"), _working_group, _group_choices, 60),
    ):
        segments.register(segment)
