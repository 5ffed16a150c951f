"""Live benchmarking of cluster organisations (issue 21): the indicator set, the quartiles
of a programme's distribution, a cluster's position in it, and small-group suppression.

- An **indicator** has a key, a Dutch and an English label, a unit (``share`` 0–1,
  ``count``, ``eur``, ``fte``) and a direction (``higher`` is better, or ``none`` where
  more is not better in itself).
- A cluster's value of an indicator is a :class:`Value`: the number with its source —
  ``computed`` (from which records), ``answered`` (by whom, when) — or ``unknown`` with
  the list of what is missing. Unknown is ``None``, never zero: an unknown value takes no
  part in a distribution.
- **Quartiles** are the linear-interpolation quartiles of the known values (numpy's and
  pandas' default, the same as a spreadsheet's QUARTILE.INC).
- A cluster's **position**: its quartile (1 = the lowest quarter: at most Q1; 4 = above
  Q3) and its percentile rank (the share of the values below it, counting equal values
  half, in per cent).
- A distribution over fewer than :data:`~clustermonitor.analysis.disclosure.MIN_CELL`
  clusters is **suppressed** for anyone who may not see every cluster's value: it would
  give the few values away.

Pure: pandas, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from clustermonitor.analysis.disclosure import MIN_CELL

COMPUTED, ANSWERED, UNKNOWN = "computed", "answered", "unknown"
SHARE, COUNT, EUR, FTE = "share", "count", "eur", "fte"
HIGHER, NONE = "higher", "none"


@dataclass(frozen=True)
class Indicator:
    key: str
    label_nl: str
    label_en: str
    unit: str
    direction: str = HIGHER
    theme: str = ""

    def label(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" else self.label_nl


@dataclass(frozen=True)
class Value:
    """One cluster's value of one indicator, with where it comes from."""

    value: float | None
    source: str
    basis: str = ""
    missing: tuple[str, ...] = field(default_factory=tuple)

    @property
    def known(self) -> bool:
        return self.value is not None


def computed(value, basis: str) -> Value:
    """A value computed from the records ``basis`` names.

    >>> computed(3, "memberships").value
    3.0
    """
    return Value(float(value), COMPUTED, basis)


def answered(value, by: str, on) -> Value:
    """A value answered with evidence by ``by`` on ``on`` (a readiness answer)."""
    return Value(None if value is None else float(value), ANSWERED, f"{by} ({on})")


def unknown(*missing: str) -> Value:
    """Unknown, with what is missing — never zero.

    >>> unknown("no membership records").value is None
    True
    """
    return Value(None, UNKNOWN, "", tuple(missing))


def share(part, whole, basis: str, missing: str) -> Value:
    """``part`` / ``whole``; unknown (``missing``) when ``whole`` is zero.

    >>> share(1, 4, "m", "x").value, share(0, 0, "m", "no members").missing
    (0.25, ('no members',))
    """
    return computed(part / whole, basis) if whole else unknown(missing)


# -- The indicator set ------------------------------------------------------------------

COMPOSITION, GROWTH, PARTICIPATION, SERVICES = "composition", "growth", "participation", "services"
COLLABORATION, FINANCING, MANAGEMENT, INTERNATIONAL = (
    "collaboration",
    "financing",
    "management",
    "international",
)
COMMUNICATION = "communication"

