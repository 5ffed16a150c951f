"""Member fees: one contribution per membership and calendar year of the agreement.

In TABLE8_YEAR the fees of a reported IBN are exactly the amounts `table8.solve` found
for its row of Table 8, handed out by size: the largest fee to the largest member (with
some noise, as real schedules have sponsors and exceptions). A member keeps its fee in
the other years; one that did not pay in the Table 8 year pays what members of its size
paid. The three IBNs without Table 8 use a schedule by size class. Fees of the last year
are partly still open (invoiced or expected), all earlier ones are paid.
"""

from __future__ import annotations

import datetime
import random
import statistics

from clustermonitor.demodata.calibrate import DATA_END, TABLE8_YEAR, fees_for
from clustermonitor.demodata.plan import Contribution, Membership, Org, Plan

#: Yearly fee per size class where Table 8 gives nothing (the IBNs without a report).
SCHEDULE = {"micro": 500, "small": 1000, "medium": 2500, "large": 5000, "unknown": 1000}
SPONSOR_FEE = 10_000
PARTNER_WEIGHT = {"knowledge": 60.0, "federation": 30.0, "government": 40.0, "other": 15.0}
TYPICAL_EMPLOYEES = {"micro": 4.0, "small": 25.0, "medium": 120.0, "large": 800.0, "unknown": 8}


class CalibrationError(RuntimeError):
    """The plan does not have the counts the figures need (a bug, not bad data)."""


def _score(org: Org, rng: random.Random) -> float:
    if org.is_company:
        latest = org.figures[-1][1] if org.figures else TYPICAL_EMPLOYEES[org.size]
        base = float(latest)
    else:
        base = PARTNER_WEIGHT[org.kind]
    return base * rng.lognormvariate(0, 0.6)


def _fees(plan: Plan, code: str, members: list[Membership], rng: random.Random) -> None:
    spec = plan.spec(code)
    solution = fees_for(spec.source_code or code)
    if solution is None:
        for m in members:
            org = plan.orgs[m.org]
            size = org.size if org.is_company else "medium"
            m.fee = SCHEDULE[size]
        for m in sorted(members, key=lambda m: -m.score)[:2]:
            m.fee = SPONSOR_FEE
        return
    paying = [m for m in members if m.active_in(TABLE8_YEAR)]
    if len(paying) != len(solution.amounts):
        raise CalibrationError(
            f"{code}: {len(paying)} members in {TABLE8_YEAR}, Table 8 has {len(solution.amounts)}"
        )
    ranked = sorted(paying, key=lambda m: -m.score)
    amounts = sorted(solution.amounts, reverse=True)
    for m, amount in zip(ranked, amounts, strict=True):
        m.fee = amount
    scores = sorted((m.score for m in ranked), reverse=True)
    for m in members:
        if m.active_in(TABLE8_YEAR):
            continue
        # The fee of the Table 8 payer with the nearest score, never the largest.
        position = sum(1 for s in scores if s > m.score)
        m.fee = amounts[min(max(position, solution_floor(amounts)), len(amounts) - 1)]


def solution_floor(amounts: list[int]) -> int:
    """The first position below the largest fees: a leaver was no main sponsor."""
    return sum(1 for a in amounts if a == amounts[0])


def _dates(
    m: Membership, year: int, rng: random.Random, reported_by: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """Invoice and payment dates of a year's fee. `reported_by`: the date the cluster's
    Table 7 figures were reported up to; a fee of a year up to then, of a member that had
    joined by then, is paid by then, so KPI 1 as known on that date (paid_on, issue 14)
    counts the members the report gave."""
    invoiced = datetime.date(year, 1, 15) + datetime.timedelta(days=rng.randint(0, 45))
    if m.start.year == year and m.start > invoiced - datetime.timedelta(days=10):
        invoiced = m.start + datetime.timedelta(days=rng.randint(5, 30))
    paid = min(DATA_END, invoiced + datetime.timedelta(days=rng.randint(7, 75)))
    if reported_by is not None and year <= reported_by.year and m.start <= reported_by:
        invoiced = max(m.start, min(invoiced, reported_by))
        paid = max(invoiced, min(paid, reported_by))
    return invoiced, paid


def build(plan: Plan, rng: random.Random) -> None:
    by_cluster: dict[str, list[Membership]] = {}
    for m in plan.memberships:
        by_cluster.setdefault(m.cluster, []).append(m)
    for spec in plan.specs:
        members = by_cluster.get(spec.code, [])
        for m in members:
            m.score = _score(plan.orgs[m.org], rng)
        _fees(plan, spec.code, members, rng)
        last_year = spec.years[-1]
        for year in spec.years:
            payers = [m for m in members if m.active_in(year)]
            for m in payers:
                invoiced, paid = _dates(m, year, rng, spec.reporting_end if spec.reported else None)
                status = "paid"
                if year == last_year and year > TABLE8_YEAR + 1:
                    status = rng.choices(("paid", "invoiced", "expected"), (90, 7, 3))[0]
                plan.contributions.append(
                    Contribution(
                        membership=m.key,
                        year=year,
                        amount=m.fee,
                        status=status,
                        invoiced_on=invoiced if status != "expected" else None,
                        paid_on=paid if status == "paid" else None,
                    )
                )
            plan.fee_schedules[(spec.code, year)] = _schedule(plan, payers)


def _schedule(plan: Plan, payers: list[Membership]) -> dict[str, int]:
    """The fee most members of each size class paid ('' = everyone else: the median)."""
    tiers: dict[str, int] = {}
    by_size: dict[str, list[int]] = {}
    for m in payers:
        org = plan.orgs[m.org]
        if org.is_company and org.size != "unknown":
            by_size.setdefault(org.size, []).append(m.fee)
    for size, fees in by_size.items():
        tiers[size] = statistics.mode(sorted(fees))
    if payers:
        fees = sorted(m.fee for m in payers)
        tiers[""] = fees[len(fees) // 2]
    return tiers
