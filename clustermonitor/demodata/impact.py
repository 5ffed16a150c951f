"""The demo's annual accounts (issue 20): yearly filings for the member companies and for
a comparison population outside every cluster, generated with a known effect of
membership, so that the economic-effects estimate has something to find on a fresh demo.

Who gets accounts
  Every Belgian company of the demo with a membership (kind company, an enterprise
  number, at least one `members.Membership`) — and a comparison population of about
  three times as many new companies (`COMPARISON_RATIO`), with no membership. Each
  comparison company copies a member company drawn at random (a "template") for its
  NACE code, size class and founding year (the day within the year drawn), and another
  member drawn at random for its postcode (so province and municipality follow the
  members'); names come from Faker (nl_BE) the way demodata/organisations.py makes them,
  enterprise numbers are valid and not yet in the registry.

Which years
  Financial years (calendar years) from 2010, or the founding year if later, up to the
  horizon: the latest year whose accounts are due by the day of the load — the year
  before it from 31 July on, else the year before that (`horizon`; the day is today,
  `timezone.localdate()`, as demodata/live.py places the present). A filing whose deposit
  date falls after that day is not there yet (some late ones of the last year). A ceased
  company files up to the year its last membership ended, 2019 at least.

The outcome process (log scale; docs/demo.md and docs/impact.md state it too)
  log y_it = a_i + g_t + tau_it + e_it for y = FTE, turnover and gross margin, with
  - a_i the firm effect: FTE drawn by size class (as organisations._figures draws it),
    turnover per FTE uniform EUR 150–250k, gross margin 30–50 % of turnover, total
    assets 40–90 % of turnover; comparison companies' FTE level is `SELECTION` (−0.10
    in logs, about 10 % smaller) below what their size class gives: members are slightly
    larger (selection in levels, which firm fixed effects remove);
  - g_t the common year shocks (one series for FTE, one for the money figures: a drift
    with seeded noise and a 2020 dip, `year_shocks`);
  - tau_it the effect of membership: from the cohort year c (the year of the company's
    earliest membership start, in any cluster), tau = delta × min(t − c + 1, 5) for
    t ≥ c, 0 before (no anticipation): delta = 0.04 for FTE and 0.03 for turnover and
    gross margin (`EFFECT`), so +4 % (+3 %) in the entry year, growing to +20 % (+15 %)
    in the fifth and constant after. Total assets and operating profit get no effect;
  - e_it noise, independent, normal with sd 0.04 (FTE), 0.06 (turnover), 0.08 (gross
    margin), 0.10 (total assets). Operating profit is turnover × a margin (firm mean
    N(6 %, 3 %), yearly sd 3 %): it can be negative.
  Where a member company has firm figures for a year (registry.FirmFigures, the
  calibrated demo's 2017–2019), the filing of that year takes their employees as its FTE,
  their turnover and balance total as its turnover and total assets (where the filing
  reports them), so the two never disagree; the firm effect is fitted to those years
  (the mean of log figure − g_t − tau_it) and the other years are generated around it.

Schemes and deposits
  Micro companies file the micro scheme (no turnover: NULL; gross margin reported),
  small ones the abbreviated scheme (turnover reported by 40 % of them — for members
  with firm figures: when those have turnover), medium and large ones the full scheme.
  The size class is the company's, fixed over the years (from its latest firm figures'
  FTE, else drawn from the calibration's shares). Deposits: 85 % in July of the
  following year, 5 % in May or June, 10 % late (up to a year after the deadline).

Deterministic: the same seed and day give the same rows (random.Random with string
seeds per firm and per series, Faker seeded, everything in explicit order); a year's
figures do not depend on the day, only which filings are there. Idempotent: when any
accounts exist (the demo's, or imported ones: demo accounts are never mixed into real
ones), nothing is written. Bulk inserts, one audit entry per kind of record.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from clustermonitor.demodata import organisations as org_data
from clustermonitor.demodata.calibrate import SIZE_SHARES
from clustermonitor.demodata.loader import DEFAULT_SEED
from clustermonitor.demodata.plan import Org
from clustermonitor.demodata.writer import BATCH, bulk_entry, insert
from clustermonitor.impact.models import AnnualAccounts
from clustermonitor.members.models import Membership
from clustermonitor.registry.models import FirmFigures, LegalForm, Organisation, Postcode

FIRST_YEAR = 2010
COMPARISON_RATIO = 3
#: Log-level difference of the comparison companies' FTE (members are larger).
SELECTION = -0.10
#: The effect of membership per year since entry (log points), and for how many years.
EFFECT = {"fte": 0.04, "turnover": 0.03, "gross_margin": 0.03}
EFFECT_YEARS = 5
NOISE = {"fte": 0.04, "turnover": 0.06, "gross_margin": 0.08, "total_assets": 0.10}
ABBREVIATED_TURNOVER_SHARE = 0.4
SCHEMES = {
    "micro": AnnualAccounts.Scheme.MICRO,
    "small": AnnualAccounts.Scheme.ABBREVIATED,
    "medium": AnnualAccounts.Scheme.FULL,
    "large": AnnualAccounts.Scheme.FULL,
}
#: The year whose level a drawn firm effect describes (the calibrated figures' last).
BASE_YEAR = 2019
#: Audited as the other parts `load-demo` adds after the calibrated demo (live, agreements,
#: profiles): `demo-data` is the calibrated loader's and `generate`'s (one entry a run).
VIA = "demo"


def horizon(today: datetime.date) -> int:
    """The latest financial year whose accounts are due by `today` (end of July)."""
    return today.year - 1 if today >= datetime.date(today.year, 7, 31) else today.year - 2


def size_class(fte: float) -> str:
    if fte < 10:
        return "micro"
    if fte < 50:
        return "small"
    if fte < 250:
        return "medium"
    return "large"


def effect(outcome: str, cohort: int | None, year: int) -> float:
    """The documented effect of membership (log points) on `outcome` in `year`."""
    if cohort is None or year < cohort or outcome not in EFFECT:
        return 0.0
    return EFFECT[outcome] * min(year - cohort + 1, EFFECT_YEARS)


def year_shocks(seed: int, last: int) -> dict[str, dict[int, float]]:
    """The common year effects, cumulative from FIRST_YEAR: a drift, seeded noise and
    2020's dip (partly made up in 2021). Earlier years do not depend on `last`."""
    rng = random.Random(f"clustermonitor-demo-impact:{seed}:years")
    shocks: dict[str, dict[int, float]] = {"fte": {}, "money": {}}
    level = {"fte": 0.0, "money": 0.0}
    drift = {"fte": 0.01, "money": 0.025}
    dip = {"fte": {2020: -0.03, 2021: 0.015}, "money": {2020: -0.08, 2021: 0.05}}
    for year in range(FIRST_YEAR, max(last, BASE_YEAR) + 1):
        for key in ("fte", "money"):
            noise = rng.gauss(0, 0.01)
            if year > FIRST_YEAR:
                level[key] += drift[key] + noise + dip[key].get(year, 0.0)
            shocks[key][year] = level[key]
    return shocks


