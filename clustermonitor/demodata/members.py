"""Memberships: who is a member of which IBN, from when until when.

Per reported IBN the roster reproduces Table 7's members (KPI 1: distinct companies with
a paid contribution in a year from the agreement's start year to the reporting date's
year) and Table 8's number of contributions in TABLE8_YEAR, which together fix how many
companies stayed, left and joined:

- *continuing* companies pay every year from joining; with the *joiners* of the Table 8
  year (only when that year lies after the KPI years) and the *partners* (knowledge
  institutions, federations, government: they pay but are no company) they make Table 8's
  N contributions;
- *leavers* paid in a KPI year and left before the Table 8 year: KPI 1 = continuing
  (that paid in a KPI year) + leavers;
- *late* joiners come after the Table 8 year and count for neither.

KPI 2 (new companies) follows Table 5's split by embedding (calibrate.new_shares): the
others were members before the agreement started. About 50 companies are members of two
or more IBNs on the reference date, more often the larger ones (chapter 2).
"""

from __future__ import annotations

import datetime
import random
import unicodedata

from clustermonitor.demodata.calibrate import (
    REFERENCE_DATE,
    TABLE8_YEAR,
    TARGET_ATTAINMENT,
    ClusterSpec,
)
from clustermonitor.demodata.plan import Contact, Membership, Plan

#: Companies in 2, 3 and 4 IBNs on the reference date (chapter 2: "about 50").
MULTI_MEMBERSHIPS = ((2, 42), (3, 6), (4, 2))
PARTNER_SHARE = 0.07  # of Table 8's contributions, paid by organisations that are no company
JOINER_SHARE = 0.06  # of the Table 8 year's company contributions, by companies new that year
LATE_SHARE = 0.04  # per year after the Table 8 year
PARTNER_KINDS = (("knowledge", 0.5), ("federation", 0.25), ("government", 0.15), ("other", 0.1))
CONTACT_ROLES = (
    "zaakvoerder",
    "CEO",
    "innovatiemanager",
    "R&D-manager",
    "business developer",
    "productmanager",
    "projectleider",
    "CTO",
    "marketingverantwoordelijke",
    "operationeel directeur",
)


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _counts(spec: ClusterSpec) -> dict[str, int]:
    """How many continuing, leaving, joining and partner members the figures imply."""
    if spec.table8 is None or not spec.reported:
        members = round(spec.members * TARGET_ATTAINMENT)
        leavers = round(0.08 * members)
        return {
            "continuing": members - leavers,
            "leaver": leavers,
            "joiner": 0,
            "partner": max(1, round(PARTNER_SHARE * members)),
        }
    n, members = spec.table8.n, spec.members
    in_kpi_years = TABLE8_YEAR in spec.kpi_years
    partners = max(1, round(PARTNER_SHARE * n), n - members if in_kpi_years else 0)
    companies = n - partners
    joiners = 0 if in_kpi_years else round(JOINER_SHARE * companies)
    continuing = companies - joiners
    if continuing > members:
        continuing, joiners = members, companies - members
    return {
        "continuing": continuing,
        "leaver": members - continuing,
        "joiner": joiners,
        "partner": partners,
    }


def _slots(spec: ClusterSpec, new_share: float, rng: random.Random) -> list[dict]:
    counts = _counts(spec)
    start, end = spec.start, spec.end
    last_kpi_year = min(spec.reporting_end.year, TABLE8_YEAR - 1)
    kpi_companies = counts["continuing"] + counts["leaver"]
    new_flags = [True] * round(new_share * kpi_companies)
    new_flags += [False] * (kpi_companies - len(new_flags))
    rng.shuffle(new_flags)
    slots = []

    def before_start() -> datetime.date:
        return start - datetime.timedelta(days=rng.randint(60, 1100))

    for i in range(counts["continuing"]):
        new = new_flags[i]
        if not new:
            first = before_start()
        elif rng.random() < 0.7:
            first = start + datetime.timedelta(days=rng.randint(0, 90))
        else:
            latest = min(spec.reporting_end, datetime.date(TABLE8_YEAR, 4, 30), REFERENCE_DATE)
            if not spec.reported:
                latest = min(end, REFERENCE_DATE)
            first = _day(rng, start + datetime.timedelta(days=90), latest)
        slots.append({"role": "continuing", "kind": "company", "start": first, "new": new})
    for i in range(counts["leaver"]):
        new = new_flags[counts["continuing"] + i]
        if spec.reported:
            last_year = rng.randint(start.year, max(start.year, last_kpi_year))
        else:
            last_year = rng.choice((2019, 2020))
        if new:
            latest = datetime.date(last_year, 10, 31)
            if spec.reported:  # joined by the reporting date, to count in its KPI 1
                latest = min(latest, spec.reporting_end)
            first = _day(rng, start, max(start, latest))
        else:
            first = before_start()
        slots.append(
            {
                "role": "leaver",
                "kind": "company",
                "start": first,
                "end": datetime.date(last_year, 12, 31),
                "new": new,
            }
        )
    for _ in range(counts["joiner"]):
        first = _day(rng, datetime.date(TABLE8_YEAR, 1, 2), datetime.date(TABLE8_YEAR, 4, 30))
        slots.append({"role": "joiner", "kind": "company", "start": first, "new": True})
    for year in range(TABLE8_YEAR + 1, end.year + 1):
        if year > end.year or datetime.date(year, 1, 1) > end:
            continue
        for _ in range(round(LATE_SHARE * spec.members)):
            first = _day(rng, datetime.date(year, 1, 2), min(end, datetime.date(year, 6, 30)))
            slots.append({"role": "late", "kind": "company", "start": first, "new": True})
    kinds = [k for k, _w in PARTNER_KINDS]
    weights = [w for _k, w in PARTNER_KINDS]
    for _ in range(counts["partner"]):
        first = start if rng.random() < 0.6 else before_start()
        kind = rng.choices(kinds, weights)[0]
        slots.append({"role": "partner", "kind": kind, "start": first, "new": first >= start})
    stopped = spec.future_path == "stopped"
    for slot in slots:
        slot.setdefault("end", None)
        if slot["end"] is None and stopped:
            slot["end"] = datetime.date(end.year, 12, 31)  # the cluster stopped
        elif (
            slot["end"] is None
            and slot["role"] == "continuing"
            and end.year > TABLE8_YEAR + 1
            and rng.random() < 0.05
        ):
            slot["end"] = datetime.date(TABLE8_YEAR + 1, 12, 31)  # left after the report
    return slots


