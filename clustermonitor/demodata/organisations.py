"""The organisations: fake names and enterprise numbers, addresses, size, age and the
firm figures behind chapter 2's reach figures.

The companies that are members on the reference date are the ones the report's
figures describe, so their size classes and age classes are *allotted* in the target
proportions (largest remainders) rather than drawn, and their mean age is nudged to the
target: the calibration holds exactly, whatever the seed. Companies that left before or
joined after that date are drawn from the same proportions.

Names come from Faker (nl_BE) surnames and invented sector words, numbers are valid
enterprise numbers (97 − the first eight digits mod 97) drawn from the seeded generator:
both are fake, and a clash with a real company would be a coincidence.
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from pathlib import Path

from clustermonitor.demodata.calibrate import (
    AGE_SHARES,
    NON_SME_MEDIUM_SHARE,
    REFERENCE_DATE,
    SIZE_SHARES,
    TARGETS,
)
from clustermonitor.demodata.members import ascii_slug
from clustermonitor.demodata.plan import Org, Plan
from clustermonitor.demodata.sectors import GENERIC_NACE, GENERIC_WORDS, NACE_BY_KIND, SECTORS

POSTCODES_CSV = (
    Path(__file__).resolve().parent.parent / "data" / "be" / "postcodes" / ("be_postcodes.csv")
)
#: Larger towns get more of the members (the report's map: the cities and main roads).
TOWNS = {
    "2000", "2018", "2060", "2100", "2600", "9000", "9050", "9052", "3000", "3001", "8000",
    "8500", "3500", "2800", "9300", "3600", "8800", "9100", "2300", "8400", "1800", "1930",
    "2440", "9800", "2500", "3290", "8200", "2170", "9820", "1731",
}  # fmt: skip
REGION_WEIGHTS = {"02000": 0.90, "04000": 0.08, "03000": 0.02}
FOREIGN_SHARE = 0.015
NO_FIGURES_SHARE = 0.02
FOREIGN = (
    ("NL", "B.V.", "4811", "Breda"),
    ("DE", "GmbH", "52062", "Aachen"),
    ("FR", "SAS", "59000", "Lille"),
    ("GB", "Ltd", "EC1A 1BB", "London"),
    ("LU", "S.A.", "L-1611", "Luxembourg"),
)
#: Share of the companies that left whose enterprise has ceased since (KBO status).
CEASED_SHARE = 0.05
LEGAL_FORMS = {"NV": "014", "BV": "015", "CV": "008", "VOF": "011", "CommV": "012"}
SUFFIX_BY_SIZE = {
    "large": (("NV", 85), ("BV", 15)),
    "medium": (("NV", 50), ("BV", 50)),
    "small": (("BV", 80), ("NV", 10), ("CV", 5), ("VOF", 5)),
    "micro": (("BV", 85), ("VOF", 5), ("CommV", 5), ("CV", 5)),
    "unknown": (("BV", 90), ("NV", 10)),
}
KIND_LEGAL_FORMS = {
    "knowledge": ("124", "017"),
    "federation": ("017", "020"),
    "government": ("124",),
    "other": ("026", "017"),
}
AGE_RANGES = {"0-4": (0, 4), "5-9": (5, 9), "10-19": (10, 19), "20-49": (20, 49), "50+": (50, 110)}
FIGURE_YEARS = (2017, 2018, 2019)


def allot(n: int, shares: dict[str, float]) -> list[str]:
    """`n` labels in the proportions `shares`, by largest remainders (exact totals)."""
    raw = {k: n * v / sum(shares.values()) for k, v in shares.items()}
    counts = {k: math.floor(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[
        : n - sum(counts.values())
    ]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def _first_starts(plan: Plan) -> dict[int, datetime.date]:
    first: dict[int, datetime.date] = {}
    for m in plan.memberships:
        first[m.org] = min(first.get(m.org, m.start), m.start)
    return first


def reference_companies(plan: Plan) -> list[Org]:
    """Companies with a membership active on the reference date: chapter 2's population."""
    keys = {m.org for m in plan.memberships if m.active_on(REFERENCE_DATE)}
    return [o for o in plan.orgs if o.is_company and o.key in keys]