@dataclass
class Firm:
    organisation_id: int | None
    number: str
    size: str
    founded: datetime.date
    cohort: int | None  # year of the earliest membership start; None: comparison
    last_year: int
    #: year → (employees, turnover, balance total) of registry.FirmFigures
    figures: dict[int, tuple] = field(default_factory=dict)
    base_fte: float | None = None  # drawn level (no figures)


def _base_fte(size: str, rng: random.Random) -> float:
    return {
        "micro": lambda: rng.uniform(0.5, 9.9),
        "small": lambda: rng.uniform(10, 49.9),
        "medium": lambda: 50 + 199.9 * rng.random() ** 1.8,
        "large": lambda: min(20000.0, 250 * math.exp(rng.expovariate(1 / 0.9))),
    }[size]()


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(round(value))


def _deposit(rng: random.Random, year: int) -> datetime.date:
    draw = rng.random()
    deadline = datetime.date(year + 1, 7, 31)
    if draw < 0.85:
        return datetime.date(year + 1, 7, rng.randint(1, 31))
    if draw < 0.90:
        return datetime.date(year + 1, 5, 1) + datetime.timedelta(days=rng.randint(0, 60))
    return deadline + datetime.timedelta(days=rng.randint(1, 365))


def filings(firm: Firm, seed: int, shocks, last: int, today: datetime.date) -> list[dict]:
    """The firm's filings (rows of AnnualAccounts without the organisation) of the years
    up to `last` deposited by `today`."""
    rng = random.Random(f"clustermonitor-demo-impact:{seed}:{firm.number}")
    g_fte, g_money = shocks["fte"], shocks["money"]
    per_head = rng.uniform(150_000, 250_000)
    margin_share = rng.uniform(0.30, 0.50)
    assets_share = rng.uniform(0.40, 0.90)
    profit_mean = rng.gauss(0.06, 0.03)
    reports_turnover = firm.size in ("medium", "large") or (
        firm.size == "small" and rng.random() < ABBREVIATED_TURNOVER_SHARE
    )
    if firm.figures:
        reports_turnover = firm.size != "micro" and any(
            t is not None for _e, t, _b in firm.figures.values()
        )
    # The firm effects: fitted to the firm figures where there are, else drawn.
    known_years = sorted(firm.figures.items())
    if known_years:
        a_fte = _fit(
            [
                math.log(float(e)) - g_fte[y] - effect("fte", firm.cohort, y)
                for y, (e, _t, _b) in known_years
                if e
            ]
        )
        a_turnover = _fit(
            [
                math.log(float(t)) - g_money[y] - effect("turnover", firm.cohort, y)
                for y, (_e, t, _b) in known_years
                if t
            ]
        )
        a_assets = _fit([math.log(float(b)) - g_money[y] for y, (_e, _t, b) in known_years if b])
    else:
        a_fte = a_turnover = a_assets = None
    if a_fte is None:
        base = firm.base_fte if firm.base_fte is not None else _base_fte(firm.size, rng)
        a_fte = math.log(base) - g_fte[BASE_YEAR] - effect("fte", firm.cohort, BASE_YEAR)
        if firm.cohort is None:
            a_fte += SELECTION
    if a_turnover is None:
        a_turnover = a_fte + g_fte[BASE_YEAR] - g_money[BASE_YEAR] + math.log(per_head)
    a_margin = a_turnover + math.log(margin_share)
    if a_assets is None:
        a_assets = a_turnover + math.log(assets_share)
    rows = []
    scheme = SCHEMES[firm.size]
    for year in range(max(FIRST_YEAR, firm.founded.year), min(last, firm.last_year) + 1):
        e_fte, e_turnover, e_margin, e_assets = (rng.gauss(0, sd) for sd in NOISE.values())
        yearly_margin = rng.gauss(profit_mean, 0.03)
        filed_on = _deposit(rng, year)
        reference = f"{filed_on.year}-{rng.randint(0, 99_999_999):08d}"
        g = g_money[year]
        fte = math.exp(a_fte + g_fte[year] + effect("fte", firm.cohort, year) + e_fte)
        turnover = math.exp(a_turnover + g + effect("turnover", firm.cohort, year) + e_turnover)
        margin = math.exp(a_margin + g + effect("gross_margin", firm.cohort, year) + e_margin)
        assets = math.exp(a_assets + g + e_assets)
        profit = turnover * yearly_margin
        known = firm.figures.get(year)
        if known is not None:
            e, t, b = known
            fte = float(e) if e is not None else fte
            turnover = float(t) if t is not None else turnover
            assets = float(b) if b is not None else assets
        if filed_on > today:
            continue
        fte_value = Decimal(str(round(max(fte, 0.1), 1)))
        if known is not None and known[0] is not None:
            fte_value = Decimal(known[0])
        rows.append(
            {
                "period_start": max(datetime.date(year, 1, 1), firm.founded),
                "period_end": datetime.date(year, 12, 31),
                "filed_on": filed_on,
                "reference": reference,
                "scheme": scheme,
                "fte": fte_value,
                "turnover": _money(turnover) if reports_turnover else None,
                "gross_margin": _money(margin),
                "total_assets": _money(assets),
                "operating_profit": _money(profit),
                "source": AnnualAccounts.Source.DEMO,
            }
        )
    return rows


