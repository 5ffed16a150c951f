"""Co-financing: the 2020 report's Table 8, the co-financing rule, carry-over and risk.

Members' contributions co-finance a cluster's budget. Definitions follow DESIGN §4:

- **co-financing concentration** ("# bijdragen tot 50% cofinanciering"): *k* = the smallest
  number of a cluster's contributions in a year whose sum, taken largest first, reaches at
  least 50 % of that year's total; shown as "k van N (k/N %)". Ties do not matter;
- **maximum contributions** ("# maximale bijdragen"): the number of contributions equal to
  the year's largest;
- **co-financing rule**: each year, member contributions ≥ the cluster type's co-financing
  share × total budget (for 50 %: contributions ≥ that year's subsidy).

Amounts are euros; every sum and comparison is made in whole cents (amounts are rounded to
the cent first), so no float noise decides whether 50 % or the rule is reached.

The percentage in "k van N (p%)" is 100·k/N rounded to a whole percent, halves up. That
is what Table 8 does in 15 of its 17 rows (e.g. 9 van 82 → 10,98 → 11%, 12 van 29 → 41,38 →
41%). The two clusters with one fee for all (Power to Gas, BIM) print "50%" instead, which
follows from no rounding of k/N (16/31 = 51,6 %, 27/55 = 49,1 %, 28/55 = 50,9 %): the report
wrote the target, not the ratio. No row sits on an exact half, so "halves up" (rather than
Python's round-half-even) is our choice, not something the report shows.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from clustermonitor.analysis.charts import BAR, INK, MARKER, STYLE, format_number, label, to_svg

PROGRAMME = "programme"  # the ``cluster`` value of programme-wide rows
HALF = 0.5
CONCENTRATION_KEYS = (
    "n",
    "total",
    "max",
    "min",
    "median",
    "n_max",
    "k",
    "k_share",
    "k_percent",
    "label",
    "fee_range",
    "herfindahl",
    "largest_share",
)
_INT_KEYS = ("n", "n_max", "k", "k_percent")
_TEXT_KEYS = ("label", "fee_range")
_WORDS = {"nl": ("van", "mediaan"), "en": ("of", "median")}


def _check_lang(lang: str) -> None:
    if lang not in _WORDS:
        raise ValueError(f"lang must be one of {sorted(_WORDS)}, not {lang!r}")


def _cents(amounts) -> np.ndarray:
    """Positive amounts as int64 cents; non-numeric input raises, NaN/0/negative drop out."""
    values = pd.to_numeric(pd.Series(list(amounts), dtype=object), errors="raise")
    values = values.astype("float64")
    values = values[values.notna() & (values > 0)]
    return np.rint(values.to_numpy() * 100).astype(np.int64)


def _euros(cents) -> float:
    return int(cents) / 100


def _money(value: float, lang: str) -> str:
    """'€35.000' (nl) or '€35,000' (en); cents only when there are any."""
    decimals = 0 if round(value * 100) % 100 == 0 else 2
    return "€" + format_number(value, lang, decimals)


def k_percent(k: int, n: int) -> int:
    """100·k/n rounded to a whole percent, halves up, in exact integer arithmetic.

    >>> k_percent(9, 82), k_percent(16, 31), k_percent(1, 8), k_percent(27, 55)
    (11, 52, 13, 49)
    """
    return (200 * k + n) // (2 * n)


def k_label(k: int, n: int, lang: str = "nl") -> str:
    """The report's "k van N (p%)" ("k of N (p%)" in English).

    >>> k_label(9, 82), k_label(16, 31, "en")
    ('9 van 82 (11%)', '16 of 31 (52%)')
    """
    _check_lang(lang)
    return f"{k} {_WORDS[lang][0]} {n} ({k_percent(k, n)}%)"


def fee_range(maximum: float, minimum: float, lang: str = "nl") -> str:
    """The range column, low to high: "€min – €max", or one amount when all fees are
    equal.

    >>> fee_range(35000, 175), fee_range(5000, 5000), fee_range(1525.5, 50, "en")
    ('€175 – €35.000', '€5.000', '€50 – €1,525.50')
    """
    if maximum == minimum:
        return _money(maximum, lang)
    return f"{_money(minimum, lang)} – {_money(maximum, lang)}"


def concentration(amounts: Iterable, lang: str = "nl") -> dict:
    """Concentration of one cluster's contributions in one year (Table 8 and beyond).

    ``amounts``: one amount per contribution (a list, array or Series; ``Decimal`` is fine).
    Zero, negative and missing amounts are ignored: a waived or credited contribution is no
    co-financing, and counting it would inflate N. Non-numeric values raise ``ValueError``.

    Returns a dict with ``n``, ``total``, ``max``, ``min``, ``median`` (of the N amounts; the
    mean of the two middle ones when N is even), ``n_max`` (contributions equal to the
    largest), ``k`` (the smallest number of contributions, largest first, whose sum is at
    least half the total), ``k_share`` = k/N, ``k_percent`` (k/N in whole percent, halves
    up — see the module docstring), ``label`` ("k van N (p%)", or "k of N (p%)" with
    ``lang="en"``), ``fee_range`` ("€175 – €35.000", one amount when max == min),
    ``herfindahl`` (sum of squared shares of the total: 1/N for equal fees, 1 for a single
    payer) and ``largest_share`` (largest contribution / total). Without any contribution
    ``n`` is 0 and every other value ``None``.

    The issue's example: one member pays EUR 20,000 and 100 members pay EUR 50–100.

    >>> c = concentration([20_000] + [50] * 50 + [100] * 50)
    >>> c["n"], c["total"], c["k"], c["label"], c["fee_range"]
    (101, 27500.0, 1, '1 van 101 (1%)', '€50 – €20.000')
    >>> round(c["largest_share"], 3), round(c["herfindahl"], 3)
    (0.727, 0.53)
    >>> concentration([5000] * 31)["label"], concentration([2900] * 55, "en")["label"]
    ('16 van 31 (52%)', '28 of 55 (51%)')
    >>> concentration([0, -10])["n"], concentration([])["k"]
    (0, None)
    """
    _check_lang(lang)
    cents = np.sort(_cents(amounts))[::-1]
    n = len(cents)
    if n == 0:
        return {"n": 0} | {key: None for key in CONCENTRATION_KEYS if key != "n"}
    total = int(cents.sum())
    # First position where twice the running sum reaches the total: exact in cents.
    k = int(np.argmax(2 * np.cumsum(cents) >= total)) + 1
    maximum, minimum = _euros(cents[0]), _euros(cents[-1])
    shares = cents / total
    return {
        "n": n,
        "total": _euros(total),
        "max": maximum,
        "min": minimum,
        "median": float(np.median(cents)) / 100,
        "n_max": int((cents == cents[0]).sum()),
        "k": k,
        "k_share": k / n,
        "k_percent": k_percent(k, n),
        "label": k_label(k, n, lang),
        "fee_range": fee_range(maximum, minimum, lang),
        "herfindahl": float((shares**2).sum()),
        "largest_share": float(shares[0]),
    }


def _require(df: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s): {', '.join(missing)}")


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for key in CONCENTRATION_KEYS:
        if key in _INT_KEYS:
            table[key] = table[key].astype("Int64")
        elif key in _TEXT_KEYS:
            text = table[key].astype(object)
            table[key] = text.where(text.notna(), None)
        else:
            table[key] = pd.to_numeric(table[key]).astype("float64")
    return table


def table8(
    contributions: pd.DataFrame, subsidies: pd.DataFrame | None = None, lang: str = "nl"
) -> pd.DataFrame:
    """The report's Table 8, one row per cluster and year, plus concentration measures.

    ``contributions``: columns ``cluster``, ``year``, ``membership_id``, ``amount`` — the
    contributions that count, already chosen by the caller (e.g. paid ones). Several rows of
    one membership in one year (instalments) are added up: the report counts one
    contribution per member and year. ``subsidies`` (optional): ``cluster``, ``year``,
    ``subsidy``, at most one row per cluster-year.

    Columns: ``cluster``, ``year``, ``subsidy`` (only when ``subsidies`` is given; NaN
    where it has no row), then the keys of :func:`concentration`. A cluster-year that has a
    subsidy but no contribution gets a row with ``n`` = 0 (so the gap shows). Sorted by
    cluster, year.

    >>> rows = pd.DataFrame({"cluster": ["A"] * 3 + ["B"], "year": [2019] * 4,
    ...                      "membership_id": [1, 1, 2, 3], "amount": [500, 500, 250, 90]})
    >>> subsidy = pd.DataFrame({"cluster": ["A", "C"], "year": [2019, 2019],
    ...                         "subsidy": [1000.0, 500.0]})
    >>> table8(rows, subsidy)[["cluster", "subsidy", "n", "total", "label", "fee_range"]]
      cluster  subsidy  n   total            label     fee_range
    0       A   1000.0  2  1250.0  1 van 2 (50%)  €250 – €1.000
    1       B      NaN  1    90.0  1 van 1 (100%)           €90
    2       C    500.0  0     NaN             None          None
    """
    _require(contributions, ("cluster", "year", "membership_id", "amount"), "contributions")
    frame = contributions.assign(
        amount=pd.to_numeric(contributions["amount"], errors="raise").astype("float64")
    )
    per_member = frame.groupby(["cluster", "year", "membership_id"], sort=True)["amount"].sum()
    keys = list(per_member.index.droplevel("membership_id").unique())
    if subsidies is not None:
        _require(subsidies, ("cluster", "year", "subsidy"), "subsidies")
        duplicated = subsidies.duplicated(["cluster", "year"])
        if duplicated.any():
            first = subsidies[duplicated].iloc[0]
            raise ValueError(f"two subsidies for {first['cluster']} in {first['year']}")
        subsidy = subsidies.set_index(["cluster", "year"])["subsidy"]
        keys = sorted(set(keys) | set(subsidy.index))
    groups = {key: group for key, group in per_member.groupby(level=["cluster", "year"])}
    rows = []
    for cluster, year in keys:
        amounts = groups.get((cluster, year), [])
        row = {"cluster": cluster, "year": year}
        if subsidies is not None:
            row["subsidy"] = subsidy.get((cluster, year), np.nan)
        rows.append(row | concentration(amounts, lang))
    columns = ["cluster", "year", *(["subsidy"] if subsidies is not None else [])]
    table = pd.DataFrame(rows, columns=[*columns, *CONCENTRATION_KEYS])
    if subsidies is not None:
        table["subsidy"] = pd.to_numeric(table["subsidy"]).astype("float64")
    return _typed(table)


def programme_summary(table: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """Programme-wide rows for a :func:`table8` table, one per year.

    Built from the cluster rows only (the individual amounts are not in the table):
    ``cluster`` = ``PROGRAMME``; ``n_clusters`` (clusters with contributions); ``n`` and
    ``total`` summed over clusters (a company in two clusters counts twice: these are
    contributions, not companies); ``subsidy`` summed (when present); ``max`` / ``min`` the
    extremes over clusters and ``fee_range`` from them; ``median``, ``k_share``,
    ``herfindahl`` and ``largest_share`` the median over clusters (the typical cluster, as
    the report reads Table 8: "the median" is a median of cluster medians), ``label`` that
    median k/N as text. ``n_max``, ``k`` and ``k_percent`` have no programme meaning: NA.
    For the concentration of all the programme's contributions pooled, call
    :func:`concentration` on the amounts themselves.

    >>> rows = pd.DataFrame({"cluster": list("AAB"), "year": [2019] * 3,
    ...                      "membership_id": [1, 2, 3], "amount": [900, 100, 50]})
    >>> programme_summary(table8(rows))[["cluster", "n_clusters", "n", "total", "label"]]
         cluster  n_clusters  n   total          label
    0  programme           2  3  1050.0  mediaan 75,0%
    """
    _check_lang(lang)
    rows = []
    for year, group in table[table["n"].fillna(0) > 0].groupby("year", sort=True):
        k_share = float(group["k_share"].median())
        row = {
            "cluster": PROGRAMME,
            "year": year,
            "n_clusters": len(group),
            "n": int(group["n"].sum()),
            "total": float(group["total"].sum()),
            "max": float(group["max"].max()),
            "min": float(group["min"].min()),
            "median": float(group["median"].median()),
            "n_max": pd.NA,
            "k": pd.NA,
            "k_share": k_share,
            "k_percent": pd.NA,
            "label": f"{_WORDS[lang][1]} {format_number(k_share, lang, 1, percent=True)}",
            "fee_range": fee_range(group["max"].max(), group["min"].min(), lang),
            "herfindahl": float(group["herfindahl"].median()),
            "largest_share": float(group["largest_share"].median()),
        }
        if "subsidy" in table.columns:
            # Every subsidised cluster of the year, also one without contributions yet.
            subsidised = table.loc[table["year"] == year, "subsidy"]
            row["subsidy"] = float(subsidised.sum())
        rows.append(row)
    columns = ["cluster", "year", "n_clusters"]
    if "subsidy" in table.columns:
        columns.append("subsidy")
    summary = pd.DataFrame(rows, columns=[*columns, *CONCENTRATION_KEYS])
    summary["n_clusters"] = summary["n_clusters"].astype("Int64")
    return _typed(summary)


# --- the co-financing rule -------------------------------------------------------------


def required_contributions(subsidy: float, share: float) -> float:
    """Member contributions the co-financing rule requires for a year's subsidy.

    The rule (DESIGN §4): contributions ≥ share × total budget, where the budget is the
    subsidy plus the contributions. Solving c ≥ share × (subsidy + c) for c gives
    c ≥ share / (1 − share) × subsidy.

    Worked example: a subsidy of EUR 150,000 with a 50 % share needs EUR 150,000 of
    contributions (budget 300,000, half of it 150,000); with a 40 % share EUR 100,000
    (budget 250,000, 40 % of it 100,000).

    >>> required_contributions(150_000, 0.5), required_contributions(150_000, 0.4)
    (150000.0, 100000.0)
    """
    if not 0 <= share < 1:
        raise ValueError(f"share must be a fraction in [0, 1), not {share!r}")
    if subsidy < 0:
        raise ValueError(f"subsidy must not be negative, not {subsidy!r}")
    return round(share / (1 - share) * float(subsidy), 2)


class AtRisk(list):
    """The membership ids from :func:`at_risk`, with the state of the rule attached.

    ``rule_met``: whether the contributions meet ``required`` as they are; ``margin``:
    total − required (negative when the rule is not met).
    """

    def __init__(self, ids, rule_met: bool, margin: float):
        super().__init__(ids)
        self.rule_met = rule_met
        self.margin = margin

    def __repr__(self) -> str:
        return f"AtRisk({list(self)!r}, rule_met={self.rule_met}, margin={self.margin})"


def _id_key(value):
    """Ties in order of id: numerically for numbers (4 before 12), else as text."""
    if isinstance(value, int | np.integer):
        return (0, int(value), "")
    return (1, 0, str(value))


def at_risk(amounts: pd.Series, required: float) -> AtRisk:
    """Which single contributions, if lost, would bring the total below ``required``.

    ``amounts``: one amount per contribution, indexed by membership id (zero and negative
    amounts are ignored, as in :func:`concentration`). ``required``: the contributions the
    rule requires (:func:`required_contributions`; subtract any carry-in first).

    Returns an :class:`AtRisk` list of membership ids, largest contribution first (ties by
    id). When the rule is met it holds the ids with total − amount < required.
    When the rule is already not met, every contributor is listed and ``rule_met`` is
    ``False``: losing anyone keeps the rule broken, and the flag tells that case apart from
    "every single loss would break it".

    >>> fees = pd.Series({"a": 6000.0, "b": 3000.0, "c": 1000.0, "d": 1000.0})
    >>> at_risk(fees, 8500)  # without b: 8,000 < 8,500; without c: 10,000
    AtRisk(['a', 'b'], rule_met=True, margin=2500.0)
    >>> at_risk(fees, 12000)
    AtRisk(['a', 'b', 'c', 'd'], rule_met=False, margin=-1000.0)
    """
    numbers = pd.to_numeric(amounts, errors="raise").astype("float64")
    numbers = numbers[numbers > 0]
    cents = np.rint(numbers.to_numpy() * 100).astype(np.int64)
    total, needed = int(cents.sum()), round(float(required) * 100)
    order = sorted(
        zip(numbers.index, cents.tolist(), strict=True), key=lambda p: (-p[1], _id_key(p[0]))
    )
    rule_met = total >= needed
    lost = [i for i, c in order if not rule_met or total - c < needed]
    return AtRisk(lost, rule_met, _euros(total - needed))


def ledger(years: pd.DataFrame) -> pd.DataFrame:
    """The co-financing ledger: one row per cluster and year, with carry-over.

    Input columns: ``cluster`` (optional: one cluster without it), ``year``, ``subsidy``,
    ``paid`` (contributions paid for the year), ``outstanding`` (optional: expected and
    invoiced but not paid yet; 0 without it) and ``required`` — or ``share`` (the cluster
    type's co-financing share), from which ``required`` is computed with
    :func:`required_contributions`.

    Output columns: ``cluster``, ``year``, ``subsidy``, ``required``, ``paid``,
    ``outstanding``, ``balance`` = paid − required, ``carry_in``, ``carry_out``,
    ``rule_met``, ``shortfall`` and ``met_if_outstanding_paid``.

    Carry-over ("a surplus of co-financing carried over to the next year"): per cluster, in
    year order, ``carry_in`` is the previous row's ``carry_out`` (0 for the cluster's first
    row) and ``carry_out`` = max(0, paid + carry_in − required). Only a surplus moves on: a
    shortfall is a breach of that year's rule and is not netted against later years. A year
    without a row has no subsidy and no requirement, so a surplus passes through it
    unchanged. ``rule_met`` = paid + carry_in ≥ required; ``shortfall`` = max(0, required −
    paid − carry_in); ``met_if_outstanding_paid`` adds ``outstanding`` to that test.

    >>> ledger(pd.DataFrame({"year": [2017, 2018, 2019], "subsidy": [100.0] * 3,
    ...                      "share": [0.5] * 3, "paid": [130.0, 80.0, 60.0]}))[
    ...     ["year", "balance", "carry_in", "carry_out", "rule_met", "shortfall"]]
       year  balance  carry_in  carry_out  rule_met  shortfall
    0  2017     30.0       0.0       30.0      True        0.0
    1  2018    -20.0      30.0       10.0      True        0.0
    2  2019    -40.0      10.0        0.0     False       30.0
    """
    _require(years, ("year", "subsidy", "paid"), "years")
    frame = years.copy()
    if "cluster" not in frame.columns:
        frame["cluster"] = None
    if "outstanding" not in frame.columns:
        frame["outstanding"] = 0.0
    for column in ("subsidy", "paid", "outstanding"):
        frame[column] = pd.to_numeric(frame[column], errors="raise").fillna(0).astype(float)
    if "required" not in frame.columns:
        if "share" not in frame.columns:
            raise ValueError("years needs a 'required' or a 'share' column")
        frame["required"] = [
            required_contributions(s, q)
            for s, q in zip(frame["subsidy"], frame["share"], strict=True)
        ]
    frame["required"] = pd.to_numeric(frame["required"], errors="raise").astype(float)
    duplicated = frame.duplicated(["cluster", "year"])
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise ValueError(f"two ledger rows for {first['cluster']} in {first['year']}")
    frame = frame.sort_values(["cluster", "year"], kind="stable").reset_index(drop=True)
    carry_in, carry_out, shortfall = [], [], []
    previous, carry = object(), 0
    for cluster, paid, required in zip(
        frame["cluster"], frame["paid"], frame["required"], strict=True
    ):
        if cluster != previous:
            previous, carry = cluster, 0
        available = round(paid * 100) + carry
        carry_in.append(carry)
        carry = max(0, available - round(required * 100))
        carry_out.append(carry)
        shortfall.append(max(0, round(required * 100) - available))
    frame["balance"] = (frame["paid"] - frame["required"]).round(2)
    frame["carry_in"] = np.array(carry_in, dtype=float) / 100
    frame["carry_out"] = np.array(carry_out, dtype=float) / 100
    frame["shortfall"] = np.array(shortfall, dtype=float) / 100
    frame["rule_met"] = frame["shortfall"] == 0
    frame["met_if_outstanding_paid"] = (
        frame["paid"] + frame["carry_in"] + frame["outstanding"] - frame["required"]
    ).round(2) >= 0
    columns = ["cluster", "year", "subsidy", "required", "paid", "outstanding", "balance"]
    columns += ["carry_in", "carry_out", "rule_met", "shortfall", "met_if_outstanding_paid"]
    return frame[columns]


# --- chart -------------------------------------------------------------------------------


def lorenz_points(amounts: Iterable) -> tuple[list[float], list[float]]:
    """The curve: cumulative share of contributions (x) and of the total (y), largest first.

    >>> lorenz_points([300, 100, 100])
    ([0.0, 0.3333333333333333, 0.6666666666666666, 1.0], [0.0, 0.6, 0.8, 1.0])
    """
    cents = np.sort(_cents(amounts))[::-1]
    if not len(cents):
        return [0.0], [0.0]
    x = [i / len(cents) for i in range(len(cents) + 1)]
    y = [0.0, *(np.cumsum(cents) / cents.sum()).tolist()]
    return x, y


def _fit(text: str, inches: float, points: float = 8) -> str:
    """``text`` wrapped into lines that fit ``inches`` at ``points`` type (about 0.6 em a
    character, a little margin).

    >>> _fit("Aandeel van de bijdragen, grootste eerst", 2.2)
    'Aandeel van de bijdragen,\\ngrootste eerst'
    """
    chars = max(12, int((inches * 72 - 12) / (0.6 * points)))
    return textwrap.fill(text, chars, break_long_words=False)


def lorenz_chart(
    amounts_by_cluster: Mapping[str, Iterable[float]],
    lang: str = "nl",
    *,
    title: str | None = None,
    columns: int = 5,
) -> str:
    """Concentration curves as small multiples: one panel per cluster, as SVG.

    Each panel plots the cumulative share of the year's total (y) against the cumulative
    share of contributions taken largest first (x), with the diagonal of equal fees, the
    50 % line dashed and the point where the curve reaches it — k/N — marked and written
    as "k van N (p%)". The further the curve bulges to the top left, the more a few members
    carry the co-financing.

    Why small multiples: 20 curves in one frame would cross in a tangle near the 50 % line,
    the very place one wants to read, and 20 colours cannot be told apart. A bar chart of
    k/N would be clear but shows one number per cluster where the curve also shows whether
    the concentration sits in one payer (EUKA) or a broad upper tier (FLAG). Panels share
    axes, so the curves still compare at a glance. Panels follow the mapping's order; a
    cluster without contributions gets an empty panel saying so.
    """
    import matplotlib  # when a chart is drawn (analysis/charts.py)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    _check_lang(lang)
    names = list(amounts_by_cluster)
    ncols = max(1, min(columns, len(names)))
    nrows = max(1, math.ceil(len(names) / ncols))
    percent = FuncFormatter(lambda v, _: format_number(v, lang, percent=True))
    with matplotlib.rc_context(STYLE | {"font.size": 7.5, "axes.titlesize": 8.5}):
        fig = Figure(figsize=(1.6 * ncols + 0.6, 1.55 * nrows + 0.7), layout="constrained")
        fig.get_layout_engine().set(wspace=0.1)  # keeps "100%" clear of the next "0%"
        # Panels share their axes by hand: the same limits and ticks on each, tick labels on
        # the outer ones only. Shared axes (sharex/sharey) would do the same, but make the
        # constrained layout compare every panel with every other: minutes for 200 panels.
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for ax in axes.flat:
            ax._label_outer_xaxis(skip_non_rectangular_axes=True)
            ax._label_outer_yaxis(skip_non_rectangular_axes=True)
        for index, ax in enumerate(axes.flat):
            if index >= len(names):
                ax.set_axis_off()
                continue
            amounts = list(amounts_by_cluster[names[index]])
            x, y = lorenz_points(amounts)
            ax.set_title(str(names[index]))
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1.02)
            ax.set_xticks([0, 0.5, 1])
            ax.set_yticks([0, 0.5, 1])
            ax.xaxis.set_major_formatter(percent)
            ax.yaxis.set_major_formatter(percent)
            if len(x) == 1:
                ax.text(
                    0.5, 0.5, label("no_contributions", lang), ha="center", va="center", color=INK
                )
                continue
            stats = concentration(amounts, lang)
            ax.plot([0, 1], [0, 1], color="#bbbbbb", linewidth=0.7, linestyle=":")
            ax.axhline(HALF, color=MARKER, linewidth=0.7, linestyle="--")
            ax.plot(x, y, color=BAR, linewidth=1.3)
            k = stats["k"]
            ax.plot([x[k]], [y[k]], marker="o", markersize=3.5, color=MARKER)
            ax.annotate(
                stats["label"],
                (0.97, 0.05),
                xycoords="axes fraction",
                ha="right",
                va="bottom",
                color=INK,
            )
        # The axis labels wrapped to the figure: one panel (a cluster's page) is narrower
        # than "Aandeel van de bijdragen, grootste eerst" and cut it off at both ends.
        width, height = fig.get_size_inches()
        fig.supxlabel(_fit(label("lorenz_x", lang), width), fontsize=8, color=INK)
        fig.supylabel(_fit(label("lorenz_y", lang), height - 0.4), fontsize=8, color=INK)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        return to_svg(fig)
