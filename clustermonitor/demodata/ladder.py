"""The demo's professional cluster management and aftercare (issue 21): a management team
for every cluster, the status after the term of the clusters whose term has ended, and
their yearly follow-ups, through the maturity services (their rules, audited).

- **Team**: each cluster's management organisation has a cluster manager (0.6–1.0 FTE
  from the cluster's start), an innovation or project manager (0.4–0.8 FTE, from a few
  months in) and, for two in three clusters, someone for community and communication
  (0.2–0.5 FTE); the SPCs (spearhead clusters, larger) also someone for international
  relations. A third of the innovation managers changed halfway through the term (one
  assignment ends, a new person starts). Trainings: one or two a year for the cluster
  managers, drawn from a fixed list.
- **Aftercare**: a cluster whose term has ended gets the status its exit plan's path
  points to (continues independently → own funds; merges into an SPC → integrated into
  that SPC; stops → stopped; integrates into another organisation or ad-hoc financing →
  own funds, with the plan's words in the note) from the day after its end, and for every
  full year since, a follow-up counted from the records known at the year's end.

Deterministic for a seed; a second load writes nothing (the names are fixed per cluster
and seed, and every save of an unchanged row is a no-op: core.audit.save).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from faker import Faker

from clustermonitor.core import audit
from clustermonitor.demodata.loader import DEFAULT_SEED
from clustermonitor.maturity import aftercare, staff
from clustermonitor.maturity.models import ExitPath, ExitPlan
from clustermonitor.maturity.models_ladder import (
    Aftercare,
    StaffAssignment,
    StaffMember,
    Training,
)
from clustermonitor.programmes.models import Cluster

Role = StaffAssignment.Role

TRAININGS = (
    ("Cluster Management Excellence", "ESCA"),
    ("Clustermanagement in de praktijk", "VLAIO"),
    ("Internationalisering voor clusters", "Enterprise Europe Network"),
    ("Facilitatie van co-creatie", "Flanders Make Academy"),
    ("Financiering van innovatieprojecten", "VLAIO"),
    ("Datagedreven ledenwerking", "imec.academy"),
)
QUALIFICATIONS = (
    "Master handelsingenieur",
    "Master industrieel ingenieur",
    "Master bio-ingenieur",
    "Master economie; ESCA-certificaat clustermanagement",
    "Bachelor marketing",
    "Master communicatiewetenschappen",
    "Doctoraat chemie",
)
#: The status after the term that an exit plan's path points to.
STATUS_OF_PATH = {
    ExitPath.INDEPENDENT: Aftercare.Status.OWN_FUNDS,
    ExitPath.INTEGRATED: Aftercare.Status.OWN_FUNDS,
    ExitPath.ADHOC: Aftercare.Status.OWN_FUNDS,
    ExitPath.MERGES_SPC: Aftercare.Status.INTEGRATED_SPC,
    ExitPath.STOPS: Aftercare.Status.STOPPED,
}


def _months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def _fte(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high) * 10) / 10))


def _person(actor, cluster, name: str, qualifications: str) -> StaffMember:
    found = StaffMember.objects.filter(cluster=cluster, name=name).first()
    if found is not None:
        return found
    return staff.save_staff_member(
        actor, StaffMember(cluster=cluster, name=name, qualifications=qualifications)
    )


def _assign(actor, person, role, start, end, fte) -> None:
    if StaffAssignment.objects.filter(staff=person, role=role, start_date=start).exists():
        return
    staff.save_assignment(
        actor,
        StaffAssignment(staff=person, role=role, start_date=start, end_date=end, fte=fte),
    )


def _team(actor, cluster: Cluster, today: datetime.date, seed: int) -> int:
    rng = random.Random(f"clustermonitor-demo-team:{seed}:{cluster.code}")
    fake = Faker("nl_BE")
    fake.seed_instance(f"{seed}:{cluster.code}")
    start, end = cluster.start_date, min(cluster.end_date, today)
    people = 0
    manager = _person(actor, cluster, fake.name(), rng.choice(QUALIFICATIONS))
    _assign(actor, manager, Role.MANAGER, start, None if end == today else end, _fte(rng, 0.6, 1.0))
    people += 1
    innovation = _person(actor, cluster, fake.name(), rng.choice(QUALIFICATIONS))
    first_day = _months(start, rng.randint(1, 6))
    halfway = start + (cluster.end_date - start) / 2
    changed = rng.random() < 1 / 3 and halfway < end
    _assign(
        actor,
        innovation,
        Role.PROJECT,
        first_day,
        halfway if changed else None,
        _fte(rng, 0.4, 0.8),
    )
    people += 1
    if changed:
        successor = _person(actor, cluster, fake.name(), rng.choice(QUALIFICATIONS))
        _assign(
            actor,
            successor,
            Role.PROJECT,
            halfway + datetime.timedelta(days=1),
            None,
            _fte(rng, 0.4, 0.8),
        )
        people += 1
    if rng.random() < 2 / 3:
        community = _person(actor, cluster, fake.name(), rng.choice(QUALIFICATIONS))
        _assign(actor, community, Role.COMMUNITY, _months(start, 3), None, _fte(rng, 0.2, 0.5))
        people += 1
    if cluster.cluster_type.code == "SPC":
        abroad = _person(actor, cluster, fake.name(), rng.choice(QUALIFICATIONS))
        _assign(actor, abroad, Role.INTERNATIONAL, _months(start, 6), None, _fte(rng, 0.3, 0.6))
        people += 1
    year = start.year
    while datetime.date(year, 11, 15) <= today and year <= end.year:
        for _ in range(rng.randint(1, 2)):
            title, provider = rng.choice(TRAININGS)
            day = datetime.date(year, rng.randint(2, 11), rng.randint(1, 28))
            if day < start or day > today:
                continue
            if not Training.objects.filter(staff=manager, title=title, completed_on=day).exists():
                staff.add_training(
                    actor,
                    Training(
                        staff=manager,
                        title=title,
                        provider=provider,
                        completed_on=day,
                        hours=Decimal(rng.choice((7, 14, 21, 35))),
                    ),
                )
        year += 1
    return people


def _aftercare(actor, cluster: Cluster, plan: ExitPlan | None, today: datetime.date) -> int:
    if not aftercare.term_ended(cluster, today) or hasattr(cluster, "aftercare"):
        return 0
    path = plan.path if plan is not None else ExitPath.INDEPENDENT
    status = STATUS_OF_PATH.get(path, Aftercare.Status.OWN_FUNDS)
    into = plan.spc if plan is not None and status == Aftercare.Status.INTEGRATED_SPC else None
    if status == Aftercare.Status.INTEGRATED_SPC and into is None:
        status = Aftercare.Status.OWN_FUNDS
    note = ""
    if plan is not None and plan.path in (ExitPath.INTEGRATED, ExitPath.ADHOC):
        note = f"{plan.get_path_display()}: {plan.organisation or plan.business_model}"[:500]
    record = Aftercare(
        cluster=cluster,
        status=status,
        since=cluster.end_date + datetime.timedelta(days=1),
        into=into,
        note=note,
    )
    aftercare.save_aftercare(actor, record, today)
    follow_ups = 0
    if status != Aftercare.Status.STOPPED:
        for year in aftercare.follow_up_years(cluster, today):
            aftercare.count_from_records(actor, cluster, year, today)
            follow_ups += 1
    return follow_ups


def load(seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> dict:
    """Teams for every cluster, aftercare for those whose term has ended; counts."""
    from django.utils import timezone

    today = today or timezone.localdate()
    actor = audit.Actor.system("demo")
    counts = {"staff members": 0, "aftercare": 0, "follow-ups": 0}
    clusters = list(
        Cluster.objects.select_related("cluster_type")
        .filter(start_date__lte=today)
        .order_by("code")
    )
    plans = {p.cluster_id: p for p in ExitPlan.objects.select_related("spc")}
    with transaction.atomic():
        for cluster in clusters:
            if StaffMember.objects.filter(cluster=cluster).exists():
                continue  # a cluster's team is kept once, by whoever recorded it
            counts["staff members"] += _team(actor, cluster, today, seed)
        for cluster in clusters:
            before = Aftercare.objects.filter(cluster=cluster).exists()
            follow_ups = _aftercare(actor, cluster, plans.get(cluster.pk), today)
            if not before and Aftercare.objects.filter(cluster=cluster).exists():
                counts["aftercare"] += 1
            counts["follow-ups"] += follow_ups
    return counts