def assign_attributes(plan: Plan, rng: random.Random) -> None:
    """Country, size class, start date and firm figures of every company."""
    companies = [o for o in plan.orgs if o.is_company]
    reference = reference_companies(plan)
    in_reference = {o.key for o in reference}
    memberships = {}
    for m in plan.memberships:
        if m.active_on(REFERENCE_DATE):
            memberships[m.org] = memberships.get(m.org, 0) + 1
    singles = [o for o in companies if memberships.get(o.key, 0) <= 1]
    for org in rng.sample(singles, round(FOREIGN_SHARE * len(companies))):
        org.country = "XX"  # marked: foreign, set in name_all
    belgian = [o for o in singles if o.country == "BE"]
    no_figures = {o.key for o in rng.sample(belgian, round(NO_FIGURES_SHARE * len(companies)))}
    # Sizes: exact proportions among the reference companies with a headcount; those in
    # three or more IBNs are mostly large (chapter 2).
    known = [o for o in reference if o.country == "BE" and o.key not in no_figures]
    labels = allot(len(known), SIZE_SHARES)
    pool = {k: labels.count(k) for k in SIZE_SHARES}
    ordered = sorted(known, key=lambda o: -memberships.get(o.key, 0))
    rest = []
    for org in ordered:
        if memberships.get(org.key, 0) >= 3 and pool["large"] > 0 and rng.random() < 0.7:
            org.size = "large"
            pool["large"] -= 1
        else:
            rest.append(org)
    remaining = [k for k, c in pool.items() for _ in range(c)]
    rng.shuffle(remaining)
    for org, size in zip(rest, remaining, strict=True):
        org.size = size
    mediums = [o for o in known if o.size == "medium"]
    for org in rng.sample(mediums, round(NON_SME_MEDIUM_SHARE * len(known))):
        org.non_sme_medium = True
    for org in companies:
        if org.key not in in_reference and org.country == "BE" and org.key not in no_figures:
            org.size = rng.choices(list(SIZE_SHARES), list(SIZE_SHARES.values()))[0]
    _assign_ages(plan, reference, companies, rng)
    for org in companies:
        if org.size != "unknown" and org.country == "BE":
            org.figures = _figures(org, rng)


def _assign_ages(plan: Plan, reference: list[Org], companies: list[Org], rng) -> None:
    first = _first_starts(plan)
    latest = {o.key: first[o.key] - datetime.timedelta(days=60) for o in companies}
    min_age = {k: max(0, REFERENCE_DATE.year - d.year) for k, d in latest.items()}
    dated = [o for o in reference if o.country == "BE"]
    labels = allot(len(dated), AGE_SHARES)
    wanted = {k: labels.count(k) for k in AGE_SHARES}
    ages: dict[int, int] = {}
    free = list(dated)
    weights = {"micro": 4, "small": 2, "medium": 0.6, "large": 0.15, "unknown": 2}
    # Youngest first: a start-up must have been founded before it joined.
    order = ("0-4", "5-9", "10-19", "50+", "20-49")
    for label in order:
        lo, hi = AGE_RANGES[label]
        candidates = [o for o in free if min_age[o.key] <= hi]
        if label == order[-1]:
            wanted[label] = len(candidates)  # the rest: no reference company is left out
        if label == "50+":
            w = [{"large": 4, "medium": 2}.get(o.size, 1) for o in candidates]
        elif label in ("0-4", "5-9"):
            w = [weights[o.size] for o in candidates]
        else:
            w = [1] * len(candidates)
        chosen = _weighted_sample(candidates, w, wanted[label], rng)
        for org in chosen:
            ages[org.key] = _age_in(label, max(lo, min_age[org.key]), hi, rng)
        chosen_keys = {o.key for o in chosen}
        free = [o for o in free if o.key not in chosen_keys]
    _nudge_mean(ages, dated, TARGETS["mean_age"])
    for org in companies:
        if org.country != "BE":
            continue
        if org.key not in ages:
            label = rng.choices(list(AGE_SHARES), list(AGE_SHARES.values()))[0]
            lo, hi = AGE_RANGES[label]
            ages[org.key] = _age_in(
                label, max(lo, min_age[org.key]), max(hi, min_age[org.key]), rng
            )
        age = ages[org.key]
        year = REFERENCE_DATE.year - age  # whole years on 31 December: founded that year
        last = min(datetime.date(year, 12, 31), latest[org.key])
        org.start_date = _day_in(rng, datetime.date(year, 1, 1), last)


