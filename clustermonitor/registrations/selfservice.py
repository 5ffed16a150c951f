"""What member self-service shows and gathers of event registration (core.panels): a
member company's registrations on its home page, a person's registrations in "download
my data", and what an erasure request removes. Handed to core.panels in the app's
`ready()`."""

from django.utils import timezone

from clustermonitor.activities.models import Participation
from clustermonitor.core import audit
from clustermonitor.registrations.models import Registration


def company_registrations(organisation, user) -> list[Registration]:
    """The company's live registrations for events to come, soonest first."""
    return list(
        Registration.objects.filter(
            organisation=organisation, activity__date__gte=timezone.localdate()
        )
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("activity")
        .order_by("activity__date", "activity__title", "name", "pk")
    )


def personal_data(user) -> list[dict]:
    """The registrations made with `user`'s e-mail address: what the person gave and
    what became of it."""
    email = (user.email or "").strip()
    if not email:
        return []
    return [
        {
            "event": r.activity.title,
            "date": r.activity.date.isoformat(),
            "name": r.name,
            "email": r.email,
            "company_name": r.company_name,
            "enterprise_number": r.enterprise_number,
            "answers": r.answers,
            "status": r.status,
            "registered_at": r.created_at.isoformat(),
            "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
        }
        for r in Registration.objects.filter(email__iexact=email)
        .select_related("activity")
        .order_by("created_at", "pk")
    ]


def erase_person(actor: audit.Actor, user, email: str) -> int:
    """An erasure request: the registrations made with `email` keep the event, the company
    and whether the person came (the participation counts for the company's activity, as
    the programme's figures require), not the person's name, address or answers; the
    participation written at the check-in loses the name too. Answers how many
    registrations were changed."""
    changed = 0
    for registration in Registration.objects.filter(email__iexact=email).order_by("pk"):
        participation = registration.participation
        registration.name = "—"
        registration.email = f"erased-{registration.pk}@example.invalid"
        registration.answers = {}
        audit.save(actor, registration, validate=False, note="erasure: person removed")
        if participation is not None and participation.name:
            taken = Participation.objects.filter(
                activity_id=participation.activity_id,
                organisation_id=participation.organisation_id,
                name="",
            ).exclude(pk=participation.pk)
            if participation.organisation_id is None or not taken.exists():
                participation.name = ""
                audit.save(actor, participation, validate=False, note="erasure: name removed")
        changed += 1
    return changed
