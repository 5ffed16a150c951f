"""The member survey's analysis (issue 7): distributions, means with confidence intervals,
crosses with the four profile variables, the report's effect matrices (Figure 7), the Q9
shares, non-response, calibration (raking) weights and small-cell suppression.

Input: a DataFrame with one row per response: ``response_id``, the profile columns
``cluster``, ``call``, ``size`` (``small`` < 50 employees / ``medium_large`` ≥ 50),
``embedding`` and ``activity`` (from Q1: see :func:`add_activity`), and one column per
question named as in ``surveys/instrument.py`` (``q2``, ``q3_e1``, ...). Answers are the
choices' names (``"2"``, ``"yes"``; numbers are fine too); missing answers are None/NaN.
Questions are dicts as in a questionnaire's definition (``name``, ``type``, ``choices``).

Kinds of question (:func:`question_kind`): a ``select_one`` whose choice names are all
numbers is an ordinal **scale** (means, Mann-Whitney); any other ``select_one`` is
**nominal** (shares, chi-square); ``integer``/``decimal`` are **numeric** (treated as a
scale); ``select_multiple`` gets the share choosing each option, untested.

Weights: every function that takes ``weights`` (a Series aligned with the frame, e.g. from
:func:`rake`) adds weighted columns next to the unweighted ones; tests stay unweighted.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from clustermonitor.analysis.charts import BAR, MARKER

# small_cells: survey.small_cells, as before the rule moved to analysis/disclosure.py.
from clustermonitor.analysis.disclosure import (
    MIN_CELL,
    SUPPRESSED,
    small_cells,
)


def _stats():
    """scipy.stats, imported when a test is computed (it takes most of a second to
    import, and every process that only loads this module would pay it)."""
    from scipy import stats

    return stats


# The 2020 instrument's constants (data/reference/survey_instrument_2020.md), defined here
# once: the analysis package imports nothing outside itself, and surveys/instrument.py
# imports them from here.
EFFECT_GROUPS = {
    "collaboration": (
        "innovatiegerichte en operationele samenwerking",
        "innovation-oriented and operational collaboration",
    ),
    "networking": ("informeren en netwerking", "information and networking"),
    "leverage": ("leverage", "leverage"),
}
#: effect number → group (the survey's own numbering)
EFFECTS = {n: "collaboration" for n in (1, 2, 3, 4, 5, 9)}
EFFECTS |= {n: "networking" for n in (6, 7, 8)} | {n: "leverage" for n in (10, 11)}
#: effect number → short name (nl, en) for the matrices' key; the instrument's full
#: wording is in surveys/data/ibn_survey_2020.xlsx (q3_e1 ... q3_e11).
EFFECT_NAMES = {
    1: ("projectsamenwerking in de waardeketen", "project collaboration in the value chain"),
    2: ("zakelijke samenwerking in de waardeketen", "doing business in the value chain"),
    3: ("projectsamenwerking buiten de waardeketen", "project collaboration beyond the chain"),
    4: ("zakelijke samenwerking buiten de waardeketen", "doing business beyond the chain"),
    5: ("samenwerking met kennisinstellingen", "collaboration with knowledge institutions"),
    6: ("netwerk van adviseurs en dienstverleners", "network of advisers and service providers"),
    7: ("kennisdeling met andere bedrijven", "knowledge sharing with other companies"),
    8: ("kennis van onderzoek", "knowledge of research"),
    9: ("testen en valideren (pilootinfrastructuur)", "testing and validation (pilot lines)"),
    10: ("publieke financiering aantrekken", "attracting public funding"),
    11: ("toegang tot nieuwe markten", "access to new markets"),
}
#: Q9 answers that expect a gain within three years (the report's "> 60 %").
Q9_WITHIN_3Y = ("realised", "very_short", "within_3y")
#: The four profile variables every result is crossed with, and their values.
PROFILES = {
    "call": ("1", "2"),
    "size": ("small", "medium_large"),  # < 50 employees vs ≥ 50
    "embedding": ("zelfstandig", "gevestigd"),
    "activity": ("active", "non_active"),  # from q1
}
PROFILE_VARIABLES = tuple(PROFILES)  # call, size, embedding, activity
UNKNOWN = "unknown"
TOTAL = "all"
SCALE, NOMINAL, MULTIPLE, NUMERIC = "scale", "nominal", "multiple", "numeric"
MANN_WHITNEY, KRUSKAL, CHI_SQUARE = "mann-whitney", "kruskal-wallis", "chi-square"
REALISATION, CONTRIBUTION = "realisation", "contribution"
Y_RANGE = {REALISATION: (0, 2), CONTRIBUTION: (0, 100)}
GROUP_COLORS = {"collaboration": BAR, "networking": "#e69f00", "leverage": MARKER}
AXIS_LABELS = {
    "nl": {
        "x": "Gewenst effect (gemiddelde score 0–2, alle respondenten)",
        REALISATION: "Realisatie (gemiddelde score 0–2)",
        CONTRIBUTION: "Bijdrage van het netwerk (gemiddelde 0–100)",
        "wanting": "bij wie het effect wil bereiken",
    },
    "en": {
        "x": "Desired effect (mean score 0–2, all respondents)",
        REALISATION: "Realisation (mean score 0–2)",
        CONTRIBUTION: "Contribution of the network (mean 0–100)",
        "wanting": "among those who want the effect",
    },
}


# -- Answers ------------------------------------------------------------------------


def _text(value) -> str | None:
    """An answer as its choice name: 2, 2.0 and "2" are all "2"; missing is None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def as_numbers(series: pd.Series | None, index=None) -> pd.Series:
    """Answers as floats: "2", 2 and 2.0 are 2.0; anything else NaN."""
    if series is None:
        return pd.Series(np.nan, index=index, dtype="float64")
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _choice_names(choices) -> list[str]:
    return [str(c["name"]) if isinstance(c, Mapping) else str(c) for c in choices or []]


