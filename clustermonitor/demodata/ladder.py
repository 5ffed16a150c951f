"""The demo's maturity ladder, labels, professional cluster management and aftercare
(issue 21): the programme's ladder and labels, every cluster's level and the labels some
hold, a management team for every cluster, the status after the term of the clusters
whose term has ended and their yearly follow-ups — all through the maturity services
(their rules, audited).

- **Ladder** (Norway's Arena → NCE → GCE, each with a shipped criteria set): *Arena*
  (Norway's entry criteria; up to EUR 150,000 a year for 3 years), *NCE* (Norway's growth
  criteria; at least 24 months at Arena; up to EUR 300,000 a year for 5 years) and *GCE*
  (the Catalan-style accreditation; at least 36 months at NCE; up to EUR 500,000 a year
  for 10 years). Every IBN starts at Arena and every SPC at NCE on its start date; the
  IBNs whose assessment against Norway's growth criteria (the demo's readiness
  assessments) was made at least 24 months after their start, fails no criterion and
  passes three are promoted to NCE a fortnight after it, on that assessment, with a
  motivation (five of them); the others stay at Arena.
- **Labels**: ESCA's Bronze, Silver and Gold (valid 24 months; the use after the term
  as ESCA allows it). Every SPC holds Silver from a year after its start, renewed every
  two years up to today; the promoted IBNs hold Bronze from their promotion, and the
  first of them (by code) a renewal that expires 60 days from the load, so the inbox
  warns.

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
from clustermonitor.maturity import aftercare, ladder, staff
from clustermonitor.maturity.models import Assessment, CriteriaSet, ExitPath, ExitPlan
from clustermonitor.maturity.models_ladder import (
    Aftercare,
    Label,
    LabelAward,
    Level,
    LevelDecision,
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


#: The ladder: code, Dutch and English name, the shipped set's English name, minimum months
#: at the level before, subsidy ceiling per year, longest term in years.
LEVELS = (
    ("arena", "Arena (startend netwerk)", "Arena (emerging network)", "Norway Arena entry",
     0, 150_000, 3),
    ("nce", "NCE (gevestigde cluster)", "NCE (established cluster)", "Norway growth",
     24, 300_000, 5),
    ("gce", "GCE (cluster van wereldklasse)", "GCE (global centre of expertise)",
     "Accreditation (Catalonia style)", 36, 500_000, 10),
)  # fmt: skip
LABELS = (("esca-bronze", "ESCA Bronze", 1), ("esca-silver", "ESCA Silver", 2),
          ("esca-gold", "ESCA Gold", 3))  # fmt: skip
#: An IBN is promoted on a growth assessment that fails no criterion and passes this many.
PROMOTION_PASSES = 3
USE_AFTER_TERM = (
    "Het label mag gebruikt worden zolang het geldig is, ook na het einde van de "
    "overeenkomst, met de datum van toekenning; daarna niet meer zonder nieuwe beoordeling."
)


def _ladder(actor, programme) -> dict[str, Level]:
    sets = {
        cs.name_en: cs
        for cs in CriteriaSet.objects.filter(programme=programme, status="published").order_by(
            "version"
        )
    }
    made = {}
    for order, (code, name, name_en, set_name, months, ceiling, years) in enumerate(LEVELS, 1):
        level = Level.objects.filter(programme=programme, code=code).first()
        if level is None:
            level = ladder.save_level(
                actor,
                Level(
                    programme=programme,
                    order=order,
                    code=code,
                    name=name,
                    name_en=name_en,
                    criteria_set=sets.get(set_name),
                    min_months=months,
                    max_annual_subsidy=Decimal(ceiling),
                    max_years=years,
                ),
            )
        made[code] = level
    return made


def _labels(actor, programme) -> dict[str, Label]:
    made = {}
    for code, name, rank in LABELS:
        label = Label.objects.filter(programme=programme, code=code).first()
        if label is None:
            label = ladder.save_label(
                actor,
                Label(
                    programme=programme,
                    code=code,
                    name=name,
                    issuer="European Secretariat for Cluster Analysis (ESCA)",
                    rank=rank,
                    validity_months=24,
                    use_after_term=USE_AFTER_TERM,
                ),
            )
        made[code] = label
    return made


def _levels_and_labels(actor, clusters, today: datetime.date) -> dict:
    counts = {"level decisions": 0, "label awards": 0}
    if not clusters:
        return counts
    programme = clusters[0].programme
    levels, labels = _ladder(actor, programme), _labels(actor, programme)
    growth = levels["nce"].criteria_set
    for cluster in clusters:
        if LevelDecision.objects.filter(cluster=cluster).exists():
            continue  # a cluster's decisions are kept once, by whoever took them
        spc = cluster.cluster_type.code == "SPC"
        ladder.decide_level(
            actor,
            cluster,
            level=levels["nce" if spc else "arena"],
            kind=LevelDecision.Kind.START,
            decided_on=cluster.start_date,
            effective_from=cluster.start_date,
            motivation="Instap bij de start van de overeenkomst.",
        )
        counts["level decisions"] += 1
        if spc:
            awarded = _months(cluster.start_date, 12)
            while awarded <= today:
                ladder.award_label(
                    actor, cluster, label=labels["esca-silver"], awarded_on=awarded,
                    reference=f"ESCA-S-{cluster.code}-{awarded.year}",
                )  # fmt: skip
                counts["label awards"] += 1
                awarded = _months(awarded, 24)
            continue
        assessment = (
            Assessment.objects.filter(cluster=cluster, criteria_set=growth)
            .order_by("assessed_on", "pk")
            .first()
            if growth is not None
            else None
        )
        if assessment is None or assessment.assessed_on < _months(cluster.start_date, 24):
            continue
        outcomes = [answer.outcome for answer in assessment.answers.select_related("criterion")]
        if "fail" in outcomes or outcomes.count("pass") < PROMOTION_PASSES:
            continue  # not ready: it stays at Arena
        promoted_on = assessment.assessed_on + datetime.timedelta(days=14)
        if promoted_on > today:
            continue
        ladder.decide_level(
            actor,
            cluster,
            level=levels["nce"],
            kind=LevelDecision.Kind.PROMOTION,
            decided_on=promoted_on,
            effective_from=promoted_on,
            motivation=(
                "Beoordeeld tegen de groeicriteria op "
                f"{assessment.assessed_on:%d/%m/%Y}: de cluster heeft een stabiele "
                "ledenbasis en een groeiende samenwerking; door naar NCE."
            ),
            assessment=assessment,
        )
        counts["level decisions"] += 1
        ladder.award_label(
            actor, cluster, label=labels["esca-bronze"], awarded_on=promoted_on,
            reference=f"ESCA-B-{cluster.code}-{promoted_on.year}",
        )  # fmt: skip
        counts["label awards"] += 1
    # The first promoted IBN's Bronze runs out soon: renewed so that it expires in 60 days.
    first = (
        LabelAward.objects.filter(label=labels["esca-bronze"])
        .order_by("cluster__code", "awarded_on")
        .select_related("cluster")
        .first()
    )
    if (
        first is not None
        and not LabelAward.objects.filter(
            cluster=first.cluster, label=labels["esca-bronze"], valid_until__gt=today
        ).exists()
    ):
        ladder.award_label(
            actor,
            first.cluster,
            label=labels["esca-bronze"],
            awarded_on=today - datetime.timedelta(days=670),
            valid_until=today + datetime.timedelta(days=60),
            reference=f"ESCA-B-{first.cluster.code}-renewal",
        )
        counts["label awards"] += 1
    return counts


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
        counts.update(_levels_and_labels(actor, clusters, today))
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
