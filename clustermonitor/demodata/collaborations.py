"""Collaboration initiatives with their parties and dated history.

Per reported IBN exactly Table 7's number of collaborations counts for KPI 3 at the date
it was reported up to (DESIGN §4: at least 3 distinct companies among the parties,
reached *started* within the agreement, up to the reporting date; an intercluster
project counts for each of its clusters). Beside those, as a cluster's real pipeline
has them: initiatives started after the reporting date, bilateral ones (2 companies: no
KPI 3), ones that stopped (with the reason) and ones still being prepared. A few
generated ones are shared by two clusters. The real intercluster projects of Table 10
come with the reference data and are left as they are.
"""

from __future__ import annotations

import datetime
import random

from clustermonitor.demodata.calibrate import DATA_END, TARGET_ATTAINMENT
from clustermonitor.demodata.plan import Collaboration, Membership, Plan, Step
from clustermonitor.demodata.sectors import SECTORS

#: Pairs of IBNs that worked together (after Table 10's pairs, and neighbours in domain).
PAIRS = (
    ("EUKA", "BOUWIND"),
    ("BIM", "DIGMAN"),
    ("FLAG", "DIGMAN"),
    ("GLV", "DIGMAN"),
    ("COMP", "OFFSH"),
    ("OFFSH", "P2G"),
    ("DIGMAN", "COAT"),
    ("BIM", "BOUWIND"),
    ("MAAS", "IOT4S"),
    ("BEACON", "IOT4S"),
)
LATER_SHARE, BILATERAL_SHARE, STOPPED_SHARE, PENDING_SHARE = 0.15, 0.08, 0.06, 0.05
INSTRUMENTS = (
    ("vis", 12, (200_000, 1_200_000)),
    ("coock", 8, (200_000, 900_000)),
    ("icon", 14, (500_000, 3_000_000)),
    ("efro", 5, (300_000, 2_000_000)),
    ("proeftuin", 4, (300_000, 1_500_000)),
    ("esf_scope", 3, (50_000, 300_000)),
    ("eu", 10, (1_000_000, 6_000_000)),
    ("own", 38, (20_000, 300_000)),
    ("other", 6, (50_000, 500_000)),
)
PURPOSES = {
    "research": ("Onderzoek naar", "Ontwikkeling van", "Haalbaarheidsstudie"),
    "testing": ("Pilootproject", "Living lab", "Demonstrator", "Proeftuin"),
    "market": ("Gezamenlijke marktbenadering:", "Exportplatform", "Gezamenlijk aanbod:"),
    "competence": ("Opleidingstraject", "Competentieplan"),
    "standards": ("Gemeenschappelijke standaard voor", "Datastandaard voor"),
    "roadmap": ("Roadmap", "Strategische agenda"),
    "other": ("Samenwerking rond",),
}
PURPOSE_WEIGHTS = (30, 25, 15, 10, 8, 7, 5)
STOP_REASONS = (("expectations", 35), ("finance", 35), ("commitment", 25), ("other", 5))
STOP_NOTES = {
    "expectations": "De partners zagen de toepassing te verschillend.",
    "finance": "Geen financiering gevonden voor het vervolg.",
    "commitment": "De trekker haakte af; geen andere partner nam over.",
    "other": "Opgegaan in een breder project van een van de partners.",
}


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