def question_kind(question: Mapping) -> str | None:
    """SCALE, NOMINAL, MULTIPLE, NUMERIC, or None for what is not analysed (text, notes).

    >>> question_kind({"type": "select_one", "choices": [{"name": "1"}, {"name": "2"}]})
    'scale'
    >>> question_kind({"type": "select_one yn", "choices": [{"name": "yes"}]})
    'nominal'
    >>> question_kind({"type": "integer"}), question_kind({"type": "text"})
    ('numeric', None)
    """
    base = str(question.get("type", "")).split(" ")[0]
    if base == "select_one":
        names = _choice_names(question.get("choices"))
        return SCALE if names and all(_is_number(n) for n in names) else NOMINAL
    if base == "select_multiple":
        return MULTIPLE
    if base in ("integer", "decimal", "range"):
        return NUMERIC
    return None


def add_activity(df: pd.DataFrame, question: str = "q1") -> pd.DataFrame:
    """The ``activity`` profile from Q1: yes → ``active``, no → ``non_active``, else unknown.

    >>> add_activity(pd.DataFrame({"q1": ["yes", "no", None]}))["activity"].tolist()
    ['active', 'non_active', 'unknown']
    """
    mapping = {"yes": "active", "ja": "active", "no": "non_active", "nee": "non_active"}
    answers = df[question] if question in df else pd.Series(None, index=df.index, dtype=object)
    return df.assign(activity=answers.map(lambda v: mapping.get(_text(v) or "", UNKNOWN)))


def _categories(series: pd.Series) -> pd.Series:
    return series.map(lambda v: _text(v) or UNKNOWN)


def profile_groups(df: pd.DataFrame, profile: str) -> pd.Series:
    """Each respondent's group of `profile` (unknown where it is missing), as `cross`
    breaks the answers down: computed once per profile by a caller that crosses every
    question with it."""
    return _categories(df[profile]) if profile in df else pd.Series(UNKNOWN, index=df.index)


