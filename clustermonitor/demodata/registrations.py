"""The demo's event registration (issue 18): EUKA2's next public networking event opens
registration, with two questions, places for twelve and a waiting list; fourteen people
of its members registered in the past days (two wait, one cancelled). Nobody is checked
in yet: the event is still to come, so no participation and no figure changes.

Drawn from a generator of its own (seeded by the seed and the day), after everything
else of the live demo: the other records are the same with or without it."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from clustermonitor.activities.models import Activity
from clustermonitor.core import audit
from clustermonitor.members.models import Membership
from clustermonitor.registrations.models import Question, Registration, RegistrationSettings

FIRST = ("An", "Bram", "Charlotte", "Dries", "Els", "Fien", "Gert", "Hanne", "Ilse", "Jonas",
         "Karel", "Lotte", "Mats", "Nele", "Pieter", "Sofie")  # fmt: skip
LAST = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Dubois", "Lambert")  # fmt: skip
PLACES, REGISTRANTS = 12, 14


def load_registrations(today: datetime.date, seed: int = 1) -> int:
    """Open registration for EUKA2's next public event and register people; returns
    the number of records written (0 when there is no such event or it was done)."""
    event = (
        Activity.objects.filter(clusters__code="EUKA2", public=True, date__gt=today)
        .order_by("date", "pk")
        .first()
    )
    if event is None or RegistrationSettings.objects.filter(activity=event).exists():
        return 0
    rng = random.Random(f"registrations-{seed}-{today.isoformat()}")
    actor = audit.Actor.system("demo")
    settings = RegistrationSettings(
        activity=event,
        capacity=PLACES,
        intro="Schrijf je in: je krijgt een ticket met QR-code voor de onthaalbalie.",
    )
    audit.save(actor, settings, note="demo")
    questions = [
        Question(
            settings=settings,
            position=1,
            label="Blijf je voor de netwerkreceptie?",
            kind=Question.Kind.YES_NO,
            required=True,
        ),
        Question(
            settings=settings,
            position=2,
            label="Welk thema interesseert je het meest?",
            kind=Question.Kind.CHOICE,
            choices="Regelgeving\nInspectie met drones\nOpleidingen",
        ),
    ]
    for question in questions:
        audit.save(actor, question, note="demo")
    members = list(
        Membership.objects.filter(cluster__code="EUKA2", end_date__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    )
    written = 1 + len(questions)
    for n, membership in enumerate(rng.sample(members, min(REGISTRANTS, len(members)))):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        organisation = membership.organisation
        moment = timezone.make_aware(
            datetime.datetime.combine(
                today - datetime.timedelta(days=12 - n // 2), datetime.time(9)
            )
        ) + datetime.timedelta(minutes=37 * n)
        registration = Registration(
            activity=event,
            status=Registration.Status.REGISTERED if n < PLACES else Registration.Status.WAITLISTED,
            name=f"{first} {last}",
            email=f"{first}.{last}{n}@example.org".lower().replace(" ", ""),
            enterprise_number=organisation.enterprise_number or "",
            company_name=organisation.name,
            organisation=organisation,
            answers={
                str(questions[0].pk): {
                    "question": questions[0].label,
                    "answer": rng.choice(["yes", "yes", "no"]),
                },
                str(questions[1].pk): {
                    "question": questions[1].label,
                    "answer": rng.choice(questions[1].choice_list()),
                },
            },
            created_at=moment,
        )
        audit.save(actor, registration, note="demo")
        written += 1
    # One cancelled, days ago: the first on the waiting list moved up.
    cancelled = (
        Registration.objects.filter(activity=event).order_by("created_at", "pk")[2:3].first()
    )
    if cancelled is None:
        return written
    cancelled.status = Registration.Status.CANCELLED
    cancelled.cancelled_at = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=2), datetime.time(14))
    )
    audit.save(actor, cancelled, note="demo: cancelled by the link")
    waiting = (
        Registration.objects.filter(activity=event, status=Registration.Status.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is not None:
        waiting.status = Registration.Status.REGISTERED
        audit.save(actor, waiting, note="demo: moved up from the waiting list")
    return written
