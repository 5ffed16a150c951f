"""The mailing segment of the pipeline (core.segments, registered in
ProspectsConfig.ready()): the cluster's open prospects — new, contacted or in a meeting,
not those that joined or were lost — that have a contact e-mail address. They are no
member's contacts: the mailings send to them only with a recorded consent (a prospect
without one is counted *without consent*, mailings.services.plan)."""

import datetime

from django.utils.translation import gettext_lazy as _

from clustermonitor.core import segments
from clustermonitor.core.segments import Person
from clustermonitor.prospects.models import OPEN_STAGES, Prospect


def open_prospects(cluster, value: str, on: datetime.date) -> list[Person]:
    """The contact persons of the cluster's open prospects, in one query."""
    rows = (
        Prospect.objects.filter(cluster=cluster, stage__in=OPEN_STAGES)
        .exclude(contact_email="")
        .order_by("pk")
        .values_list("contact_email", "contact_name")
    )
    return [Person(email, name) for email, name in rows]


def register_segments() -> None:
    segments.register(
        segments.Segment("prospects", _("prospects of the cluster"), open_prospects, order=40)
    )