def levels(values: pd.Series, variable: str | None = None) -> list[str]:
    """The groups present: known levels first (the instrument's order), then others
    sorted, unknown last.

    >>> levels(pd.Series(["unknown", "non_active", "active"]), "activity")
    ['active', 'non_active', 'unknown']
    """
    present = set(values)
    known = [v for v in PROFILES.get(variable, ()) if v in present]
    rest = sorted(present - set(known) - {UNKNOWN})
    return known + rest + ([UNKNOWN] if UNKNOWN in present else [])


# -- Distributions and means ----------------------------------------------------------


def distribution(series: pd.Series, choices, weights: pd.Series | None = None) -> pd.DataFrame:
    """Count and share of each choice among the answers (missing answers left out).

    Answers outside ``choices`` get rows of their own after them; ``weights`` adds a
    ``weighted_share`` column.

    >>> distribution(pd.Series(["yes", "no", "yes", None]), [{"name": "yes"}, {"name": "no"}])
      choice  n     share
    0    yes  2  0.666667
    1     no  1  0.333333
    """
    answers = series.map(_text)
    answered = answers.notna()
    names = _choice_names(choices)
    names += sorted(set(answers[answered]) - set(names))
    total = int(answered.sum())
    rows = []
    for name in names:
        hit = answers == name
        row = {"choice": name, "n": int(hit.sum()), "share": hit.sum() / total if total else np.nan}
        if weights is not None:
            w = weights[answered]
            row["weighted_share"] = weights[hit].sum() / w.sum() if w.sum() > 0 else np.nan
        rows.append(row)
    columns = ["choice", "n", "share", *(["weighted_share"] if weights is not None else [])]
    return pd.DataFrame(rows, columns=columns)


def _floats(values) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values
    return as_numbers(pd.Series(list(values), dtype=object)).to_numpy()


@functools.lru_cache(maxsize=4096)
def _t_quantile(q: float, dof: int):
    """`stats.t.ppf(q, dof)`, once per quantile and degrees of freedom: a results page
    asks for a thousand intervals, on a few hundred sample sizes."""
    return _stats().t.ppf(q, dof)


def mean_ci(values, level: float = 0.95) -> dict:
    """Mean with a t-interval (``mean ± t(n−1) · sd/√n``); below 2 answers no interval.

    >>> r = mean_ci([1, 2, 3, 4])
    >>> r["n"], r["mean"], round(r["sd"], 3), round(r["low"], 3), round(r["high"], 3)
    (4, 2.5, 1.291, 0.446, 4.554)
    >>> mean_ci([3])["low"] is None, mean_ci([None])["mean"] is None
    (True, True)
    """
    x = _floats(values)
    x = x[~np.isnan(x)]
    n = len(x)
    result = {"n": n, "mean": float(x.mean()) if n else None, "sd": None, "low": None, "high": None}
    if n >= 2:
        sd = float(x.std(ddof=1))
        half = _t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
        low, high = result["mean"] - half, result["mean"] + half
        result |= {"sd": sd, "low": float(low), "high": float(high)}
    return result


def weighted_mean_ci(values, weights, level: float = 0.95) -> dict:
    """Weighted mean Σwx/Σw with a t-interval from the linearised (with-replacement)
    variance n/(n−1) · Σ w²(x − x̄)² / (Σw)², the design-based standard; equal weights give
    :func:`mean_ci` back. ``n_eff`` is Kish's effective sample size (Σw)²/Σw².

    >>> r = weighted_mean_ci([1, 2, 3, 4], [1, 1, 1, 1])
    >>> r["mean"], round(r["low"], 3), r["n_eff"]
    (2.5, 0.446, 4.0)
    >>> round(weighted_mean_ci([1, 3], [3, 1])["mean"], 2)
    1.5
    """
    x, w = _floats(values), _floats(weights)
    keep = ~np.isnan(x) & ~np.isnan(w)
    x, w = x[keep], w[keep]
    n = len(x)
    result = {"n": n, "mean": None, "low": None, "high": None, "n_eff": None}
    if n == 0 or w.sum() <= 0:
        return result
    mean = float((w * x).sum() / w.sum())
    result |= {"mean": mean, "n_eff": float(w.sum() ** 2 / (w**2).sum())}
    if n >= 2:
        se = math.sqrt(n / (n - 1) * ((w * (x - mean)) ** 2).sum() / w.sum() ** 2)
        half = _t_quantile(0.5 + level / 2, n - 1) * se
        result |= {"low": float(mean - half), "high": float(mean + half)}
    return result


