"""Record-level demo data that mirrors the 2020 evaluation (docs/demo.md).

`load(seed=2020, scale=1)` adds, on top of the real reference portfolio (which must be
loaded first), fake member organisations, memberships, contacts, contributions, fee
schedules, activities and participation, collaborations, progress reports, exit plans
and readiness assessments, and the member survey's wave with its invitations and
responses (survey.py), calibrated so that the platform's own analysis reproduces the
report's published figures (calibrate.py; tests/test_demo_data.py and
tests/test_demo_survey.py check them).

Deterministic: the same seed gives the same records (random.Random and Faker, both
seeded). Idempotent: when the IBNs already hold member records — the demo's or real
ones — nothing is written. `scale=N` adds N − 1 copies of the 20 IBNs (codes suffixed
-2, -3, ...) with their own records, for load tests (`clustermonitor generate`).

The member survey is one wave for all copies: each copy adds its IBNs' invitations.
"""

from __future__ import annotations

import random
import time

from django.db import transaction
from faker import Faker

from clustermonitor.core import audit
from clustermonitor.demodata import (
    activities,
    collaborations,
    contributions,
    members,
    organisations,
    reports,
)
from clustermonitor.demodata import maturity as maturity_data
from clustermonitor.demodata import survey as survey_data
from clustermonitor.demodata.calibrate import cluster_specs, new_shares
from clustermonitor.demodata.plan import Plan
from clustermonitor.demodata.writer import VIA, Writer

DEFAULT_SEED = 2020


class DemoDataError(RuntimeError):
    """The demo cannot be loaded (e.g. the reference portfolio is missing)."""


def build_plan(seed: int = DEFAULT_SEED, copy: int = 1, used_numbers: set[str] | None = None):
    """Every record of one copy of the programme, as plain Python (no database)."""
    specs = list(cluster_specs())
    if copy > 1:
        specs = [s.copy(copy) for s in specs]
    rng = random.Random(f"clustermonitor-demo:{seed}:{copy}")
    fake = Faker("nl_BE")
    fake.seed_instance(seed * 1000 + copy)
    plan = Plan(seed=seed, copy=copy, specs=specs)
    members.build(plan, new_shares(specs), rng)
    organisations.assign_attributes(plan, rng)
    organisations.name_all(plan, fake, rng, used_numbers if used_numbers is not None else set())
    members.add_contacts(plan, fake, rng)
    contributions.build(plan, rng)
    activities.build(plan, fake, rng)
    collaborations.build(plan, rng)
    return plan


def _used_numbers() -> set[str]:
    from clustermonitor.registry.models import Organisation

    return set(
        Organisation.objects.exclude(enterprise_number__isnull=True).values_list(
            "enterprise_number", flat=True
        )
    )


def is_loaded() -> bool:
    """Whether the programme's IBNs hold member records already (demo or real)."""
    from clustermonitor.members.models import Membership

    return Membership.objects.filter(cluster__code__in=[s.code for s in cluster_specs()]).exists()


def load(seed: int = DEFAULT_SEED, scale: int = 1, *, log=None, workflow=None) -> dict:
    """Load the demo (copy 1) and, for `scale` > 1, copies 2..scale. Returns a summary:
    what was written per copy, and the seconds each step took.

    `workflow`: the codes of the clusters that get progress reports, exit plans and
    assessments (every IBN by default; the tests pass a few, as these go through the
    audited services one by one and take most of the time)."""
    from clustermonitor.programmes.models import Cluster

    say = log or (lambda _text: None)
    specs = list(cluster_specs())
    if Cluster.objects.filter(code__in=[s.code for s in specs]).count() != len(specs):
        raise DemoDataError("Load the reference portfolio first (clustermonitor load-reference).")
    programme = Cluster.objects.get(code=specs[0].code).programme
    summary: dict = {"seed": seed, "scale": scale, "copies": {}, "seconds": {}}
    if is_loaded():
        summary["skipped"] = "the IBNs already hold member records"
    else:
        with transaction.atomic():
            summary["copies"][1] = _load_copy(seed, 1, specs, programme, summary, say, workflow)
    numbers = [
        n
        for n in range(2, scale + 1)
        if not Cluster.objects.filter(code=f"{specs[0].code}-{n}").exists()
    ]
    if numbers:
        from clustermonitor.demodata.scale import clone_clusters

        with transaction.atomic():
            total: dict[str, int] = {}
            for number in numbers:
                clone_clusters(specs, number)
                counts = _load_copy(seed, number, specs, programme, summary, say)
                summary["copies"][number] = counts
                for key, value in counts.items():
                    total[key] = total.get(key, 0) + value
            run_entry(programme, seed, numbers, total)
    return summary


def run_entry(programme, seed: int, numbers: list[int], counts: dict[str, int]) -> None:
    """The one audit entry of a `generate` run: what it wrote, for which copies."""
    from django.contrib.contenttypes.models import ContentType

    from clustermonitor.core.models import AuditEntry

    AuditEntry.objects.create(
        via=VIA,
        action=AuditEntry.Action.CREATE,
        content_type=ContentType.objects.get_for_model(programme),
        object_id=str(programme.pk),
        object_repr=f"{programme}: demo data, copies {numbers[0]}–{numbers[-1]}"[:200],
        after={"seed": seed, "copies": numbers, **counts},
        note=f"clustermonitor generate: {len(numbers)} copies of the 20 IBNs, seed {seed}",
    )


def _timed(summary: dict, step: str, started: float) -> float:
    now = time.perf_counter()
    summary["seconds"][step] = round(summary["seconds"].get(step, 0) + now - started, 2)
    return now


def _load_copy(seed, number, specs, programme, summary, say, workflow=None) -> dict:
    started = time.perf_counter()
    say(f"Building copy {number} of the programme (seed {seed}) ...")
    plan = build_plan(seed, number, _used_numbers())
    started = _timed(summary, "plan", started)
    audit_mode = "stage" if number == 1 else "run"
    note = f"demo data, seed {seed}, copy {number} (clustermonitor.demodata)"
    counts = Writer(plan, audit_mode=audit_mode, note=note).write()
    started = _timed(summary, "write", started)
    say("Member survey ...")
    codes = [s.code for s in plan.specs]
    counts |= survey_data.load(programme, codes, seed=seed, copy=number, audit_mode=audit_mode)
    started = _timed(summary, "survey", started)
    if number == 1:
        actor = audit.Actor.system(VIA)
        say("Progress reports ...")
        fake = Faker("nl_BE")
        fake.seed_instance(seed)
        chosen = [s for s in plan.specs if workflow is None or s.code in workflow]
        counts["progress reports"], managers, agency = reports.load(actor, chosen, fake)
        started = _timed(summary, "reports", started)
        say("Exit plans and assessments ...")
        rng = random.Random(f"clustermonitor-demo-maturity:{seed}")
        counts.update(maturity_data.load(managers, agency, chosen, programme, rng))
        _timed(summary, "maturity", started)
    return counts
