"""The grant cycle's programme figures (issue 19) as plain functions: applications per
call, the success rate, the time from submission to decision, and the subsidies
committed against those paid per year.

The selectors hand in rows already limited to what was known on the day asked for
(core/known_agreements.py); these functions only count. Amounts are Decimals; shares are
rounded to 4 places and medians to whole days, so the same rows give the same output in
any process.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from decimal import Decimal

FUNDED = "funded"
REJECTED = "rejected"
INELIGIBLE = "ineligible"
WITHDRAWN = "withdrawn"


def call_figures(applications: Iterable[dict]) -> dict:
    """Per call key: received, decided, funded, rejected, ineligible, withdrawn, the
    funded amount, the success rate (funded of those decided, or of those received when
    none is decided yet: None), the median and mean days from submission to decision
    (over the applications with both times; None without any).

    Each row: ``call`` (any sortable key), ``status``, ``decided`` (the decision known on
    the day), ``funded_amount`` (Decimal or None), ``submitted_at`` and ``decided_at``
    (datetimes or None)."""
    out: dict = {}
    for row in applications:
        figures = out.setdefault(
            row["call"],
            {
                "received": 0,
                "decided": 0,
                "funded": 0,
                "rejected": 0,
                "ineligible": 0,
                "withdrawn": 0,
                "funded_amount": None,
                "_days": [],
            },
        )
        figures["received"] += 1
        if row["status"] == WITHDRAWN:
            figures["withdrawn"] += 1
        if not row["decided"]:
            continue
        figures["decided"] += 1
        status = row["status"]
        if status in (FUNDED, REJECTED, INELIGIBLE):
            figures[status] += 1
        if status == FUNDED and row.get("funded_amount") is not None:
            figures["funded_amount"] = (figures["funded_amount"] or Decimal(0)) + Decimal(
                row["funded_amount"]
            )
        if row.get("submitted_at") and row.get("decided_at"):
            figures["_days"].append(days_between(row["submitted_at"], row["decided_at"]))
    for figures in out.values():
        days = sorted(figures.pop("_days"))
        figures["success_rate"] = share(figures["funded"], figures["decided"])
        figures["median_days_to_decision"] = round(statistics.median(days)) if days else None
        figures["mean_days_to_decision"] = round(statistics.fmean(days), 1) if days else None
        figures["with_times"] = len(days)
    return dict(sorted(out.items(), key=lambda item: item[0]))


def days_between(start, end) -> int:
    """Whole days from one moment (or day) to another."""
    if isinstance(start, datetime.datetime):
        start = start.date()
    if isinstance(end, datetime.datetime):
        end = end.date()
    return (end - start).days


def share(part, whole) -> float | None:
    """part / whole rounded to 4 places; None for an empty whole."""
    if not whole:
        return None
    return round(float(part) / float(whole), 4)


def committed_and_paid(
    commitments: Iterable[tuple[datetime.date, Decimal]],
    payments: Iterable[tuple[datetime.date, Decimal]],
) -> list[dict]:
    """Per calendar year: the subsidies committed (an agreement's subsidy in the year it
    was decided, an amendment's change in the year of its decision) and paid (payments
    by their date), with running totals and what is still to be paid at the year's end.
    One row for every year from the first to the last with either."""
    committed: dict[int, Decimal] = {}
    paid: dict[int, Decimal] = {}
    for day, amount in commitments:
        committed[day.year] = committed.get(day.year, Decimal(0)) + Decimal(amount)
    for day, amount in payments:
        paid[day.year] = paid.get(day.year, Decimal(0)) + Decimal(amount)
    years = sorted(set(committed) | set(paid))
    rows, total_committed, total_paid = [], Decimal(0), Decimal(0)
    for year in range(years[0], years[-1] + 1) if years else ():
        total_committed += committed.get(year, Decimal(0))
        total_paid += paid.get(year, Decimal(0))
        rows.append(
            {
                "year": year,
                "committed": committed.get(year, Decimal(0)),
                "paid": paid.get(year, Decimal(0)),
                "committed_total": total_committed,
                "paid_total": total_paid,
                "outstanding": total_committed - total_paid,
            }
        )
    return rows


def split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` split by ``weights`` in cents, the rounding left on the last part, so
    the parts always add up to the amount exactly."""
    amount = Decimal(amount)
    total = sum((Decimal(w) for w in weights), Decimal(0))
    if not weights:
        return []
    if not total:
        weights, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    cent = Decimal("0.01")
    parts = [(amount * Decimal(w) / total).quantize(cent) for w in weights[:-1]]
    parts.append(amount - sum(parts, Decimal(0)))
    return parts