# -- Crosses with the profile variables -------------------------------------------------


def _rank_test(samples: dict[str, np.ndarray]) -> dict:
    """Mann-Whitney U (two-sided) for two groups, Kruskal-Wallis for more; the direction
    is the group with the highest mean rank."""
    samples = {k: v for k, v in samples.items() if len(v)}
    if len(samples) < 2 or len(np.unique(np.concatenate(list(samples.values())))) < 2:
        return {}
    names = list(samples)
    if len(names) == 2:
        a, b = samples[names[0]], samples[names[1]]
        result = _stats().mannwhitneyu(a, b, alternative="two-sided")
        middle = len(a) * len(b) / 2
        higher = names[0] if result.statistic > middle else names[1]
        higher = None if result.statistic == middle else higher
        test = MANN_WHITNEY
    else:
        result = _stats().kruskal(*samples.values())
        ranks = _stats().rankdata(np.concatenate(list(samples.values())))
        bounds = np.cumsum([0] + [len(v) for v in samples.values()])
        means = [ranks[bounds[i] : bounds[i + 1]].mean() for i in range(len(names))]
        higher, test = names[int(np.argmax(means))], KRUSKAL
    return {
        "test": test,
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "higher_in": higher,
        "direction": f"higher in {higher}" if higher else "no difference",
    }


def _chi_square(observed: pd.DataFrame) -> dict:
    """chi2_contingency on groups × choices without empty rows and columns (scipy's
    default: Yates' continuity correction on a 2 × 2 table). Direction: the cell with the
    largest Pearson residual (O − E)/√E, "<choice> more often in <group>"."""
    observed = observed.loc[observed.sum(axis=1) > 0, observed.sum(axis=0) > 0]
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        return {}
    result = _stats().chi2_contingency(observed.to_numpy())
    expected = result.expected_freq
    residuals = (observed.to_numpy() - expected) / np.sqrt(expected)
    row, column = np.unravel_index(int(np.argmax(residuals)), residuals.shape)
    group, choice = observed.index[row], observed.columns[column]
    return {
        "test": CHI_SQUARE,
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "dof": int(result.dof),
        "over": (choice, group),
        "direction": f"{choice} more often in {group}",
        "note": "expected counts below 5: approximate" if (expected < 5).any() else "",
    }


