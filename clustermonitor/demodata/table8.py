"""One year's member fees of a cluster that reproduce a row of the 2020 report's Table 8.

A row of Table 8 gives, for one cluster and one year: N contributions, the largest and
the smallest fee, the median, the number of fees equal to the largest ("# maximale
bijdragen") and *k*, the fewest fees that together reach half the total, largest first
("k van N"). Definitions: DESIGN §4 and clustermonitor.analysis.cofinancing.

`solve` finds N whole-euro amounts with exactly those figures, as close as it can to a
realistic tiered fee list (a few large fees, then round amounts falling to the median and
the minimum) and to a wanted total (the year's co-financing requirement). It is a small
integer programme (scipy's HiGHS): the figures are constraints, realism and the total
the objective. Before solving, `check` looks for figures that contradict each other;
a row that cannot be reproduced is solved without the figure that breaks it and the
reason is returned beside the amounts, never hidden.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

#: Fee amounts are multiples of this many euros where the figures allow (fixed
#: amounts such as a median of EUR 1,525 are kept as published).
STEP = 25
#: Round amounts a fee schedule would use (times a power of ten).
_NICE = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0)


@dataclass(frozen=True)
class Row:
    """The published figures of one cluster-year (Table 8)."""

    n: int
    maximum: int
    minimum: int
    median: float
    n_max: int
    k: int


@dataclass
class Solution:
    amounts: list[int]  # largest first
    #: Figures of the row that the amounts do not reproduce, with the reason.
    problems: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems


def k_of(amounts: list[int]) -> int:
    """The smallest k whose k largest amounts reach half the total (DESIGN §4)."""
    ordered = sorted(amounts, reverse=True)
    total, running = sum(ordered), 0
    for index, amount in enumerate(ordered, start=1):
        running += amount
        if 2 * running >= total:
            return index
    return len(ordered)


def nice(value: float) -> float:
    """The round fee amount nearest to `value` (1, 1.25, 1.5, 2, 2.5, ... × 10^n)."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return min((f * power for f in _NICE), key=lambda v: abs(v - value))


def _median_positions(n: int) -> tuple[int, int]:
    """0-based positions (largest first) whose mean is the median."""
    return (n - 1) // 2, n // 2


def check(row: Row) -> list[str]:
    """Contradictions between the figures of one row, in words (empty when none)."""
    problems = []
    if not (1 <= row.n_max <= row.n and 1 <= row.k <= row.n):
        problems.append("counts out of range")
    if not row.minimum <= row.median <= row.maximum:
        problems.append("the median lies outside the range")
    if row.maximum == row.minimum:
        if row.n_max != row.n:
            problems.append(
                f"one fee for all (EUR {row.maximum:,}) means all {row.n} fees are the largest, "
                f"not {row.n_max}"
            )
        forced = math.ceil(row.n / 2)
        if row.k != forced:
            reach = 100 * row.k / row.n
            problems.append(
                f"with {row.n} equal fees half the total needs {forced} of them "
                f"({forced} van {row.n}); {row.k} reach only {reach:.1f} %"
            )
    elif row.n_max == row.n:
        problems.append("all fees the largest, yet the smallest differs")
    low, high = _median_positions(row.n)
    if row.maximum != row.minimum and high < row.n_max and row.median != row.maximum:
        problems.append(
            f"{row.n_max} of {row.n} fees are the largest, so the median is the largest "
            f"(EUR {row.maximum:,}), not EUR {row.median:,}"
        )
    if low >= row.n_max and row.median >= row.maximum and row.maximum != row.minimum:
        problems.append(
            f"only {row.n_max} fees are the largest, so the median lies below EUR {row.maximum:,}"
        )
    if row.k <= row.n_max and row.maximum != row.minimum:
        # The k largest are all the largest fee: the total must lie in (2(k-1)M, 2kM].
        rest_min = (row.n - row.n_max - 1) * row.minimum + row.minimum
        total_min = row.n_max * row.maximum + rest_min
        if total_min > 2 * row.k * row.maximum:
            problems.append(
                f"{row.k} fees of EUR {row.maximum:,} cannot reach half a total of at least "
                f"EUR {total_min:,}"
            )
    return problems


def _reference_profile(lo: float, hi: float, count: int, heavy_top: bool) -> list[float]:
    """`count` round amounts falling from near `hi` to `lo`: a realistic starting shape."""
    if count <= 0:
        return []
    out = []
    for i in range(count):
        f = (i + 0.5) / count
        # Upper zone: a few large fees then a quick fall (convex); lower zone: most fees
        # near the median, a tail down to the minimum (concave).
        w = (1 - f) ** 2.2 if heavy_top else 1 - f**2
        value = math.exp(math.log(lo) * (1 - w) + math.log(hi) * w)
        out.append(min(hi, max(lo, nice(value))))
    return sorted(out, reverse=True)


def _layout(row: Row) -> tuple[dict[int, float], dict[int, tuple[float, float]]]:
    """Fixed amounts by 0-based position (largest first) and bounds of the free ones."""
    n = row.n
    fixed: dict[int, float] = {i: row.maximum for i in range(row.n_max)}
    if n > row.n_max:
        fixed[n - 1] = row.minimum
    low, high = _median_positions(n)
    for position in {low, high}:
        if position not in fixed:
            fixed[position] = row.median
    if low != high and low < row.n_max <= high:
        fixed[high] = 2 * row.median - row.maximum  # the mean of the two is the median
    if low != high and high == n - 1 and low not in range(row.n_max):
        fixed[low] = 2 * row.median - row.minimum
    free = {}
    for i in range(n):
        if i in fixed:
            continue
        above = [fixed[j] for j in range(i) if j in fixed]
        below = [fixed[j] for j in range(i + 1, n) if j in fixed]
        hi = min(above) if above else row.maximum
        if i >= row.n_max:
            hi = min(hi, row.maximum - 1)  # only n_max fees equal the largest
        lo = max(below) if below else row.minimum
        free[i] = (lo, hi)
    return fixed, free


