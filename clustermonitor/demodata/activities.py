"""Activities of the clusters and who took part.

Each IBN organises some 20 to 50 activities a year (more for more members) during its
agreement. Each member is *active* in a year (DESIGN §4: at least 2 distinct activities
of the cluster in the 12 months before the reference date) with a chance of 80 %, the
survey's "almost 80 %"; for the reference year the active members are allotted exactly
(80 % of each cluster's members on the reference date, with the 12-month window then
being calendar 2019). Inactive members come once or not at all. A few participants are
guests (no member of the organising cluster on that day) and a few were typed in a way
that could not be matched (they wait for review).
"""

from __future__ import annotations

import datetime
import random

from clustermonitor.demodata.calibrate import REFERENCE_DATE, TARGETS
from clustermonitor.demodata.plan import Activity, Membership, Participation, Plan
from clustermonitor.demodata.sectors import SECTORS

KINDS = (
    ("event", 24),
    ("workshop", 25),
    ("working_group", 20),
    ("training", 10),
    ("mission", 5),
    ("matchmaking", 8),
    ("steering_group", 8),
)
TITLES = {
    "event": ("Netwerkevent: {topic}", "Ledenbijeenkomst {cluster}", "Inspiratiesessie {topic}"),
    "workshop": ("Workshop {topic}", "Co-creatiesessie {topic}", "Hands-on sessie {topic}"),
    "working_group": ("Werkgroep {topic}",),
    "training": ("Opleiding {topic}", "Masterclass {topic}"),
    "mission": ("Handelsmissie {country}", "Beursbezoek {country}"),
    "matchmaking": ("Matchmaking {topic}", "Pitchsessie {topic}"),
    "steering_group": ("Stuurgroep {cluster}",),
}
COUNTRIES = ("Nederland", "Duitsland", "Frankrijk", "Denemarken", "Verenigd Koninkrijk")
JOINT_SHARE = 0.02
GUEST_CHANCE = 0.3
UNMATCHED_CHANCE = 0.02
#: An active member takes part in 2 + this many activities a year (about 5.6 on average).
EXTRA_WEIGHTS = (14, 14, 13, 12, 11, 10, 8, 7, 5, 4, 2)


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    for _ in range(10):
        day = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))
        if day.weekday() < 5 and day.month != 8:
            return day
    return day


def _title(kind: str, spec, rng) -> str:
    topics = SECTORS.get(spec.source_code or spec.code, ((), (), ("innovatie",)))[2]
    template = rng.choice(TITLES[kind])
    return template.format(
        topic=rng.choice(topics), cluster=spec.name, country=rng.choice(COUNTRIES)
    )


def build(plan: Plan, fake, rng: random.Random) -> None:
    by_cluster: dict[str, list[Membership]] = {}
    for m in plan.memberships:
        by_cluster.setdefault(m.cluster, []).append(m)
    kinds, weights = [k for k, _w in KINDS], [w for _k, w in KINDS]
    per_year: dict[tuple[str, int], list[Activity]] = {}
    for spec in plan.specs:
        members = by_cluster.get(spec.code, [])
        cities = [plan.orgs[m.org].city for m in members if plan.orgs[m.org].city]
        per_full_year = 18 + len(members) / 6
        others = [s for s in plan.specs if s.code != spec.code]
        for year in spec.years:
            first = max(spec.start, datetime.date(year, 1, 1))
            last = min(spec.end, datetime.date(year, 12, 31))
            n = max(1, round(per_full_year * ((last - first).days + 1) / 365))
            for _ in range(n):
                kind = rng.choices(kinds, weights)[0]
                day = _day(rng, first, last)
                clusters = [spec.code]
                if kind in ("event", "workshop") and rng.random() < JOINT_SHARE:
                    partners = [s for s in others if s.start <= day <= s.end]
                    if partners:
                        clusters.append(rng.choice(partners).code)
                activity = Activity(
                    key=len(plan.activities),
                    clusters=clusters,
                    title=_title(kind, spec, rng),
                    kind=kind,
                    date=day,
                    location="online" if rng.random() < 0.15 else rng.choice(cities or ["Brussel"]),
                    end_date=day + datetime.timedelta(days=rng.randint(1, 3))
                    if kind == "mission"
                    else None,
                )
                plan.activities.append(activity)
                per_year.setdefault((spec.code, year), []).append(activity)
        _participate(plan, spec, members, per_year, rng)
    _guests(plan, fake, rng)


def _participate(plan, spec, members, per_year, rng) -> None:
    ref_year = REFERENCE_DATE.year
    share = TARGETS["share_active"]

    def available(m: Membership, year: int) -> list[Activity]:
        return [
            a
            for a in per_year.get((spec.code, year), [])
            if m.start <= a.date and (m.end is None or a.date <= m.end)
        ]

    # The reference year: exactly the target share of the members on the reference date.
    on_ref = [m for m in members if m.active_on(REFERENCE_DATE)]
    able = [m for m in on_ref if len(available(m, ref_year)) >= 2]
    rng.shuffle(able)
    active_ref = {m.key for m in able[: round(share * len(on_ref))]}
    for m in members:
        for year in spec.years:
            if not m.active_in(year):
                continue
            options = available(m, year)
            if not options:
                continue
            if year == ref_year and m.active_on(REFERENCE_DATE):
                active = m.key in active_ref
            else:
                active = rng.random() < share
            if active:
                extra = rng.choices(range(11), EXTRA_WEIGHTS)[0]
                count = min(len(options), 2 + extra)
            else:
                count = min(len(options), rng.choice((0, 1)))
            for activity in rng.sample(options, count):
                contact = rng.randrange(len(m.contacts)) if m.contacts else None
                name = m.contacts[contact].name if contact is not None else ""
                plan.participations.append(
                    Participation(
                        activity=activity.key,
                        org=m.org,
                        membership=m.key,
                        contact=contact,
                        name=name,
                    )
                )


def _guests(plan: Plan, fake, rng: random.Random) -> None:
    """Participants from outside the organising clusters, and a few unmatched rows."""
    members_on: dict[str, list[Membership]] = {}
    for m in plan.memberships:
        members_on.setdefault(m.cluster, []).append(m)
    taken: dict[int, set[int]] = {}
    for p in plan.participations:
        taken.setdefault(p.activity, set()).add(p.org)
    companies = [o.key for o in plan.orgs if o.is_company]
    for activity in plan.activities:
        if rng.random() < GUEST_CHANCE:
            member_orgs = {
                m.org
                for code in activity.clusters
                for m in members_on.get(code, [])
                if m.active_on(activity.date)
            }
            for _ in range(rng.randint(1, 2)):
                org = rng.choice(companies)
                if org in member_orgs or org in taken.setdefault(activity.key, set()):
                    continue
                taken[activity.key].add(org)
                plan.participations.append(
                    Participation(
                        activity=activity.key,
                        org=org,
                        membership=None,
                        contact=None,
                        name=fake.name(),
                        is_guest=True,
                    )
                )
        if rng.random() < UNMATCHED_CHANCE:
            plan.participations.append(
                Participation(
                    activity=activity.key,
                    org=None,
                    membership=None,
                    contact=None,
                    name=fake.name(),
                    organisation_name=f"{fake.last_name()} {rng.choice(('bv', 'nv', 'BVBA'))}",
                    needs_review=True,
                )
            )