def cross(
    df: pd.DataFrame,
    question: Mapping,
    profile: str,
    weights: pd.Series | None = None,
    groups: pd.Series | None = None,
) -> dict:
    """One question by one profile variable, with a test of the difference.

    Scales and numbers: per group ``n``, ``mean``, 95 % CI (``low``, ``high``) and, with
    ``weights``, ``weighted_mean``; tested with Mann-Whitney U, two-sided (Kruskal-Wallis
    for more than two groups). Nominal questions: per group and choice ``n`` (answers in
    the group), ``count``, ``share`` (``weighted_share``); tested with chi-square. The
    ``unknown`` group is shown but never tested. Returns ``table`` and ``test``,
    ``statistic``, ``p_value``, ``direction`` (None when nothing can be tested), and
    ``higher_in`` (scales) or ``over`` = (choice, group) (nominal). ``groups``: the
    profile's groups (`profile_groups`) when the caller has them already.

    >>> df = pd.DataFrame({"q2": ["4", "3", "4", "1", "2", "1"],
    ...                    "activity": ["active"] * 3 + ["non_active"] * 3})
    >>> r = cross(df, {"name": "q2", "type": "select_one", "choices": list("1234")}, "activity")
    >>> r["table"][["group", "n", "mean"]]
            group  n      mean
    0      active  3  3.666667
    1  non_active  3  1.333333
    >>> r["test"], r["statistic"], round(r["p_value"], 3), r["direction"]
    ('mann-whitney', 9.0, 0.072, 'higher in active')
    """
    kind, name = question_kind(question), question["name"]
    if groups is None:
        groups = profile_groups(df, profile)
    order = levels(groups, profile)
    base = {"question": name, "profile": profile, "kind": kind, "test": None, "statistic": None}
    base |= {"p_value": None, "direction": None, "higher_in": None, "over": None, "note": ""}
    column = df[name] if name in df else pd.Series(None, index=df.index, dtype=object)
    if kind in (SCALE, NUMERIC):
        values = as_numbers(column)
        rows, samples = [], {}
        x, g = values.to_numpy(), groups.to_numpy()
        w = None if weights is None else weights.to_numpy(dtype="float64")
        for level in order:
            mask = (g == level) & ~np.isnan(x)
            ci = mean_ci(x[mask])
            row = {"group": level, "n": ci["n"], "mean": ci["mean"], "low": ci["low"]}
            row["high"] = ci["high"]
            if w is not None:
                row["weighted_mean"] = weighted_mean_ci(x[mask], w[mask])["mean"]
            rows.append(row)
            if level != UNKNOWN:
                samples[level] = x[mask]
        table = pd.DataFrame(rows)
        return base | {"table": table} | _rank_test(samples)
    if kind == NOMINAL:
        answers = column.map(_text)
        rows = []
        for level in order:
            mask = (groups == level) & answers.notna()
            shares = distribution(
                answers[mask], question.get("choices"), None if weights is None else weights[mask]
            )
            for _, share in shares.iterrows():
                rows.append({"group": level, "choice": share["choice"], "n": int(mask.sum())})
                rows[-1] |= {"count": share["n"], "share": share["share"]}
                if weights is not None:
                    rows[-1]["weighted_share"] = share["weighted_share"]
        table = pd.DataFrame(rows)
        known = table[table["group"] != UNKNOWN] if len(table) else table
        observed = (
            known.pivot(index="group", columns="choice", values="count") if len(known) else None
        )
        return base | {"table": table} | ({} if observed is None else _chi_square(observed))
    if kind == MULTIPLE:
        rows = []
        w = pd.Series(1.0, index=df.index) if weights is None else weights
        for level in order:
            answers = column[groups == level]
            picked = [(set(str(v).split()), w[i]) for i, v in answers.items() if _text(v)]
            total = sum(wi for _, wi in picked)
            for choice in _choice_names(question.get("choices")):
                count = sum(choice in p for p, _ in picked)
                row = {"group": level, "choice": choice, "n": len(picked), "count": count}
                row["share"] = count / len(picked) if picked else np.nan
                if weights is not None:
                    hit = sum(wi for p, wi in picked if choice in p)
                    row["weighted_share"] = hit / total if total > 0 else np.nan
                rows.append(row)
        return base | {"table": pd.DataFrame(rows)}
    return base | {"table": pd.DataFrame()}


# -- Effect matrices (Figure 7) ---------------------------------------------------------


def _mean_or_nan(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.mean()) if len(values) else np.nan