class _Builder:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan, self.rng = plan, rng
        self.members: dict[str, list[Membership]] = {}
        for m in plan.memberships:
            self.members.setdefault(m.cluster, []).append(m)
        self.titles: set[str] = set()

    def companies(self, code: str, day: datetime.date) -> list[int]:
        return sorted(
            {
                m.org
                for m in self.members.get(code, [])
                if self.plan.orgs[m.org].is_company and m.active_on(day)
            }
        )

    def knowledge(self, code: str) -> list[int]:
        own = [
            m.org for m in self.members.get(code, []) if self.plan.orgs[m.org].kind == "knowledge"
        ]
        return own or [o.key for o in self.plan.orgs if o.kind == "knowledge"]

    def title(self, spec, purpose: str) -> str:
        rng = self.rng
        topics = SECTORS.get(spec.source_code or spec.code, ((), (), ("innovatie",)))[2]
        base = f"{rng.choice(PURPOSES[purpose])} {rng.choice(topics)}"
        title, n = base, 2
        while title in self.titles:
            title, n = f"{base} (fase {n})", n + 1
        self.titles.add(title)
        return title

    def add(self, specs, kind: str, start: datetime.date | None, n_companies: int) -> bool:
        """One collaboration of `kind` (started, stopped, pending) of the clusters in
        `specs`, started on `start` (started ones) or first noted then (others)."""
        rng = self.rng
        day = start
        pools = [self.companies(s.code, day) for s in specs]
        if sum(len(p) for p in pools) < n_companies:
            return False
        chosen: list[int] = []
        for pool in pools:  # at least one company of each cluster
            options = [o for o in pool if o not in chosen]
            if options:
                chosen.append(rng.choice(options))
        everyone = sorted({o for p in pools for o in p} - set(chosen))
        chosen += rng.sample(everyone, max(0, n_companies - len(chosen)))
        if len(set(chosen)) < n_companies:
            return False
        parties = [(org, "lead" if i == 0 else "partner") for i, org in enumerate(chosen)]
        if rng.random() < 0.4:
            parties.append((rng.choice(self.knowledge(specs[0].code)), "knowledge"))
        if rng.random() < 0.15 and len(parties) > 3:
            parties[-2] = (parties[-2][0], rng.choice(("end_user", "subcontractor")))
        names, weights = [i[0] for i in INSTRUMENTS], [i[1] for i in INSTRUMENTS]
        instrument = rng.choices(names, weights)[0]
        low, high = next(i[2] for i in INSTRUMENTS if i[0] == instrument)
        budget = round(rng.uniform(low, high), -3)
        funded = instrument not in ("own", "other")
        grant = round(budget * rng.uniform(0.4, 0.7), -3) if funded else None
        purpose = rng.choices(list(PURPOSES), PURPOSE_WEIGHTS)[0]
        steps, end, decision, real_start = self._steps(kind, day, funded)
        if kind == "stopped" and funded and any(s.stage == "submitted" for s in steps):
            decision = "rejected" if steps[-1].reason == "finance" else ""
        topic_spec = specs[0]
        self.plan.collaborations.append(
            Collaboration(
                key=len(self.plan.collaborations),
                clusters=[s.code for s in specs],
                title=self.title(topic_spec, purpose),
                description=(
                    f"Initiatief van {len(chosen)} bedrijven"
                    + (" en een kennisinstelling" if parties[-1][1] == "knowledge" else "")
                    + f", opgezet binnen {' en '.join(s.name for s in specs)}."
                ),
                nature="operational" if purpose == "market" and rng.random() < 0.6 else "project",
                value_chain=rng.choices(("within", "outside"), (70, 30))[0],
                purpose=purpose,
                instrument=instrument,
                decision=decision,
                budget=int(budget),
                grant=int(grant) if grant is not None else None,
                start=real_start,
                end=end,
                steps=steps,
                parties=parties,
            )
        )
        return True

    def _steps(self, kind: str, day: datetime.date, funded: bool):
        rng = self.rng
        if kind == "started":
            idea = day - datetime.timedelta(days=rng.randint(90, 420))
            steps = [Step("idea", idea)]
            cursor = idea
            for stage in ("exploring", "defined"):
                if rng.random() < 0.6:
                    cursor = min(day, cursor + datetime.timedelta(days=rng.randint(20, 80)))
                    steps.append(Step(stage, cursor))
            if funded:
                cursor = max(cursor, day - datetime.timedelta(days=rng.randint(20, 100)))
                steps.append(Step("submitted", cursor))
            steps.append(Step("started", day))
            end = day + datetime.timedelta(days=rng.randint(270, 1100))
            if end <= DATA_END:
                steps.append(Step("completed", end))
            return steps, end, "approved" if funded else "", day
        steps = [Step("idea", day)]
        cursor = day
        stages = ["exploring", "defined"] + (["submitted"] if funded else [])
        depth = rng.randint(1 if kind == "stopped" else 0, len(stages))
        for stage in stages[:depth]:
            cursor = min(DATA_END, cursor + datetime.timedelta(days=rng.randint(20, 120)))
            steps.append(Step(stage, cursor))
        if kind == "stopped":
            names, weights = [r[0] for r in STOP_REASONS], [r[1] for r in STOP_REASONS]
            reason = rng.choices(names, weights)[0]
            cursor = min(DATA_END, cursor + datetime.timedelta(days=rng.randint(20, 200)))
            steps.append(Step("stopped", cursor, reason=reason, note=STOP_NOTES[reason]))
        return steps, None, "", None


def build(plan: Plan, rng: random.Random) -> None:
    builder = _Builder(plan, rng)
    by_source = {s.source_code or s.code: s for s in plan.specs}
    quota = {
        s.code: s.collaborations if s.reported else round(s.collaborations * TARGET_ATTAINMENT)
        for s in plan.specs
    }

    def window(spec) -> tuple[datetime.date, datetime.date]:
        return spec.start, spec.reporting_end

    def sizes() -> int:
        return 3 + rng.choices(range(6), (30, 25, 18, 12, 8, 7))[0]

    for a_code, b_code in PAIRS:
        a, b = by_source.get(a_code), by_source.get(b_code)
        if a is None or b is None:
            continue
        first = max(window(a)[0], window(b)[0])
        last = min(window(a)[1], window(b)[1], DATA_END)
        if first > last or quota[a.code] < 1 or quota[b.code] < 1:
            continue
        if builder.add([a, b], "started", _day(rng, first, last), sizes()):
            quota[a.code] -= 1
            quota[b.code] -= 1
    for spec in plan.specs:
        first, last = window(spec)
        target = spec.collaborations
        made = attempts = 0
        while made < quota[spec.code]:
            attempts += 1
            if attempts > 50 * (quota[spec.code] + 1):
                raise RuntimeError(f"{spec.code}: too few companies for KPI 3's collaborations")
            if builder.add([spec], "started", _day(rng, first, last), sizes()):
                made += 1
        if spec.reported and spec.reporting_end < spec.end:
            after = spec.reporting_end + datetime.timedelta(days=1)
            for _ in range(round(LATER_SHARE * target)):
                builder.add([spec], "started", _day(rng, after, min(spec.end, DATA_END)), sizes())
        for _ in range(round(BILATERAL_SHARE * target) + 1):
            builder.add([spec], "started", _day(rng, first, last), 2)
        for _ in range(round(STOPPED_SHARE * target) + 1):
            builder.add([spec], "stopped", _day(rng, spec.start, spec.end), rng.randint(2, 5))
        for _ in range(round(PENDING_SHARE * target)):
            late = max(spec.start, spec.end - datetime.timedelta(days=300))
            builder.add([spec], "pending", _day(rng, late, spec.end), rng.randint(2, 4))