def _weighted_sample(items, weights, n, rng) -> list:
    """`n` distinct items, each draw weighted (Efraimidis–Spirakis keys)."""
    keyed = sorted(
        zip(items, weights, strict=True),
        key=lambda p: rng.random() ** (1 / p[1]) if p[1] > 0 else 0,
        reverse=True,
    )
    return [item for item, _w in keyed[:n]]


def _age_in(label: str, lo: int, hi: int, rng: random.Random) -> int:
    if lo >= hi:
        return lo
    if label == "20-49":
        return round(rng.triangular(lo, hi, lo + 4))
    if label == "50+":
        return min(hi, lo + round(rng.expovariate(1 / 14)))
    return rng.randint(lo, hi)


def _nudge_mean(ages: dict[int, int], dated: list[Org], target: float) -> None:
    """Move ages of the 20–49 and 50+ classes a year at a time, within their class,
    until the mean age is the target (to the nearest whole year of the total)."""
    keys = [o.key for o in dated if o.key in ages]
    wanted = round(target * len(keys))
    adjustable = [k for k in keys if ages[k] >= 20]
    adjustable.sort()
    diff = wanted - sum(ages[k] for k in keys)
    step = 1 if diff > 0 else -1
    guard = 0
    while diff and adjustable and guard < 100_000:
        for k in adjustable:
            if not diff:
                break
            lo, hi = (20, 49) if ages[k] < 50 else (50, 110)
            if lo <= ages[k] + step <= hi:
                ages[k] += step
                diff -= step
        guard += 1