INDICATORS: tuple[Indicator, ...] = (
    Indicator("members", "leden", "members", COUNT, HIGHER, COMPOSITION),
    Indicator("companies", "bedrijven", "companies", COUNT, HIGHER, COMPOSITION),
    Indicator("sme_share", "aandeel kmo's", "SME share", SHARE, HIGHER, COMPOSITION),
    Indicator(
        "research_share",
        "aandeel onderzoek en onderwijs",
        "research and education share",
        SHARE,
        NONE,
        COMPOSITION,
    ),
    Indicator(
        "other_share", "aandeel andere leden", "share of other members", SHARE, NONE, COMPOSITION
    ),
    Indicator("startup_share", "aandeel starters", "start-up share", SHARE, HIGHER, COMPOSITION),
    Indicator(
        "provinces", "provincies van de leden", "members' provinces", COUNT, NONE, COMPOSITION
    ),
    Indicator(
        "member_growth",
        "netto groei van de leden (12 maanden)",
        "net membership growth (12 months)",
        COUNT,
        HIGHER,
        GROWTH,
    ),
    Indicator(
        "active_share", "aandeel actieve leden", "active member share", SHARE, HIGHER, PARTICIPATION
    ),
    Indicator(
        "activities", "activiteiten (12 maanden)", "activities (12 months)", COUNT, HIGHER, SERVICES
    ),
    Indicator(
        "participants",
        "deelnames aan activiteiten (12 maanden)",
        "participations in activities (12 months)",
        COUNT,
        HIGHER,
        SERVICES,
    ),
    Indicator(
        "collaborations",
        "gestarte samenwerkingen",
        "collaborations started",
        COUNT,
        HIGHER,
        COLLABORATION,
    ),
    Indicator(
        "intercluster",
        "gestarte interclusterprojecten",
        "intercluster projects started",
        COUNT,
        HIGHER,
        COLLABORATION,
    ),
    Indicator(
        "fees_paid",
        "betaalde lidgelden (vorig jaar)",
        "members' fees paid (last year)",
        EUR,
        HIGHER,
        FINANCING,
    ),
    Indicator(
        "public_subsidy",
        "subsidie (vorig jaar)",
        "public subsidy (last year)",
        EUR,
        NONE,
        FINANCING,
    ),
    Indicator("other_income", "andere inkomsten", "other income", EUR, HIGHER, FINANCING),
    Indicator(
        "fee_share",
        "aandeel lidgelden in de financiering",
        "members' fees share of the funding",
        SHARE,
        HIGHER,
        FINANCING,
    ),
    Indicator(
        "staff_fte", "clustermanagement (VTE)", "management team (FTE)", FTE, HIGHER, MANAGEMENT
    ),
    Indicator("staff_roles", "rollen in het team", "roles in the team", COUNT, HIGHER, MANAGEMENT),
    Indicator(
        "trainings", "opleidingen (12 maanden)", "trainings (12 months)", COUNT, HIGHER, MANAGEMENT
    ),
    Indicator(
        "international_share",
        "aandeel buitenlandse leden",
        "share of international members",
        SHARE,
        HIGHER,
        INTERNATIONAL,
    ),
    Indicator("communication", "communicatie", "communication", COUNT, HIGHER, COMMUNICATION),
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


# -- Distributions ------------------------------------------------------------------------


def _known(values: Iterable) -> list[float]:
    out = []
    for v in values:
        if isinstance(v, Value):
            v = v.value
        if v is None:
            continue
        v = float(v)
        if not math.isnan(v):
            out.append(v)
    return out


def quartiles(values: Iterable) -> dict | None:
    """n, min, Q1, median, Q3, max of the known values (``None`` and unknown
    :class:`Value`\\ s left out); None without any.

    >>> quartiles([1, 2, 3, 4, 5, None])
    {'n': 5, 'min': 1.0, 'q1': 2.0, 'median': 3.0, 'q3': 4.0, 'max': 5.0}
    >>> quartiles([10, 20])["q1"]
    12.5
    >>> quartiles([None]) is None
    True
    """
    known = _known(values)
    if not known:
        return None
    s = pd.Series(known, dtype=float)
    return {
        "n": len(known),
        "min": float(s.min()),
        "q1": float(s.quantile(0.25)),
        "median": float(s.quantile(0.5)),
        "q3": float(s.quantile(0.75)),
        "max": float(s.max()),
    }


def distribution(values: Iterable, min_n: int = MIN_CELL, *, suppress: bool = True) -> dict:
    """:func:`quartiles` with ``suppressed``: with ``suppress`` (a reader who may not see
    every value) a distribution over fewer than ``min_n`` known values shows only its
    ``n`` as "< 5" — no quartiles, no minimum or maximum.

    >>> distribution([1, 2, 3])
    {'n': 3, 'suppressed': True}
    >>> distribution([1, 2, 3], suppress=False)["median"]
    2.0
    >>> distribution([])
    {'n': 0, 'suppressed': True}
    """
    q = quartiles(values)
    n = 0 if q is None else q["n"]
    if q is None or (suppress and n < min_n):
        return {"n": n, "suppressed": True}
    return {**q, "suppressed": False}


def quartile_of(value, q1, median, q3) -> int | None:
    """The quarter ``value`` falls in: 1 at most Q1, 2 at most the median, 3 at most Q3,
    4 above; None for an unknown value or quartiles.

    >>> [quartile_of(v, 2, 3, 4) for v in (1, 2, 2.5, 3.5, 4, 9, None)]
    [1, 1, 2, 3, 3, 4, None]
    """
    if isinstance(value, Value):
        value = value.value
    if value is None or q1 is None or median is None or q3 is None:
        return None
    value = float(value)
    if value <= float(q1):
        return 1
    if value <= float(median):
        return 2
    if value <= float(q3):
        return 3
    return 4


def percentile(value, values: Iterable) -> float | None:
    """The percentile rank of ``value`` among the known ``values``: the share below it,
    equal values counting half, in per cent; None when either is unknown.

    >>> percentile(3, [1, 2, 3, 4, 5])
    50.0
    >>> percentile(1, [1, 1, 2, 3])
    25.0
    """
    if isinstance(value, Value):
        value = value.value
    known = _known(values)
    if value is None or not known:
        return None
    below = sum(1 for v in known if v < value)
    equal = sum(1 for v in known if v == value)
    return 100.0 * (below + 0.5 * equal) / len(known)


def position(value, values: Iterable, min_n: int = MIN_CELL) -> dict:
    """Where ``value`` stands among ``values`` (the programme's clusters, itself
    included): ``quartile`` and ``percentile``, both None when the value is unknown or
    the distribution is suppressed (under ``min_n`` known values: the position would
    give the others away).

    >>> position(5, [1, 2, 3, 4, 5])
    {'quartile': 4, 'percentile': 90.0}
    >>> position(5, [1, 5])
    {'quartile': None, 'percentile': None}
    """
    values = list(values)
    q = quartiles(values)
    if isinstance(value, Value):
        value = value.value
    if value is None or q is None or q["n"] < min_n:
        return {"quartile": None, "percentile": None}
    return {
        "quartile": quartile_of(value, q["q1"], q["median"], q["q3"]),
        "percentile": percentile(value, values),
    }


def distributions(
    table: Mapping[object, Mapping[str, Value]], *, suppress: bool = True, min_n: int = MIN_CELL
) -> dict[str, dict]:
    """Every indicator's :func:`distribution` over the clusters of ``table`` (cluster →
    indicator key → :class:`Value`)."""
    return {
        ind.key: distribution(
            (row.get(ind.key) for row in table.values()), min_n, suppress=suppress
        )
        for ind in INDICATORS
    }


def frame(table: Mapping[object, Mapping[str, Value]]) -> pd.DataFrame:
    """The values of ``table`` as a frame: one row per cluster, one column per indicator
    (NaN where unknown).

    >>> table = {"A": {"members": computed(3, "m")}, "B": {"members": unknown("x")}}
    >>> frame(table)["members"].tolist()
    [3.0, nan]
    """
    rows = {
        cluster: {
            i.key: (row.get(i.key).value if row.get(i.key) is not None else None)
            for i in INDICATORS
        }
        for cluster, row in table.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=[i.key for i in INDICATORS]).astype(
        float
    )
