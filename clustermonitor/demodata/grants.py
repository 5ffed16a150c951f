"""The demo's online applications (issue 19): the current call (demodata/live.py opens it
20 days before today) receives applications online — a set-up open now (from its opening
day at 09:00 to its closing day at 17:00, Belgian time), published on the portal with the
shipped application form — and five demo companies have applied through it, each with a
submitted version in the contract's shape (one resubmitted once, one whose co-financing
stays under the share in a year); a sixth has a draft. The login `aanvrager` (the demo's
password) is the first applicant's.

Deterministic: the same records for the same day and seed (the companies, members and
amounts from a generator seeded by both). A second run changes nothing. No figure reads
these applications before a decision (their status is submitted)."""

import datetime
import random
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clustermonitor.accounts import services as account_services
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.grants import services
from clustermonitor.grants.models import CallSetup
from clustermonitor.programmes.models import Call
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
LOGIN = "aanvrager"
CONDITIONS = (
    "Deze oproep selecteert innovatieve bedrijfsnetwerken (IBN) voor een looptijd van "
    "maximaal drie jaar.\n\n"
    "- Een benoemde clustermanager.\n"
    "- Een stuurgroep waarin bedrijven de meerderheid hebben.\n"
    "- Leden die zich engageren, met hun ondernemingsnummer.\n"
    "- Een cofinancieringsplan per jaar: de leden dragen minstens 50 % van het budget.\n"
    "- Een roadmap met doelen voor de drie KPI's.\n"
    "- De positie tegenover bestaande clusters."
)
CONDITIONS_EN = (
    "This call selects innovative business networks (IBN) for a term of at most three "
    "years.\n\n"
    "- A named cluster manager.\n"
    "- A steering group in which companies are the majority.\n"
    "- Members committed, with their enterprise numbers.\n"
    "- A co-financing plan per year: the members bear at least 50 % of the budget.\n"
    "- A roadmap with targets for the three KPIs.\n"
    "- The position against existing clusters."
)
#: (cluster name, domain, keywords, manager) of each demo application; the last is a draft.
PROPOSALS = [
    ("Circulair Bouwen", "circulaire bouw", "bouw; hergebruik; materialen", "Lies Verbeke"),
    ("Slimme Logistiek", "logistiek", "logistiek; data; haven", "Tom De Smet"),
    ("Voedsel 4.0", "voedingsindustrie", "voeding; automatisering; sensoren", "An Goossens"),
    ("Blauwe Energie", "offshore energie", "wind; waterstof; offshore", "Bart Wouters"),
    ("Zorgdata", "digitale zorg", "zorg; data; AI", "Sofie Michiels"),
    ("Textiel Herdacht", "textiel", "textiel; recyclage", "Jan Peeters"),
]
#: Which application resubmits once, and which plan stays under the share in year 2.
RESUBMITTED, UNDER_SHARE = 1, 3


def current_call(today: datetime.date) -> Call | None:
    """The call open today without clusters (demodata/live.py's), the latest first."""
    return (
        Call.objects.filter(opens_on__lte=today, closes_on__gte=today, clusters__isnull=True)
        .select_related("programme", "cluster_type")
        .order_by("-number", "-pk")
        .first()
    )


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


def _table(rows) -> str:
    return "\n".join("; ".join(str(cell) for cell in row) for row in rows)


def _phone(rng) -> str:
    digits = (rng.randint(200, 899), rng.randint(10, 99), rng.randint(10, 99))
    return "+32 9 " + " ".join(str(d) for d in digits)


