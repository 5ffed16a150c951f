"""The mailing segments of the member base (core.segments, registered in
MembersConfig.ready()): every member of a cluster, and the members of one size class
(the size class of contributions.size_classes, DESIGN §4)."""

import datetime

from django.utils.translation import gettext_lazy as _

from clustermonitor.core import segments
from clustermonitor.core.segments import Person
from clustermonitor.members.contributions import size_classes
from clustermonitor.members.models import Contact, FeeTier, Membership


def member_contacts(cluster, on: datetime.date):
    """The contacts with an e-mail address of the cluster's memberships running on `on`."""
    running = Membership.objects.filter(cluster=cluster).active_on(on)
    return Contact.objects.filter(membership__in=running).exclude(email="")


def _members(cluster, value: str, on: datetime.date):
    return [
        Person(email, name)
        for email, name in member_contacts(cluster, on).order_by("pk").values_list("email", "name")
    ]


def _size_choices(cluster, on: datetime.date):
    return [(key, str(label)) for key, label in FeeTier.SIZE_CLASSES if key]


def _by_size(cluster, value: str, on: datetime.date):
    rows = list(
        member_contacts(cluster, on)
        .order_by("pk")
        .values_list("email", "name", "membership__organisation_id")
    )
    classes = size_classes(sorted({org for _e, _n, org in rows}), on.year)
    return [Person(email, name) for email, name, org in rows if classes.get(org) == value]


def register_segments() -> None:
    segments.register(segments.Segment("members", _("members of the cluster"), _members, order=10))
    segments.register(
        segments.Segment("size_class", _("members by size class"), _by_size, _size_choices, 20)
    )