def _fit(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _members() -> tuple[list[Firm], dict[int, Organisation]]:
    """The Belgian member companies with an enterprise number, in order of number."""
    cohorts: dict[int, int] = {}
    ends: dict[int, int | None] = {}
    for org_id, start, end in Membership.objects.filter(
        organisation__kind=Organisation.Kind.COMPANY,
        organisation__country="BE",
        organisation__enterprise_number__isnull=False,
    ).values_list("organisation_id", "start_date", "end_date"):
        cohorts[org_id] = min(cohorts.get(org_id, start.year), start.year)
        before = ends.get(org_id, 0)
        ends[org_id] = None if end is None or before is None else max(before, end.year)
    figures: dict[int, dict[int, tuple]] = {}
    for org_id, year, e, t, b in FirmFigures.objects.filter(
        organisation_id__in=list(cohorts)
    ).values_list("organisation_id", "year", "employees", "turnover", "balance_total"):
        figures.setdefault(org_id, {})[year] = (e, t, b)
    orgs = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=list(cohorts)).exclude(enterprise_number="")
    }
    firms = []
    for org in sorted(orgs.values(), key=lambda o: o.enterprise_number):
        known = figures.get(org.pk, {})
        rng = random.Random(f"clustermonitor-demo-impact-size:{org.enterprise_number}")
        with_fte = [(y, e) for y, (e, _t, _b) in known.items() if e]
        if with_fte:
            size = size_class(float(max(with_fte)[1]))
        else:
            size = rng.choices(list(SIZE_SHARES), list(SIZE_SHARES.values()))[0]
        last_year = 9999
        if org.status == Organisation.Status.CEASED:
            last_year = max(BASE_YEAR, ends[org.pk] or BASE_YEAR)
        firms.append(
            Firm(
                organisation_id=org.pk,
                number=org.enterprise_number,
                size=size,
                founded=org.start_date or datetime.date(FIRST_YEAR, 1, 1),
                cohort=cohorts[org.pk],
                last_year=last_year,
                figures=known,
            )
        )
    return firms, orgs