def _answers(index, proposal, company, members, start, rng) -> dict:
    name, domain, keywords, manager = proposal
    years = [start.year + n for n in range(3)]
    plan = []
    for n, year in enumerate(years):
        budget = Decimal(rng.choice([280000, 300000, 320000, 340000]))
        subsidy = (budget / 2).quantize(Decimal(1))
        fees = (budget * Decimal("0.35")).quantize(Decimal(1))
        if index == UNDER_SHARE and n == 1:
            subsidy = (budget * Decimal("0.62")).quantize(Decimal(1))
            fees = (budget * Decimal("0.30")).quantize(Decimal(1))
        plan.append((year, budget, subsidy, fees, budget - subsidy - fees))
    steering = [(m.name, enterprise.display(m.enterprise_number), "bedrijf") for m in members[:3]]
    steering.append(("Universiteit Gent", "", "onderzoek"))
    first, last = manager.split(" ", 1)
    return {
        "title": f"{name}: innovatief bedrijfsnetwerk",
        "cluster_name": name,
        "applicant": company.name,
        "applicant_enterprise_number": enterprise.display(company.enterprise_number),
        "domain": domain,
        "keywords": keywords,
        "manager_name": manager,
        "manager_email": f"{first.lower()}.{last.lower().replace(' ', '')}@example.org",
        "manager_phone": _phone(rng),
        "steering_group": _table(steering),
        "members": _table((enterprise.display(m.enterprise_number), m.name) for m in members),
        "start_date": start.isoformat(),
        "term_years": 3,
        "requested_amount": float(sum(row[2] for row in plan)),
        "cofinancing": _table(plan),
        "roadmap": (
            f"Jaar 1: het netwerk rond {domain} uitbouwen en de leden verbinden. "
            "Jaar 2: samenwerkingsprojecten opstarten. "
            "Jaar 3: innovatieprojecten en internationale samenwerking."
        ),
        "target_kpi1": float(rng.choice([30, 40, 50])),
        "target_kpi2": float(rng.choice([15, 20, 25])),
        "target_kpi3": float(rng.choice([4, 6, 8])),
        "targets_due_date": datetime.date(start.year + 2, 12, 31).isoformat(),
        "position": (
            f"Geen bestaande cluster richt zich op {domain} als geheel; met verwante "
            "clusters plannen we gezamenlijke activiteiten."
        ),
    }


def _applicant(index: int, company, password: str | None) -> User:
    username = LOGIN if index == 0 else f"aanvrager.{index + 1}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    return account_services.create_user(
        audit.Actor.system("demo"),
        username=username,
        password=password if index == 0 else None,
        email=f"{username}@example.org",
        first_name=PROPOSALS[index][3].split(" ", 1)[0],
        last_name=PROPOSALS[index][3].split(" ", 1)[1],
        role=Role.APPLICANT,
    )


@transaction.atomic
def load(today: datetime.date | None = None, seed: int = 1, password: str | None = None) -> dict:
    today = today or timezone.localdate()
    call = current_call(today)
    if call is None or CallSetup.objects.filter(call=call).exists():
        return {"written": 0}
    actor = audit.Actor.system("demo")
    setup = CallSetup(
        call=call,
        opens_at=_moment(call.opens_on, 9),
        closes_at=_moment(call.closes_on, 17),
        questionnaire=services.load_application_form(actor, call.programme),
        published=True,
        conditions=CONDITIONS,
        conditions_en=CONDITIONS_EN,
    )
    audit.save(actor, setup, note="demo: the current call receives applications online")
    rng = random.Random(f"grants-{seed}-{today.isoformat()}")
    companies = list(
        Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
        .exclude(enterprise_number="")
        .order_by("pk")[:400]
    )
    companies = [c for c in companies if enterprise.is_valid(c.enterprise_number)]
    if len(companies) < 40:
        return {"written": 1}
    start = datetime.date(today.year + 1, 1, 1)
    written = 1
    for index, proposal in enumerate(PROPOSALS):
        chosen = rng.sample(companies, 13)
        company, members = chosen[0], chosen[1:]
        user = _applicant(index, company, password)
        person = audit.Actor(user, "demo")
        started = setup.opens_at + datetime.timedelta(days=1 + 2 * index, hours=index)
        application = services.create_draft(
            person, setup, user, organisation=company.name, title=proposal[0], now=started
        )
        draft = application.draft
        draft.answers = _answers(index, proposal, company, members, start, rng)
        draft.updated_at = started + datetime.timedelta(hours=2)
        audit.save(person, draft, note="demo: answers", validate=False)
        written += 2
        if index == len(PROPOSALS) - 1:
            continue  # the last stays a draft
        submitted = started + datetime.timedelta(days=1, hours=3)
        services.submit(person, application, now=submitted, notify=False)
        written += 1
        if index == RESUBMITTED:
            draft.answers = {**draft.answers, "target_kpi1": draft.answers["target_kpi1"] + 10}
            draft.updated_at = submitted + datetime.timedelta(days=1)
            audit.save(person, draft, note="demo: answers changed", validate=False)
            services.submit(
                person, application, now=submitted + datetime.timedelta(days=2), notify=False
            )
            written += 1
    return {"written": written}