def effect_matrix(
    df: pd.DataFrame,
    effects: Mapping[int, str] = EFFECTS,
    kind: str = REALISATION,
    weights: pd.Series | None = None,
) -> dict:
    """One point per effect: ``x`` = mean wish Q3–Q4 (0–2) over all respondents who
    answered it (``n_x``); ``y`` = mean realisation Q5 (0–2, ``kind="realisation"``) or
    mean contribution Q6 (0–100, ``kind="contribution"``) over the respondents who want
    the effect (wish > 0) and answered (``n_y``). ``x_mean`` and ``y_mean`` (the
    cross-hairs) are the unweighted means of the points' coordinates, each effect counting
    once, as in the report's figure — not the mean over all answers. ``weights`` adds
    ``weighted_x``/``weighted_y``.

    >>> df = pd.DataFrame({"q3_e1": [2, 1, 0, 2], "q5_e1": [2, 1, None, 0],
    ...                    "q3_e6": [0, 0, 1, None], "q5_e6": [None, None, 2, None]})
    >>> m = effect_matrix(df, {1: "collaboration", 6: "networking"})
    >>> m["points"].round(2)
       effect          group     x  n_x    y  n_y
    0       1  collaboration  1.25    4  1.0    3
    1       6     networking  0.33    3  2.0    1
    >>> round(m["x_mean"], 3), m["y_mean"]
    (0.792, 1.5)
    """
    if kind not in Y_RANGE:
        raise ValueError(f"kind must be one of {sorted(Y_RANGE)}, not {kind!r}")
    answer = "q5_e{}" if kind == REALISATION else "q6_e{}"
    numbers = sorted(effects)

    def block(name: str) -> np.ndarray:  # respondents × effects, NaN where unanswered
        columns = [as_numbers(df.get(name.format(e)), df.index).to_numpy() for e in numbers]
        return np.column_stack(columns) if columns else np.empty((len(df), 0))

    wish = block("q3_e{}")
    y = np.where(wish > 0, block(answer), np.nan)
    n_x, n_y = (~np.isnan(wish)).sum(axis=0), (~np.isnan(y)).sum(axis=0)
    points = pd.DataFrame(
        {
            "effect": numbers,
            "group": [effects[e] for e in numbers],
            "x": _column_means(wish, None),
            "n_x": n_x.astype(int),
            "y": _column_means(y, None),
            "n_y": n_y.astype(int),
        }
    )
    if weights is not None:
        w = weights.to_numpy(dtype="float64")
        points["weighted_x"], points["weighted_y"] = _column_means(wish, w), _column_means(y, w)
    return {"kind": kind, "points": points} | axis_means(points)