def _day_in(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return last
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _figures(org: Org, rng: random.Random) -> list[tuple]:
    size = org.size
    employees = {
        "micro": lambda: rng.uniform(0.5, 9.9),
        "small": lambda: rng.uniform(10, 49.9),
        "medium": lambda: 50 + 199.9 * rng.random() ** 1.8,
        "large": lambda: min(20000.0, 250 * math.exp(rng.expovariate(1 / 0.9))),
    }[size]()
    employees = round(employees, 1)
    per_head = rng.lognormvariate(math.log(180_000), 0.45)
    turnover = employees * per_head
    balance = turnover * rng.uniform(0.4, 0.9)
    if size == "medium":
        if org.non_sme_medium:
            turnover, balance = rng.uniform(55e6, 90e6), rng.uniform(45e6, 80e6)
        else:
            turnover, balance = min(turnover, 49e6), min(balance, 42e6)
    has_turnover = size in ("medium", "large") or (size == "small" and rng.random() < 0.4)
    has_balance = not (size == "micro" and rng.random() < 0.35)
    rows = []
    founded = org.start_date.year if org.start_date else 1900
    for year in FIGURE_YEARS:
        if year < founded:
            continue
        shrink = (1 + rng.uniform(-0.03, 0.08)) ** (FIGURE_YEARS[-1] - year)
        e = round(employees / shrink, 1) if year != FIGURE_YEARS[-1] else employees
        t = round(turnover / shrink) if has_turnover else None
        b = round(balance / shrink) if has_balance else None
        v = round(t * rng.uniform(0.25, 0.5)) if t else round(e * 70_000)
        rows.append((year, e, t, b, v))
    return rows


# -- Names, numbers and addresses --------------------------------------------------------


def _postcodes() -> list[tuple[str, str, float]]:
    rows = []
    with POSTCODES_CSV.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            region = r["region_nis"]
            if region not in REGION_WEIGHTS:
                continue
            city = r["municipality_nl"] if region != "03000" else r["municipality_fr"]
            weight = 6 if r["postcode"] in TOWNS else 1
            rows.append((r["postcode"], city or r["locality_name"], region, weight))
    totals: dict[str, float] = {}
    for _code, _city, region, weight in rows:
        totals[region] = totals.get(region, 0) + weight
    return [(c, city, REGION_WEIGHTS[reg] * w / totals[reg]) for c, city, reg, w in rows]


def enterprise_number(rng: random.Random, used: set[str]) -> str:
    """A valid, unused enterprise number: 0 + seven digits, then 97 − (first eight mod 97)."""
    while True:
        base = rng.randint(4_000_000, 9_999_999)
        number = f"{base:08d}{97 - base % 97:02d}"
        if number not in used:
            used.add(number)
            return number


class Namer:
    def __init__(self, fake, rng: random.Random, used_numbers: set[str]):
        self.fake, self.rng, self.used_numbers = fake, rng, used_numbers
        self.names: set[str] = set()
        postcodes = _postcodes()
        self.postcodes = [(c, city) for c, city, _w in postcodes]
        self.weights = [w for _c, _city, w in postcodes]

    def company_name(self, org: Org, suffix: str) -> str:
        rng, fake = self.rng, self.fake
        words = SECTORS.get(org.home, ((), GENERIC_WORDS, ()))[1]
        for _ in range(20):
            word = rng.choice(words if rng.random() < 0.7 else GENERIC_WORDS)
            last = fake.last_name()
            pattern = rng.random()
            if pattern < 0.5:
                name = f"{last} {word} {suffix}"
            elif pattern < 0.7:
                name = f"{last} & {fake.last_name()} {suffix}"
            elif pattern < 0.85:
                stem = word.split()[0]
                name = f"{stem}{rng.choice(('tec', 'ix', 'ON', 'lab', 'wise', 'nova'))} {suffix}"
            else:
                name = f"{word} {last} {suffix}"
            if name not in self.names:
                self.names.add(name)
                return name
        name = f"{name} {len(self.names)}"
        self.names.add(name)
        return name

    def address(self, org: Org) -> None:
        code, city = self.rng.choices(self.postcodes, self.weights)[0]
        org.postcode, org.city = code, city
        org.street = self.fake.street_name()
        org.house_number = str(self.rng.randint(1, 250))


def name_all(plan: Plan, fake, rng: random.Random, used_numbers: set[str]) -> None:
    """Give every organisation its name, number, legal form, address and activity."""
    namer = Namer(fake, rng, used_numbers)
    for org in plan.orgs:
        if org.is_company:
            sector = SECTORS.get(org.home)
            nace_codes = sector[0] if sector and rng.random() < 0.8 else GENERIC_NACE
            org.nace = rng.choice(nace_codes)
            if org.country == "XX":
                country, suffix, postcode, city = rng.choice(FOREIGN)
                org.country, org.no_number_reason = country, "foreign"
                org.name = namer.company_name(org, suffix)
                org.street = fake.street_name()
                org.house_number = str(rng.randint(1, 120))
                org.postcode, org.city = postcode, city
                org.start_date = None
                continue
            forms = SUFFIX_BY_SIZE[org.size]
            suffix = rng.choices([f for f, _w in forms], [w for _f, w in forms])[0]
            org.legal_form = LEGAL_FORMS[suffix]
            org.name = namer.company_name(org, suffix)
            if rng.random() < 0.7:
                org.website = f"https://www.{ascii_slug(org.name, '-')}.example"
        else:
            org.nace = rng.choice(NACE_BY_KIND[org.kind])
            org.legal_form = rng.choice(KIND_LEGAL_FORMS[org.kind])
            org.start_date = datetime.date(rng.randint(1950, 2012), rng.randint(1, 12), 1)
            org.website = f"https://www.{ascii_slug(org.name, '-')}.example"
        org.enterprise_number = enterprise_number(rng, used_numbers)
        namer.address(org)
    left = {m.org for m in plan.memberships if m.role == "leaver"}
    stayed = {m.org for m in plan.memberships if m.role != "leaver"}
    candidates = sorted(k for k in left - stayed if plan.orgs[k].country == "BE")
    for key in rng.sample(candidates, round(CEASED_SHARE * len(candidates))):
        plan.orgs[key].status = "ceased"