def _solve(row: Row, target_total: float, step: int, weight: float) -> list[int] | None:
    fixed, free = _layout(row)
    positions = sorted(free)
    index = {p: j for j, p in enumerate(positions)}
    m = len(positions)
    if any(lo > hi for lo, hi in free.values()):
        return None
    # Reference amounts: a heavy top between the largest and the median, a light tail
    # between the median and the smallest.
    reference = {}
    low, _high = _median_positions(row.n)
    upper = [p for p in positions if p < low]
    lower = [p for p in positions if p > low]
    for group, heavy in ((upper, True), (lower, False)):
        if not group:
            continue
        lo = min(free[p][0] for p in group)
        hi = max(free[p][1] for p in group)
        for p, r in zip(group, _reference_profile(lo, hi, len(group), heavy), strict=True):
            reference[p] = min(max(r, free[p][0]), free[p][1])
    # Variables: x (fee / step, integer) per free position, d per free position
    # (|fee - reference| / reference), e (|total - target| / target).
    n_vars = 2 * m + 1
    c = np.zeros(n_vars)
    lower_b, upper_b = np.zeros(n_vars), np.full(n_vars, np.inf)
    integrality = np.zeros(n_vars)
    for p in positions:
        j = index[p]
        lo, hi = free[p]
        lower_b[j], upper_b[j] = math.ceil(lo / step), math.floor(hi / step)
        if lower_b[j] > upper_b[j]:
            return None
        integrality[j] = 1
        c[m + j] = 1.0
    c[2 * m] = weight
    rows, lbs, ubs = [], [], []

    def add(coefficients: dict[int, float], lb: float, ub: float) -> None:
        vector = np.zeros(n_vars)
        for j, value in coefficients.items():
            vector[j] += value
        rows.append(vector)
        lbs.append(lb)
        ubs.append(ub)

    for a, b in itertools.pairwise(positions):
        add({index[a]: 1, index[b]: -1}, 0, np.inf)  # largest first
    for p in positions:
        j, r = index[p], reference[p]
        # d_j >= (step*x_j - r)/r and d_j >= (r - step*x_j)/r
        add({m + j: 1, j: -step / r}, -1, np.inf)
        add({m + j: 1, j: step / r}, 1, np.inf)
    fixed_total = sum(fixed.values())
    all_free = {index[p]: step for p in positions}
    # e >= (T - target)/target and e >= (target - T)/target, T = fixed_total + step*sum(x)
    add({2 * m: 1, **{j: -s / target_total for j, s in all_free.items()}},
        (fixed_total - target_total) / target_total, np.inf)  # fmt: skip
    add({2 * m: 1, **{j: s / target_total for j, s in all_free.items()}},
        (target_total - fixed_total) / target_total, np.inf)  # fmt: skip
    k = row.k
    # 2*S_k - T >= 0 and 2*S_(k-1) - T <= -1 (whole euros)
    for top, lb, ub in ((k, 0, np.inf), (k - 1, -np.inf, -1)):
        coefficients = {index[p]: (2 * step if p < top else 0) - step for p in positions}
        constant = sum(2 * v for p, v in fixed.items() if p < top) - fixed_total
        add(coefficients, lb - constant, ub - constant)
    result = milp(
        c,
        constraints=LinearConstraint(np.array(rows), np.array(lbs), np.array(ubs)),
        integrality=integrality,
        bounds=Bounds(lower_b, upper_b),
        options={"time_limit": 10, "presolve": True},
    )
    if result.x is None:
        return None
    amounts = dict(fixed)
    for p in positions:
        amounts[p] = step * round(result.x[index[p]])
    return [round(amounts[i]) for i in range(row.n)]


def figures(amounts: list[int]) -> Row:
    """The Table 8 figures of a list of fees."""
    ordered = sorted(amounts, reverse=True)
    n = len(ordered)
    return Row(
        n=n,
        maximum=ordered[0],
        minimum=ordered[-1],
        median=float(np.median(ordered)),
        n_max=ordered.count(ordered[0]),
        k=k_of(ordered),
    )


def solve(row: Row, target_total: float) -> Solution:
    """Fees reproducing `row`, near `target_total`; figures that cannot be reproduced
    are named in `problems` (the amounts then follow the definitions)."""
    problems = check(row)
    if row.maximum == row.minimum:
        return Solution([row.maximum] * row.n, problems)
    # Realism first; the total weighs more until it is reached. When it cannot be
    # reached (the figures cap the total), the most realistic fees are kept.
    for step in (STEP, 5, 1):
        found = []
        for weight in (row.n / 3, 3 * row.n, 30 * row.n):
            amounts = _solve(row, target_total, step, weight=weight)
            if amounts is not None and figures(amounts) == row:
                if sum(amounts) >= target_total:
                    return Solution(amounts, problems)
                found.append(amounts)
        if found:
            return Solution(found[0], problems)
    # Keep every figure but k, and say so.
    relaxed = Row(row.n, row.maximum, row.minimum, row.median, row.n_max, row.k)
    for k in sorted(range(1, row.n + 1), key=lambda k: abs(k - row.k)):
        relaxed = Row(row.n, row.maximum, row.minimum, row.median, row.n_max, k)
        amounts = _solve(relaxed, target_total, 1, weight=float(row.n))
        if amounts is not None and figures(amounts) == relaxed:
            return Solution(amounts, [*problems, f"k = {row.k} is not reachable; k = {k}"])
    raise ValueError(f"no fees reproduce {row}")
