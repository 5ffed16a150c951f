"""The panels of a member company's home page whose records exist in the apps below
(registered in SelfserviceConfig.ready(); invoices and event registrations add theirs
from their own apps through core.panels.register)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clustermonitor.activities.models import Participation
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.core.panels import Panel, register
from clustermonitor.selfservice import selectors


def memberships(organisation, user):
    return list(selectors.memberships(organisation))


def contacts(organisation, user):
    return list(selectors.contacts(organisation))


def events(organisation, user):
    """The activities the company took part in, newest first (the last 50)."""
    return list(
        Participation.objects.filter(organisation=organisation)
        .select_related("activity")
        .order_by("-activity__date", "activity__title", "pk")[:50]
    )


def collaborations(organisation, user):
    return list(
        Collaboration.objects.filter(parties__organisation=organisation)
        .prefetch_related("clusters")
        .distinct()
        .order_by("-pk")[:50]
    )


def offers(organisation, user):
    from clustermonitor.selfservice.models import Posting

    return list(
        Posting.objects.filter(organisation=organisation)
        .filter(Q(status=Posting.Status.OPEN) | Q(status=Posting.Status.MATCHED))
        .order_by("-created_at", "-pk")[:20]
    )


PANELS = [
    Panel("memberships", _("Memberships"), "selfservice/panels/memberships.html", memberships, 10),
    Panel("contacts", _("Contact persons"), "selfservice/panels/contacts.html", contacts, 20),
    Panel("offers", _("Our offers and requests"), "selfservice/panels/offers.html", offers, 40),
    Panel("events", _("Events we attended"), "selfservice/panels/events.html", events, 60),
    Panel(
        "collaborations",
        _("Collaborations we take part in"),
        "selfservice/panels/collaborations.html",
        collaborations,
        70,
    ),
]


def register_all() -> None:
    for panel in PANELS:
        register(panel)