def _comparison(
    seed: int, members: list[Firm], orgs: dict[int, Organisation]
) -> list[tuple[Organisation, Firm]]:
    """The comparison companies (unsaved) and their firms, in the order drawn."""
    rng = random.Random(f"clustermonitor-demo-impact:{seed}:comparison")
    fake = Faker("nl_BE")
    fake.seed_instance(seed * 1000 + 920)
    used = set(
        Organisation.objects.exclude(enterprise_number__isnull=True).values_list(
            "enterprise_number", flat=True
        )
    )
    namer = org_data.Namer(fake, rng, used)
    namer.names = set(Organisation.objects.values_list("name", flat=True))
    legal_forms = dict(LegalForm.objects.values_list("code", "pk"))
    places = {}
    for p in Postcode.objects.filter(primary=True).order_by("pk"):
        places.setdefault(p.code, (p.municipality_id, p.latitude, p.longitude))
    # The first membership's cluster names the company's sector (its words).
    homes: dict[int, str] = {}
    for org_id, code in Membership.objects.order_by(
        "organisation_id", "start_date", "pk"
    ).values_list("organisation_id", "cluster__code"):
        homes.setdefault(org_id, code)
    made = []
    for key in range(COMPARISON_RATIO * len(members)):
        template = rng.choice(members)
        source = orgs[template.organisation_id]
        located = orgs[rng.choice(members).organisation_id]
        size = template.size
        stub = Org(key=key, kind="company", home=homes.get(source.pk, ""))
        forms = org_data.SUFFIX_BY_SIZE[size]
        suffix = rng.choices([f for f, _w in forms], [w for _f, w in forms])[0]
        name = namer.company_name(stub, suffix)
        founded = source.start_date.year if source.start_date else FIRST_YEAR
        start = datetime.date(founded, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        start = min(start, datetime.date(founded, 12, 31))
        place = places.get(located.postcode)
        org = Organisation(
            enterprise_number=org_data.enterprise_number(rng, used),
            kind=Organisation.Kind.COMPANY,
            name=name,
            legal_form_id=legal_forms.get(org_data.LEGAL_FORMS[suffix]),
            start_date=start,
            status=Organisation.Status.ACTIVE,
            nace_2008_id=source.nace_2008_id,
            street=fake.street_name(),
            house_number=str(rng.randint(1, 250)),
            postcode=located.postcode,
            city=located.city,
            municipality_id=place[0] if place else located.municipality_id,
            latitude=place[1] if place else located.latitude,
            longitude=place[2] if place else located.longitude,
            country="BE",
            website=(
                f"https://www.{org_data.ascii_slug(name, '-')}.example"
                if rng.random() < 0.7
                else ""
            ),
        )
        firm = Firm(
            organisation_id=None,
            number=org.enterprise_number,
            size=size,
            founded=start,
            cohort=None,
            last_year=9999,
            base_fte=_base_fte(size, rng),
        )
        made.append((org, firm))
    return made


def _audit(model, count: int, what: str, seed: int, note: str) -> None:
    if not count:
        return
    bulk_entry(
        model, f"{count} × {what} (demo data)", {"count": count, "seed": seed}, note, via=VIA
    ).save()


@dataclass
class AccountsPlan:
    """Everything `load` writes, before it is written (no database writes)."""

    members: list[Firm]
    comparison: list[tuple[Organisation, Firm]]  # unsaved organisations
    #: enterprise number → that firm's filings (rows without the organisation)
    filings: dict[str, list[dict]]
    years: tuple[int, int]


def plan(seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> AccountsPlan:
    """The comparison companies and every firm's filings for `seed` and `today`."""
    today = today or timezone.localdate()
    members, orgs = _members()
    last = horizon(today)
    shocks = year_shocks(seed, last)
    comparison = _comparison(seed, members, orgs) if members else []
    firms = members + [f for _o, f in comparison]
    return AccountsPlan(
        members=members,
        comparison=comparison,
        filings={f.number: filings(f, seed, shocks, last, today) for f in firms},
        years=(FIRST_YEAR, last),
    )


@transaction.atomic
def load(seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> dict:
    """Write the demo's annual accounts and comparison companies (see the module);
    returns the counts. A second run writes nothing."""
    today = today or timezone.localdate()
    empty = {"member companies": 0, "comparison companies": 0, "annual accounts": 0}
    if AnnualAccounts.objects.exists():  # the demo's, or imported ones: never mixed
        return empty
    planned = plan(seed, today)
    if not planned.members:
        return empty
    Organisation.objects.bulk_create([o for o, _f in planned.comparison], batch_size=BATCH)
    for org, firm in planned.comparison:
        firm.organisation_id = org.pk
    note = f"demo annual accounts, seed {seed}, to {today.isoformat()} (demodata/impact.py)"
    _audit(Organisation, len(planned.comparison), "comparison companies", seed, note)
    rows = []
    for firm in planned.members + [f for _o, f in planned.comparison]:
        for row in planned.filings[firm.number]:
            rows.append({**row, "organisation_id": firm.organisation_id})
    insert(AnnualAccounts, rows)
    _audit(AnnualAccounts, len(rows), "annual accounts", seed, note)
    return {
        "member companies": len(planned.members),
        "comparison companies": len(planned.comparison),
        "annual accounts": len(rows),
        "years": list(planned.years),
    }
