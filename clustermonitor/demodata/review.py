"""The demo's screening and jury (issue 19): the current call (this year's IBN call of
demodata.live) gets its eligibility criteria (the automatic ones and one manual question)
and a rubric of four weighted criteria; of its received applications (part A's demo
writes them; none is fine) all but the last are screened, and each one in review gets
the two demo reviewers: the first has declared and submitted scores on all of them, the
second submitted on the first, keeps a draft on the second and has still to declare on
the rest. No decision is taken: the jury has not met yet.

Deterministic: the applications in order of applicant and id, the scores drawn from a
generator seeded by the seed and the application's id. No figure reads these records."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.grants import selectors as grants_selectors
from clustermonitor.programmes.models import Application, Call, ClusterType
from clustermonitor.review import selectors, services
from clustermonitor.review.models import EligibilityCriterion, Rubric, RubricCriterion

REVIEWERS = ("reviewer.jan", "reviewer.lies")
MANUAL = (
    "De aanvraag past in het Vlaamse clusterbeleid en overlapt niet met een speerpuntcluster.",
    "The application fits the Flemish cluster policy and does not overlap with a spearhead "
    "cluster.",
)
RUBRIC = (
    # name, English, weight, max, threshold, guidance
    (
        "Kwaliteit van het consortium",
        "Quality of the consortium",
        "2",
        10,
        "5",
        "Engagement van de leden, een stuurgroep met bedrijven in de meerderheid.",
    ),
    (
        "Roadmap en doelen",
        "Roadmap and targets",
        "2",
        10,
        "5",
        "Haalbare doelen voor de drie KPI's, een duidelijke planning.",
    ),
    (
        "Impact op de leden",
        "Impact on the members",
        "1.5",
        10,
        None,
        "Wat de leden samen doen dat ze alleen niet kunnen.",
    ),
    (
        "Positie in het landschap",
        "Position in the landscape",
        "1",
        10,
        None,
        "Aanvulling op de bestaande clusters, geen overlap.",
    ),
)


def current_call() -> Call | None:
    """This year's IBN call (the one with the highest number)."""
    ibn = ClusterType.objects.filter(code="IBN").first()
    if ibn is None:
        return None
    number = Call.objects.filter(cluster_type=ibn).aggregate(n=Max("number"))["n"]
    return Call.objects.filter(cluster_type=ibn, number=number).first() if number else None


@transaction.atomic
def load(seed: int = 1) -> dict:
    """Set up the current call's screening and jury; a second run changes nothing."""
    call = current_call()
    if call is None or Rubric.objects.filter(call=call).exists():
        return {"written": 0}
    actor = audit.Actor.system("demo")
    services.add_standard_criteria(actor, call)
    services.add_criterion(
        actor, EligibilityCriterion(call=call, kind="manual", text=MANUAL[0], text_en=MANUAL[1])
    )
    services.save_rubric(actor, Rubric(call=call, threshold=Decimal(60), spread_limit=Decimal(20)))
    for name, name_en, weight, top, threshold, guidance in RUBRIC:
        services.add_rubric_criterion(
            actor,
            RubricCriterion(
                call=call,
                name=name,
                name_en=name_en,
                weight=Decimal(weight),
                max_score=top,
                threshold=Decimal(threshold) if threshold else None,
                guidance=guidance,
            ),
        )
    reviewers = [u for u in (User.objects.filter(username=n).first() for n in REVIEWERS) if u]
    received = [
        a
        for a in Application.objects.filter(
            call=call, status=Application.Status.SUBMITTED
        ).order_by("applicant", "pk")
        if grants_selectors.latest_version(a) is not None
    ]
    manual = {c.pk: (True, "") for c in selectors.criteria(call) if not c.automatic}
    screened = assigned = submitted = 0
    for application in received[:-1]:
        services.screen(actor, application, manual, note="Demo: gescreend.")
        screened += 1
    in_review = list(
        Application.objects.filter(call=call, status=Application.Status.IN_REVIEW).order_by(
            "applicant", "pk"
        )
    )
    items = selectors.rubric_criteria(call)
    for index, application in enumerate(in_review):
        rng = random.Random(f"clustermonitor-demo-review:{seed}:{application.pk}")
        for number, reviewer in enumerate(reviewers):
            assignment = services.assign(actor, application, reviewer)
            assigned += 1
            # The first reviewer has scored everything; the second the first application,
            # a draft of the second, and has still to declare on the rest.
            if number == 1 and index >= 2:
                continue
            as_reviewer = audit.Actor(reviewer, "demo")
            services.declare(as_reviewer, assignment, conflict=False)
            values = {c.pk: (rng.randint(4, c.max_score), "Demo: zie de roadmap.") for c in items}
            submit = number == 0 or index == 0
            services.save_scores(as_reviewer, assignment, values, submit=submit)
            submitted += int(submit)
    return {
        "written": 1,
        "call": call.pk,
        "screened": screened,
        "assignments": assigned,
        "submitted": submitted,
    }
