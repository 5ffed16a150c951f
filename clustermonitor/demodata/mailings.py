"""The demo's newsletters (issue 18): EUKA's second term sent one three weeks ago to its
members, and has the next one in draft. No figure reads mailings, consents or
suppressions, so nothing the demo calibrates moves.

The sent newsletter's deliveries are its members' contacts as they stand (no mail is sent
when the demo loads): one of them unsubscribed with the link a week later (the consent
recorded at joining kept, with its withdrawal), one address bounced hard and is
suppressed everywhere, and a prospect met at an event gave consent since."""

import datetime
import hashlib

from django.utils import timezone

from clustermonitor.accounts.models import Role
from clustermonitor.core import audit
from clustermonitor.mailings import services
from clustermonitor.mailings.models import Consent, Delivery, Mailing
from clustermonitor.members.segments import member_contacts
from clustermonitor.programmes.models import Cluster

CLUSTER = "EUKA2"

BODY_NL = """Beste leden,

Het voorbije kwartaal bracht **drie werkgroepen** op gang, en in de lente volgt een
bedrijfsbezoek bij een van onze leden.

- Werkgroep *inspectie met drones*: volgende sessie over zes weken
- Nieuwe leden: welkom aan iedereen die dit jaar aansloot
- Meer op [onze website](https://example.org/euka)

Tot binnenkort!"""

BODY_EN = """Dear members,

Last quarter **three working groups** got going, and in spring a company visit follows.

- Working group *drone inspection*: next session in six weeks
- New members: welcome to all who joined this year
- More on [our website](https://example.org/euka)

See you soon!"""


def load(today: datetime.date | None = None) -> dict:
    """Add the newsletters (a second run changes nothing)."""
    today = today or timezone.localdate()
    cluster = Cluster.objects.filter(code=CLUSTER).first()
    if cluster is None or Mailing.objects.filter(cluster=cluster).exists():
        return {"written": 0}
    actor = audit.Actor.system("demo")
    assignment = (
        cluster.role_assignments.filter(role=Role.CLUSTER_MANAGER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    manager = assignment.user if assignment else None
    sent_on = today - datetime.timedelta(days=21)
    addresses = sorted(
        {
            services.normalise(e)
            for e in member_contacts(cluster, sent_on).values_list("email", flat=True)
        }
    )
    # Consent recorded when they joined (the membership is the basis), in their language.
    for i, address in enumerate(addresses):
        services.record_consent(
            actor,
            cluster,
            address,
            basis=Consent.Basis.CONTRACT,
            given_on=sent_on - datetime.timedelta(days=60),
            source="membership form",
            language="en" if i % 7 == 3 else "nl",
        )
    mailing = Mailing(
        cluster=cluster,
        segment="members",
        subject_nl="Nieuwsbrief EUKA: het voorbije kwartaal",
        body_nl=BODY_NL,
        subject_en="EUKA newsletter: the past quarter",
        body_en=BODY_EN,
        created_by=manager,
    )
    services.save_draft(actor, mailing)
    at = datetime.datetime.combine(sent_on, datetime.time(10), tzinfo=datetime.UTC)
    bounced = addresses[-1] if len(addresses) > 2 else None
    Delivery.objects.bulk_create(
        Delivery(
            mailing=mailing,
            email=address,
            language="en" if i % 7 == 3 else "nl",
            status=Delivery.Status.FAILED if address == bounced else Delivery.Status.SENT,
            error="550 5.1.1 user unknown" if address == bounced else "",
            sent_at=None if address == bounced else at,
        )
        for i, address in enumerate(addresses)
    )
    failed = 1 if bounced else 0
    Mailing.objects.filter(pk=mailing.pk).update(
        status=Mailing.Status.SENT,
        created_at=at - datetime.timedelta(days=1),
        test_sent_at=at - datetime.timedelta(hours=2),
        queued_at=at,
        finished_at=at + datetime.timedelta(minutes=3),
        n_recipients=len(addresses),
        n_sent=len(addresses) - failed,
        n_failed=failed,
    )
    if bounced:
        services.record_bounce(
            bounced,
            kind="hard",
            status="5.1.1",
            diagnostic="smtp; 550 5.1.1 user unknown",
            received_at=at + datetime.timedelta(minutes=5),
            source="demo",
            fingerprint=hashlib.sha256(f"demo:{CLUSTER}:{bounced}".encode()).hexdigest(),
            actor=actor,
        )
    if len(addresses) > 1:
        services.unsubscribe(actor, cluster, addresses[0], "web")
    services.record_consent(
        actor,
        cluster,
        "prospect@drone-start.example",
        basis=Consent.Basis.CONSENT,
        given_on=today - datetime.timedelta(days=10),
        source="registration form of an event",
        language="nl",
    )
    services.save_draft(
        actor,
        Mailing(
            cluster=cluster,
            segment="active",
            subject_nl="Uitnodiging: bedrijfsbezoek in de lente",
            body_nl="Beste leden,\n\nGraag nodigen we jullie uit voor een **bedrijfsbezoek**.",
            created_by=manager,
        ),
    )
    return {"written": len(addresses) + 3, "recipients": len(addresses)}