def build(plan: Plan, new_shares: dict[str, float], rng: random.Random) -> None:
    """Add the memberships of every cluster of the plan, with their organisations (not
    yet named: organisations.py gives them their attributes and names)."""
    slots = {s.code: _slots(s, new_shares[s.code], rng) for s in plan.specs}
    # Companies in two or more IBNs: only memberships active on the reference date
    # count for the report's figure, so those are the ones shared.
    eligible = {
        code: [
            i
            for i, slot in enumerate(rows)
            if slot["kind"] == "company"
            and slot["role"] in ("continuing", "joiner")
            and slot["start"] <= REFERENCE_DATE
            and (slot["end"] is None or slot["end"] >= REFERENCE_DATE)
        ]
        for code, rows in slots.items()
    }
    for code in eligible:
        rng.shuffle(eligible[code])
    assigned: dict[tuple[str, int], int] = {}
    for n_clusters, count in MULTI_MEMBERSHIPS:
        for _ in range(count):
            codes = _pick_clusters(eligible, n_clusters, rng)
            org = plan.new_org("company", home=plan.spec(codes[0]).source_code or codes[0])
            for code in codes:
                assigned[(code, eligible[code].pop())] = org.key
    partners = _partner_pool(plan)
    for spec in plan.specs:
        used_partners: set[int] = set()
        for i, slot in enumerate(slots[spec.code]):
            if slot["kind"] == "company":
                key = assigned.get((spec.code, i))
                if key is None:
                    key = plan.new_org("company", home=spec.source_code or spec.code).key
            else:
                choices = [o for o in partners[slot["kind"]] if o not in used_partners]
                key = rng.choice(choices or partners[slot["kind"]])
                used_partners.add(key)
            plan.memberships.append(
                Membership(
                    key=len(plan.memberships),
                    cluster=spec.code,
                    org=key,
                    start=slot["start"],
                    end=slot["end"],
                    role=slot["role"],
                    new=slot["new"],
                )
            )


def _pick_clusters(eligible: dict[str, list[int]], n: int, rng: random.Random) -> list[str]:
    codes = [c for c, rows in eligible.items() if len(rows) > 3]
    chosen: list[str] = []
    while len(chosen) < n:
        pool = [c for c in codes if c not in chosen]
        weights = [len(eligible[c]) for c in pool]
        chosen.append(rng.choices(pool, weights)[0])
    return chosen


def _partner_pool(plan: Plan) -> dict[str, list[int]]:
    """The knowledge institutions, federations, government bodies and others that the
    clusters share (organisations.py names them)."""
    from clustermonitor.demodata.sectors import (
        FEDERATION_NAMES,
        GOVERNMENT_NAMES,
        KNOWLEDGE_NAMES,
        OTHER_NAMES,
    )

    pool = {}
    for kind, names in (
        ("knowledge", KNOWLEDGE_NAMES),
        ("federation", FEDERATION_NAMES),
        ("government", GOVERNMENT_NAMES),
        ("other", OTHER_NAMES),
    ):
        pool[kind] = []
        for name in names:
            org = plan.new_org(kind)
            org.name = name if plan.copy == 1 else f"{name} ({plan.copy})"
            pool[kind].append(org.key)
    return pool


def ascii_slug(text: str, separator: str = "") -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return separator.join(words)


def add_contacts(plan: Plan, fake, rng: random.Random) -> None:
    """One to three contact persons per membership (fake names, addresses under the
    reserved .example domain)."""
    for membership in plan.memberships:
        org = plan.orgs[membership.org]
        domain = ascii_slug(org.name, "-")[:40].strip("-") or "org"
        for _ in range(rng.choices((1, 2, 3), (70, 25, 5))[0]):
            first, last = fake.first_name(), fake.last_name()
            email = f"{ascii_slug(first)}.{ascii_slug(last, '')}@{domain}.example"
            membership.contacts.append(
                Contact(
                    name=f"{first} {last}",
                    role=rng.choice(CONTACT_ROLES),
                    email=email,
                    phone=f"+32 {rng.randint(2, 9)} {rng.randint(100, 999)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                )
            )
