"""Builders for the screening and jury's tests (issue 19): a call of the IBN type with its
eligibility criteria and rubric, applications with a submitted version (grants.contract's
shape, written directly: part A's online form is not needed), reviewers and scores."""

import copy
import datetime
from decimal import Decimal

from django.utils import timezone

from clustermonitor.accounts import services as accounts
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.grants.contract import digest
from clustermonitor.grants.models import ApplicationVersion
from clustermonitor.programmes.models import Application, Call, ClusterType
from clustermonitor.review import services
from clustermonitor.review.models import EligibilityCriterion, Rubric, RubricCriterion
from tests.factories import enterprise_number

ACTOR = audit.Actor.system("test")

DATA = {
    "title": "Waterstof in de haven",
    "applicant": "Havenclub vzw",
    "applicant_enterprise_number": "0403.170.701",
    "cluster_name": "H2 Haven",
    "domain": "waterstof",
    "keywords": ["waterstof"],
    "cluster_manager": {"name": "Ann Peeters", "email": "ann@example.org", "phone": ""},
    "steering_group": [
        {"name": "Bedrijf A NV", "enterprise_number": None, "kind": "company"},
        {"name": "Bedrijf B NV", "enterprise_number": None, "kind": "company"},
        {"name": "Universiteit", "enterprise_number": None, "kind": "research"},
    ],
    "members": [
        {"enterprise_number": enterprise_number(900 + i), "name": f"Lid {i} NV"} for i in range(4)
    ],
    "start_date": "2027-01-01",
    "term_years": 3,
    "requested_amount": "300000.00",
    "cofinancing": [
        {
            "year": y,
            "budget": "200000.00",
            "subsidy": "100000.00",
            "member_fees": "80000.00",
            "other": "20000.00",
        }
        for y in (2027, 2028, 2029)
    ],
    "targets": [{"kpi": "KPI1", "value": "40", "due_date": "2029-12-31"}],
    "roadmap": "Drie werkgroepen.",
    "position": "Geen overlap.",
}


def data(**changes) -> dict:
    value = copy.deepcopy(DATA)
    value.update(changes)
    return value


def new_call(number: int = 41) -> Call:
    ibn = ClusterType.objects.get(code="IBN")
    return Call.objects.create(
        programme=ibn.programme, cluster_type=ibn, number=number, name=f"Testoproep {number}"
    )


def application(
    call, applicant="Havenclub vzw", *, status="submitted", answers=None, account=None
) -> Application:
    answers = data() if answers is None else answers
    now = timezone.now()
    app = Application.objects.create(
        call=call,
        applicant=applicant,
        title=answers.get("title", "Aanvraag") if isinstance(answers, dict) else "Aanvraag",
        requested_amount=Decimal("300000"),
        status=status,
        applicant_account=account,
        submitted_at=now,
    )
    ApplicationVersion.objects.create(
        application=app, number=1, submitted_at=now, data=answers, sha256=digest(answers)
    )
    return app


def criteria(call, manual: str = "Het consortium past in het beleid") -> None:
    services.add_standard_criteria(ACTOR, call)
    if manual:
        services.add_criterion(ACTOR, EligibilityCriterion(call=call, kind="manual", text=manual))


def rubric(call) -> list[RubricCriterion]:
    Rubric.objects.get_or_create(call=call, defaults={"threshold": 60, "spread_limit": 20})
    return [
        services.add_rubric_criterion(
            ACTOR, RubricCriterion(call=call, name="Kwaliteit", weight=2, max_score=10, threshold=5)
        ),
        services.add_rubric_criterion(
            ACTOR, RubricCriterion(call=call, name="Impact", weight=1, max_score=10)
        ),
    ]


def reviewer(username: str, password: str | None = None) -> User:
    return accounts.create_user(
        ACTOR,
        username=username,
        password=password,
        email=f"{username}@example.org",
        first_name=username.title(),
        role=Role.REVIEWER,
    )


def screened(call, applicant="Havenclub vzw", **kwargs) -> Application:
    """An application screened eligible: in review."""
    app = application(call, applicant, **kwargs)
    manual = {
        c.pk: (True, "") for c in EligibilityCriterion.objects.filter(call=call, kind="manual")
    }
    services.screen(ACTOR, app, manual)
    app.refresh_from_db()
    assert app.status == "in_review", app.status
    return app


def scored(app, user, values=(8, 6), *, submit=True):
    """`user` assigned to `app`, no conflict, scores given (and submitted)."""
    assignment = services.assign(ACTOR, app, user)
    services.declare(audit.Actor(user), assignment, conflict=False)
    items = list(RubricCriterion.objects.filter(call=app.call).order_by("order", "pk"))
    services.save_scores(
        audit.Actor(user),
        assignment,
        {c.pk: (v, "") for c, v in zip(items, values, strict=True)},
        submit=submit,
    )
    assignment.refresh_from_db()
    return assignment


def decide(app, outcome="funded", amount=Decimal("250000")):
    return services.decide(
        ACTOR,
        app,
        outcome=outcome,
        funded_amount=amount,
        motivation="Sterk consortium.",
        meeting_date=datetime.date.today(),
    )
