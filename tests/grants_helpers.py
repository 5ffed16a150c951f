"""A call open for online applications, the shipped form, and answers that pass every
check (tests of clustermonitor/grants)."""

import datetime

from django.utils import timezone

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.grants import services
from clustermonitor.grants.models import CallSetup
from clustermonitor.programmes.models import Application, Call

ACTOR = audit.Actor.system("tests")

#: Answers keyed by the shipped form's question names (grants/mapping.py's convention).
ANSWERS = {
    "title": "Waterstof in de haven",
    "cluster_name": "H2 Haven",
    "applicant": "H2 Haven vzw",
    "applicant_enterprise_number": "0200.065.765",
    "domain": "waterstof",
    "keywords": "waterstof; haven; energie",
    "manager_name": "Mira Manager",
    "manager_email": "mira@example.org",
    "manager_phone": "+32 9 000 00 00",
    "steering_group": "Alfa NV; 0200.065.765; bedrijf\nBeta BV; ; company\nUGent; ; onderzoek",
    "members": "0200065765; Alfa NV\n0203.201.340;",
    "start_date": "2027-01-01",
    "term_years": 3,
    "requested_amount": 450000.0,
    "cofinancing": (
        "2027; 300.000; 150.000; 120.000; 30.000\n"
        "2028; 300000; 150000; 150000; 0\n"
        "2029; 300000,00; 150000; 100000; 50000"
    ),
    "roadmap": "Jaar 1: netwerk. Jaar 2: projecten. Jaar 3: internationaal.",
    "target_kpi1": 40.0,
    "target_kpi2": 25.0,
    "target_kpi3": 6.0,
    "targets_due_date": "2029-12-31",
    "position": "Geen andere cluster werkt rond waterstof in havens.",
}


def open_call(*, opens=None, closes=None, published=True, number=None) -> CallSetup:
    """A call of the reference portfolio's IBN type with an online set-up open now."""
    now = timezone.now()
    first = Call.objects.order_by("pk").first()
    call = Call.objects.create(
        programme=first.programme,
        cluster_type=first.cluster_type,
        number=number or 90 + Call.objects.count(),
        name="Oproep test",
        budget=1500000,
    )
    questionnaire = services.load_application_form(ACTOR, call.programme)
    return CallSetup.objects.create(
        call=call,
        opens_at=opens or now - datetime.timedelta(days=1),
        closes_at=closes or now + datetime.timedelta(days=10),
        questionnaire=questionnaire,
        published=published,
        conditions="Voorwaarden: een benoemde clustermanager.",
        conditions_en="Conditions: a named cluster manager.",
    )


def draft_for(setup: CallSetup, username: str = "applicant", answers=None) -> Application:
    user = User.objects.get(username=username)
    application = services.create_draft(
        audit.Actor(user, "tests"), setup, user, organisation="H2 Haven vzw", title="Waterstof"
    )
    draft = application.draft
    draft.answers = dict(ANSWERS if answers is None else answers)
    draft.save()
    return application