def _column_means(values: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """Per column the (weighted) mean of the non-missing values; NaN for an empty column."""
    present = ~np.isnan(values)
    w = np.ones(len(values)) if weights is None else weights
    totals = (present * w[:, None]).sum(axis=0)
    sums = (np.where(present, values, 0.0) * w[:, None]).sum(axis=0)
    means = np.full(values.shape[1], np.nan)
    np.divide(sums, totals, out=means, where=totals > 0)
    return means


def axis_means(points: pd.DataFrame) -> dict:
    """The cross-hairs: the mean of the points' x and of their y (each effect once)."""
    if not len(points):
        return {"x_mean": np.nan, "y_mean": np.nan}
    return {"x_mean": _mean_or_nan(points["x"]), "y_mean": _mean_or_nan(points["y"])}


def suppress_matrix(matrix: dict, min_n: int = MIN_CELL) -> tuple[dict, int]:
    """The matrix with coordinates resting on fewer than ``min_n`` answers removed (x when
    ``n_x`` < min_n, y when ``n_y`` < min_n), and the cross-hairs recomputed from what is
    left (so they cannot give a removed point away). Returns (matrix, points removed)."""
    points = matrix["points"].copy()
    small_x, small_y = points["n_x"] < min_n, (points["n_y"] < min_n) | (points["n_x"] < min_n)
    for column, small in (("x", small_x), ("y", small_y)):
        points.loc[small, column] = np.nan
        if f"weighted_{column}" in points:
            points.loc[small, f"weighted_{column}"] = np.nan
    return matrix | {"points": points} | axis_means(points), int((small_x | small_y).sum())


def effect_matrix_svg(
    matrix: dict, lang: str = "nl", title: str | None = None, figsize=(6.4, 5.4)
) -> str:
    """The matrix as a deterministic SVG scatter with its key: see
    :func:`clustermonitor.analysis.effect_chart.effect_matrix_svg`."""
    from clustermonitor.analysis.effect_chart import effect_matrix_svg as draw

    return draw(matrix, lang, title, figsize)


# -- Q9 -------------------------------------------------------------------------------


def q9_shares(
    df: pd.DataFrame,
    by: str | None = None,
    weights: pd.Series | None = None,
    question: str = "q9",
    within: Sequence[str] = Q9_WITHIN_3Y,
) -> pd.DataFrame:
    """Share expecting a competitiveness gain within 3 years (already realised, very short
    term or within 3 years) among all who answered Q9 ("don't know" included), overall
    (group ``all``) and per group of ``by``.

    >>> df = pd.DataFrame({"q9": ["realised", "no", "within_3y", "dont_know", None],
    ...                    "size": ["small", "small", "medium_large", "medium_large", "small"]})
    >>> q9_shares(df, "size")
              group  n  n_within  share
    0           all  4         2    0.5
    1         small  2         1    0.5
    2  medium_large  2         1    0.5
    """
    answers = df[question].map(_text) if question in df else pd.Series(None, index=df.index)
    answered = answers.notna()
    hit = answers.isin(list(within))
    groups = [(TOTAL, answered)]
    if by is not None:
        categories = _categories(df[by]) if by in df else pd.Series(UNKNOWN, index=df.index)
        groups += [(level, answered & (categories == level)) for level in levels(categories, by)]
    rows = []
    for group, mask in groups:
        n = int(mask.sum())
        row = {"group": group, "n": n, "n_within": int((hit & mask).sum())}
        row["share"] = row["n_within"] / n if n else np.nan
        if weights is not None:
            total = weights[mask].sum()
            row["weighted_share"] = weights[mask & hit].sum() / total if total > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# -- Non-response and raking ------------------------------------------------------------


def nonresponse(
    respondents: pd.DataFrame,
    population: pd.DataFrame,
    variables: Sequence[str],
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Invited against respondents, per variable and category: ``invited``,
    ``invited_share``, ``respondents``, ``respondent_share``, ``response_rate``
    (respondents / invited; NaN without invitations), and with ``weights`` the
    ``weighted_share`` of the respondents (after raking it equals the invited share on
    every raked variable). Missing values count as ``unknown``.

    >>> population = pd.DataFrame({"size": ["small"] * 6 + ["medium_large"] * 4})
    >>> respondents = pd.DataFrame({"size": ["small", "medium_large", "medium_large"]})
    >>> table = nonresponse(respondents, population, ["size"])
    >>> table[["category", "invited", "invited_share", "respondents", "response_rate"]]
           category  invited  invited_share  respondents  response_rate
    0         small        6            0.6            1       0.166667
    1  medium_large        4            0.4            2       0.500000
    """
    rows = []
    for variable in variables:
        invited = _categories(population[variable]).value_counts()
        answered = _categories(respondents[variable])
        counts = answered.value_counts()
        for category in levels(pd.Series([*invited.index, *counts.index]), variable):
            row = {"variable": variable, "category": category}
            row["invited"] = int(invited.get(category, 0))
            row["invited_share"] = row["invited"] / len(population) if len(population) else np.nan
            row["respondents"] = int(counts.get(category, 0))
            row["respondent_share"] = (
                row["respondents"] / len(respondents) if len(respondents) else np.nan
            )
            row["response_rate"] = row["respondents"] / row["invited"] if row["invited"] else np.nan
            if weights is not None:
                total = weights.sum()
                row["weighted_share"] = (
                    weights[answered == category].sum() / total if total > 0 else np.nan
                )
            rows.append(row)
    return pd.DataFrame(rows)


def raking_targets(population: pd.DataFrame, variables: Sequence[str]) -> dict:
    """The population's shares per variable: ``{variable: {category: share}}``.

    >>> raking_targets(pd.DataFrame({"call": ["1", "1", "2", "1"]}), ["call"])
    {'call': {'1': 0.75, '2': 0.25}}
    """
    return {
        v: {str(k): float(s) for k, s in _categories(population[v]).value_counts(True).items()}
        for v in variables
    }


def target_problem(sample: pd.DataFrame, variable: str, shares: Mapping) -> str | None:
    """Why ``sample`` cannot be raked to ``shares`` on ``variable`` (None when it can)."""
    if variable not in sample:
        return f"the respondents have no column {variable!r}"
    present = set(_categories(sample[variable]))
    wanted = {str(k) for k, s in shares.items() if s > 0}
    if missing := sorted(wanted - present):
        return f"no respondents with {variable} = {', '.join(missing)}: merge or leave it out"
    if extra := sorted(present - wanted):
        return f"respondents with {variable} = {', '.join(extra)}, which the targets lack"
    return None


def rake(
    sample: pd.DataFrame, targets: Mapping[str, Mapping], max_iter: int = 100, tol: float = 1e-8
) -> dict:
    """Calibration weights by raking (iterative proportional fitting): starting from 1,
    the weights are multiplied, variable after variable, by target share / weighted share
    of each category, until every weighted margin is within ``tol`` of its target (or
    ``max_iter`` passes). Each pass ends with the weights summing to n: mean weight 1.
    Target shares are normalised to sum to 1. A category with a target but no respondents
    (or respondents but no target) raises ``ValueError``: no weight can fix it.

    Returns ``weights`` (a Series on the sample's index), ``converged``, ``iterations``
    and ``max_error`` (largest |weighted share − target| at the end).

    >>> sample = pd.DataFrame({"size": ["small", "small", "small", "medium_large"]})
    >>> r = rake(sample, {"size": {"small": 0.5, "medium_large": 0.5}})
    >>> [round(w, 4) for w in r["weights"]], r["converged"], r["iterations"]
    ([0.6667, 0.6667, 0.6667, 2.0], True, 1)
    """
    n = len(sample)
    if n == 0:
        raise ValueError("no respondents to weight")
    normalised = {}
    for variable, shares in targets.items():
        if problem := target_problem(sample, variable, shares):
            raise ValueError(f"cannot rake on {variable}: {problem}")
        total = sum(float(s) for s in shares.values())
        normalised[variable] = {str(k): float(s) / total for k, s in shares.items() if s > 0}
    values = {v: _categories(sample[v]).to_numpy() for v in normalised}
    weights = np.ones(n)
    error, iterations = np.inf, 0
    while normalised and iterations < max_iter and not error < tol:
        iterations += 1
        for variable, shares in normalised.items():
            for category, share in shares.items():
                mask = values[variable] == category
                weights[mask] *= share * n / weights[mask].sum()
        error = max(
            abs(weights[values[v] == c].sum() / n - s)
            for v, shares in normalised.items()
            for c, s in shares.items()
        )
    return {
        "weights": pd.Series(weights, index=sample.index, name="weight"),
        "converged": bool(error < tol) or not normalised,
        "iterations": iterations,
        "max_error": float(error) if normalised else 0.0,
    }


# -- Privacy ----------------------------------------------------------------------------
# The rule itself (primary and secondary, MIN_CELL, the markers): analysis/disclosure.py.


def suppress(
    table: pd.DataFrame,
    n_column: str = "n",
    min_n: int = MIN_CELL,
    marker: str = SUPPRESSED,
    keep: Sequence[str] | None = None,
    secondary: bool = False,
) -> tuple[pd.DataFrame, int]:
    """Replace every cell of a row resting on fewer than ``min_n`` respondents (its
    ``n_column``, itself included) by ``marker``; the ``keep`` columns (default: the text
    columns, i.e. the labels) stay. ``secondary`` as in :func:`small_cells`. Returns
    (table, rows suppressed).

    >>> table = pd.DataFrame({"group": ["a", "b", "c"], "n": [4, 5, 9], "mean": [1.0, 2.0, 3.0]})
    >>> shown, count = suppress(table)
    >>> shown.values.tolist(), count
    ([['a', '< 5', '< 5'], ['b', 5, 2.0], ['c', 9, 3.0]], 1)
    >>> suppress(table, secondary=True)[0]["mean"].tolist()
    ['< 5', '< 5', 3.0]
    """
    out = table.astype(object)
    counts = pd.to_numeric(table[n_column], errors="coerce")
    rows = small_cells(dict(enumerate(counts)), min_n, secondary)
    small = pd.Series([i in rows for i in range(len(table))], index=table.index, dtype=bool)
    if keep is None:
        keep = [
            c
            for c in table.columns
            if not pd.api.types.is_numeric_dtype(table[c]) and c != n_column
        ]
    columns = [c for c in table.columns if c not in keep]
    if small.any() and columns:
        out.loc[small, columns] = marker
    return out, int(small.sum())
