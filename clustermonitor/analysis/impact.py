"""Does membership of a programme cluster make companies grow? (issue 20)

A staggered difference-in-differences estimate from the companies' annual accounts:
member companies (treated from their first year as a member, their *cohort*) against
comparable companies that are not (yet) members. Pure: pandas, numpy, scipy and the
pinned `diff-diff` library (docs/impact.md#method says why that one), no Django.

- ``callaway-santanna`` (the default): Callaway & Sant'Anna (2021) group-time effects
  ATT(g, t), each a 2 × 2 comparison of cohort g with the firms not yet treated at t
  (never-treated firms and later cohorts before their entry), averaged over the
  treated firm-years ("simple" aggregation) and by time since entry (event study).
- ``callaway-santanna-never``: the same with never-treated firms only as comparison.
- ``imputation``: Borusyak, Jaravel & Spiess (2024): firm and year effects fitted on
  untreated firm-years, the untreated outcome imputed for the treated ones.

Standard errors are clustered by firm (influence functions, analytic: no bootstrap, so
no randomness). Beside it, only as the naive contrast, the two-way fixed-effects
regression of y on the treated dummy (firm and year effects, clustered by firm), computed
here by exact alternating projections.

Every float in the result is rounded to 6 significant digits (``_num``), so the same
panel gives the same JSON bytes whatever the row order, process or hash seed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

OUTCOMES: dict[str, str] = {
    "fte": "Average employment (FTE)",
    "turnover": "Turnover (log)",
    "gross_margin": "Gross margin (log)",
    "fte_growth": "Employment growth (change in log FTE)",
    "turnover_growth": "Turnover growth (change in log turnover)",
    "gross_margin_growth": "Gross margin growth (change in log gross margin)",
}
METHODS: tuple[str, ...] = ("callaway-santanna", "callaway-santanna-never", "imputation")
DEFAULT_METHOD = METHODS[0]
#: Every figure resting on fewer treated or comparison firms than this is suppressed.
MIN_FIRMS = 10
#: Significant digits of every float in a result.
DIGITS = 6

_CS_PRETREND = "Wald chi-squared test that the pre-entry event-study effects are jointly zero"
_BJS_PRETREND = (
    "Borusyak-Jaravel-Spiess pre-trend test: Wald F on pre-entry leads "
    "fitted on the untreated firm-years"
)


# --------------------------------------------------------------------------- outcomes


def outcome_frame(accounts: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The outcome ``y`` per firm and year from the accounts (columns firm, year, fte,
    turnover, gross_margin; NaN where a filing does not report it).

    ``fte`` as it is; ``turnover`` and ``gross_margin`` as natural log of the values
    above zero (others dropped, never imputed); ``*_growth`` the change of the log
    (of FTE too, FTE > 0) between consecutive years only. Sorted by firm, year."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; one of {', '.join(OUTCOMES)}")
    base = outcome.removesuffix("_growth")
    frame = pd.DataFrame(
        {
            "firm": accounts["firm"].astype(str).to_numpy(),
            "year": accounts["year"].astype("int64").to_numpy(),
            "v": pd.to_numeric(accounts[base], errors="coerce").astype(float).to_numpy(),
        }
    )
    if frame.duplicated(["firm", "year"]).any():
        raise ValueError("accounts: more than one row for a firm and year")
    frame = frame.sort_values(["firm", "year"], kind="mergesort").reset_index(drop=True)
    if outcome == "fte":
        frame = frame[np.isfinite(frame["v"])]
        y = frame["v"]
    else:
        frame = frame[np.isfinite(frame["v"]) & (frame["v"] > 0)]
        y = np.log(frame["v"])
        if outcome != base:  # growth: consecutive years of the same firm only
            consecutive = (frame["firm"] == frame["firm"].shift()) & (
                frame["year"] == frame["year"].shift() + 1
            )
            y = (y - y.shift()).where(consecutive)
    out = pd.DataFrame({"firm": frame["firm"], "year": frame["year"], "y": y.astype(float)})
    return out[out["y"].notna()].reset_index(drop=True)


# --------------------------------------------------------------------------- rounding


def _num(value) -> float | None:
    """A float rounded to ``DIGITS`` significant digits; None for NaN, inf or None."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    rounded = float(f"{value:.{DIGITS}g}")
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def _ci(low, high) -> list | None:
    low, high = _num(low), _num(high)
    return None if low is None or high is None else [low, high]


# --------------------------------------------------------------------------- the panel


def _prepare(panel: pd.DataFrame, covariates: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """The rows the estimate uses, sorted, with integer firm codes (``unit``) and the
    cohort as an int (``g``, 0 = not treated within the panel); and what was left out."""
    missing = [c for c in ("firm", "year", "y", "cohort", *covariates) if c not in panel]
    if missing:
        raise ValueError(f"panel: missing columns {missing}")
    panel = panel.reset_index(drop=True)
    data = pd.DataFrame(
        {
            "firm": panel["firm"].astype(str),
            "year": panel["year"].astype("int64"),
            "y": pd.to_numeric(panel["y"], errors="coerce").astype(float),
            "cohort": panel["cohort"].astype("Int64"),
        }
    )
    for c in covariates:
        data[c] = panel[c]
    data = data[np.isfinite(data["y"])]
    data = data.assign(unit=pd.factorize(data["firm"], sort=True)[0])
    data = data.sort_values(["unit", "year"], kind="mergesort").reset_index(drop=True)
    unit, year = data["unit"].to_numpy(), data["year"].to_numpy()
    same = unit[1:] == unit[:-1]
    if (same & (year[1:] == year[:-1])).any():
        raise ValueError("panel: more than one row for a firm and year")
    cohort = data["cohort"].fillna(-1).to_numpy("int64")
    if (same & (cohort[1:] != cohort[:-1])).any():
        raise ValueError("panel: a firm's cohort differs between its rows")
    dropped = {"n_dropped_always_treated": 0, "n_dropped_missing_covariates": 0}
    if data.empty:
        return data.assign(unit=pd.Series(dtype="int64"), g=pd.Series(dtype="int64")), dropped
    first, last = int(data["year"].min()), int(data["year"].max())
    cohort = data["cohort"]
    # Treated from the panel's first year on (or before): no pre-entry year to compare.
    always = cohort.notna() & (cohort <= first)
    dropped["n_dropped_always_treated"] = int(data.loc[always.to_numpy(), "firm"].nunique())
    data = data[~always.to_numpy()]
    if covariates:
        incomplete = data[list(covariates)].isna().any(axis=1)
        bad = set(data.loc[incomplete.to_numpy(), "firm"])
        dropped["n_dropped_missing_covariates"] = len(bad)
        data = data[~data["firm"].isin(bad).to_numpy()]
    # Entered after the panel's last year: untreated in every year we see.
    g = data["cohort"].astype("Float64").fillna(0).astype("int64")
    data = data.assign(g=np.where(g > last, 0, g))
    # firm codes 0..n-1 in the order of the firm ids (the rows stay sorted by them)
    data = data.assign(unit=pd.factorize(data["unit"], sort=True)[0].astype("int64"))
    return data.reset_index(drop=True), dropped


def _encode(data: pd.DataFrame, covariates: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Numeric covariates as they are; the others one column per value but the first
    (values sorted as text), named ``_x0``, ``_x1``… in that order."""
    columns, names = {}, []
    for c in covariates:
        col = data[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            columns[f"_x{len(columns)}"] = col.astype(float).to_numpy()
            continue
        text = col.astype(str)
        for value in sorted(text.unique())[1:]:
            columns[f"_x{len(columns)}"] = (text == value).astype(float).to_numpy()
    names = list(columns)
    return data.assign(**columns), names


def _counts(data: pd.DataFrame, method: str) -> dict:
    """Treated firms (a year at or after entry and a pre-entry year to compare it with)
    and comparison firms (never treated; for the not-yet-treated comparison also later
    cohorts in a year before their entry in which an earlier cohort is treated)."""
    unit, year, g = data["unit"].to_numpy(), data["year"].to_numpy(), data["g"].to_numpy()
    treated_rows = g > 0
    # Callaway & Sant'Anna compare with the year before entry; imputation with any before
    before = (year < g) if method == "imputation" else (year == g - 1)
    pre = treated_rows & before
    post = treated_rows & (year >= g)
    n_treated = len(np.intersect1d(np.unique(unit[pre]), np.unique(unit[post])))
    comparison = set(np.unique(unit[g == 0]).tolist())
    if method != "callaway-santanna-never" and treated_rows.any():
        earliest = g[treated_rows].min()
        not_yet = treated_rows & (year < g) & (year >= earliest)
        comparison |= set(np.unique(unit[not_yet]).tolist())
    return {"n_treated": n_treated, "n_control": len(comparison)}


def _event_counts(data: pd.DataFrame, method: str, events: Sequence[int]) -> dict[int, int]:
    """Per time since entry e: the treated firms observed at g + e and at the year the
    estimator compares it with (CS: the year before entry, or before g + e for e < 0;
    imputation: any pre-entry year)."""
    treated = data[data["g"] > 0]
    seen = set(
        zip(treated["unit"].to_numpy().tolist(), treated["year"].to_numpy().tolist(), strict=True)
    )
    has_pre = set(treated.loc[treated["year"] < treated["g"], "unit"].tolist())
    firms = treated.drop_duplicates("unit")[["unit", "g"]].to_numpy().tolist()
    out = {}
    for e in events:
        n = 0
        for u, g in firms:
            if (u, g + e) not in seen:
                continue
            if method == "imputation":
                n += u in has_pre
            else:
                base = g - 1 if e >= 0 else g + e - 1
                n += (u, base) in seen
        out[e] = n
    return out


# --------------------------------------------------------------------------- TWFE


def twfe(data: pd.DataFrame, alpha: float = 0.05) -> dict:
    """The naive two-way fixed-effects estimate: y on the treated dummy with firm and
    year effects (exact on an unbalanced panel: alternating projections until a step
    changes nothing beyond 1e-10 of the outcome's scale),
    standard error clustered by firm (CR1: G / (G − 1)), interval on t(G − 1)."""
    none = {"att": None, "se": None, "ci": None}
    if data.empty:
        return none
    unit = data["unit"].to_numpy()
    _, t_idx = np.unique(data["year"].to_numpy(), return_inverse=True)
    d = (data["g"].to_numpy() > 0) & (data["year"].to_numpy() >= data["g"].to_numpy())
    y, d = data["y"].to_numpy(float).copy(), d.astype(float)
    n_u, n_t = np.bincount(unit).astype(float), np.bincount(t_idx).astype(float)
    both = np.column_stack([y, d])
    tolerance = 1e-10 * max(1.0, float(np.abs(y).max()))
    for _ in range(5_000):
        before = both.copy()
        for idx, n in ((unit, n_u), (t_idx, n_t)):
            for k in range(2):
                both[:, k] -= (np.bincount(idx, both[:, k], minlength=len(n)) / n)[idx]
        if np.abs(both - before).max() < tolerance:
            break
    yt, dt = both[:, 0], both[:, 1]
    sdd = float(dt @ dt)
    if sdd < 1e-12:
        return none
    beta = float(yt @ dt) / sdd
    scores = np.bincount(unit, dt * (yt - beta * dt))
    clusters = len(np.unique(unit))
    if clusters < 2:
        return none
    se = math.sqrt(float(scores @ scores) * clusters / (clusters - 1)) / sdd
    from scipy import stats  # a second or more: not with the module (the API's URLs)

    crit = stats.t.ppf(1 - alpha / 2, clusters - 1)
    return {"att": _num(beta), "se": _num(se), "ci": _ci(beta - crit * se, beta + crit * se)}


# --------------------------------------------------------------------------- estimate


def _fit(data: pd.DataFrame, method: str, xs: list[str], alpha: float, window):
    """The library's estimate: (att, se, ci, event-study frame, pre-trend p)."""
    from diff_diff import CallawaySantAnna, ImputationDiD

    lo = window[0]
    if method == "imputation":
        # the event study's variance costs one sparse solve per horizon: only the window's
        est = ImputationDiD(
            alpha=alpha,
            cluster=None,
            pretrends=True,
            rank_deficient_action="silent",
            horizon_max=max(-lo, window[1], 1),
        )
        res = est.fit(data, outcome="y", unit="unit", time="year", first_treat="g")
    else:
        control = "never_treated" if method == "callaway-santanna-never" else "not_yet_treated"
        est = CallawaySantAnna(
            control_group=control,
            estimation_method="reg",
            alpha=alpha,
            cluster=None,
            n_bootstrap=0,
            rank_deficient_action="silent",
            pscore_fallback="unconditional",
        )
        res = est.fit(
            data, outcome="y", unit="unit", time="year", first_treat="g", covariates=xs or None
        )
    es = res.aggregate("event_study")
    frame = pd.DataFrame(
        {
            "e": np.asarray(es.event_time).astype(int),
            "att": np.asarray(es.att, float),
            "se": np.asarray(es.se, float),
            "lo": np.asarray(es.conf_int_lower, float),
            "hi": np.asarray(es.conf_int_upper, float),
            "ref": np.asarray(es.is_reference, bool),
        }
    )
    pretrend = None
    if method == "imputation":
        leads = sorted(e for e in frame["e"] if lo <= e < -1)
        if leads:
            try:
                pretrend = res.pretrend_test(n_leads=len(leads)).get("p_value")
            except (ValueError, np.linalg.LinAlgError):
                pretrend = None
    else:
        pretrend = (
            "vcov",
            es.vcov,
            np.asarray(es.vcov_index).astype(int) if es.vcov is not None else None,
        )
    return res.overall_att, res.overall_se, res.overall_conf_int, frame, pretrend


def _wald(frame: pd.DataFrame, vcov, index) -> float | None:
    """p of the joint chi-squared test that the listed effects are zero."""
    if vcov is None or frame.empty:
        return None
    pos = {int(e): i for i, e in enumerate(index)}
    keep = [pos[e] for e in frame["e"] if e in pos]
    if not keep:
        return None
    v = np.asarray(vcov, float)[np.ix_(keep, keep)]
    b = frame["att"].to_numpy(float)
    if not (np.isfinite(v).all() and np.isfinite(b).all()):
        return None
    rank = np.linalg.matrix_rank(v)
    if rank == 0:
        return None
    stat = float(b @ np.linalg.pinv(v) @ b)
    from scipy import stats  # a second or more: not with the module (the API's URLs)

    return float(stats.chi2.sf(stat, rank))


def estimate(
    panel: pd.DataFrame,
    *,
    method: str = DEFAULT_METHOD,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
    window: tuple[int, int] = (-5, 5),
    min_firms: int = MIN_FIRMS,
) -> dict:
    """The effect of entry on ``y``: columns firm, year, y, cohort (Int64, first year
    treated, <NA> never) and the ``covariates`` named. See the module docstring and
    docs/impact.md#method; the result is JSON-ready and the same bytes for the same
    panel in any row order."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    if method == "imputation" and covariates:
        raise ValueError(
            "the imputation method takes no covariates here (firm-level covariates are "
            "absorbed by the firm effects); use a callaway-santanna method"
        )
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie between 0 and 1")
    lo, hi = int(window[0]), int(window[1])
    if lo > hi:
        raise ValueError("window: the first bound must not exceed the second")
    covariates = list(covariates)
    data, dropped = _prepare(panel, covariates)
    counts = _counts(data, method) if len(data) else {"n_treated": 0, "n_control": 0}
    result = {
        "method": method,
        "covariates": covariates,
        "alpha": alpha,
        "att": None,
        "se": None,
        "ci": None,
        **counts,
        "n_obs": len(data),
        **dropped,
        "pretrend_p": None,
        "pretrend_test": _BJS_PRETREND if method == "imputation" else _CS_PRETREND,
        "event_study": [],
        "twfe": {"att": None, "se": None, "ci": None},
        "suppressed": False,
        "reason": None,
    }
    if counts["n_treated"] < min_firms or counts["n_control"] < min_firms:
        result["suppressed"] = True
        result["reason"] = (
            f"fewer than {min_firms} treated firms"
            if counts["n_treated"] < min_firms
            else f"fewer than {min_firms} comparison firms"
        )
        return result
    data, xs = _encode(data, covariates)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att, se, ci, frame, pretrend = _fit(data, method, xs, alpha, (lo, hi))
    result.update(att=_num(att), se=_num(se), ci=_ci(*ci))
    frame = frame[(frame["e"] >= lo) & (frame["e"] <= hi)].sort_values("e")
    n_at = _event_counts(data, method, frame["e"].tolist())
    points, small = [], []
    for row in frame.itertuples(index=False):
        e, n = int(row.e), n_at[int(row.e)]
        hidden = n < min_firms
        if hidden:
            small.append(e)
        ref = bool(row.ref)
        points.append(
            {
                "e": e,
                "att": None if hidden else _num(row.att),
                "se": None if hidden or ref else _num(row.se),
                "ci": None if hidden or ref else _ci(row.lo, row.hi),
                "n_treated": n,
                "reference": ref,
                "suppressed": hidden,
            }
        )
    result["event_study"] = points
    if small:
        result["reason"] = (
            f"event-study points resting on fewer than {min_firms} treated firms "
            f"suppressed (e = {', '.join(map(str, small))})"
        )
    if isinstance(pretrend, tuple):
        pre = frame[(frame["e"] < 0) & ~frame["ref"] & ~frame["e"].isin(small)]
        pre = pre[np.isfinite(pre["se"].to_numpy())]
        pretrend = _wald(pre, pretrend[1], pretrend[2])
    result["pretrend_p"] = _num(pretrend)
    result["twfe"] = twfe(data, alpha)
    return result


def estimate_split(panel: pd.DataFrame, by: str, **kw) -> list[dict]:
    """The estimate for the treated firms of each value of ``by`` (a firm's value in its
    entry year, else its first non-missing one) against all comparison firms: never
    treated, and — for the not-yet-treated and imputation methods — the firms of the
    other values in their years before entry (their later rows left out). Sorted by
    value; a value with fewer than ``min_firms`` firms comes back suppressed."""
    if by not in panel:
        raise ValueError(f"panel: missing column {by!r}")
    method = kw.get("method", DEFAULT_METHOD)
    rows = panel.assign(
        firm=panel["firm"].astype(str), cohort=panel["cohort"].astype("Int64")
    ).sort_values(["firm", "year"], kind="mergesort")
    treated = rows[rows["cohort"].notna() & rows[by].notna()]
    at_entry = treated[treated["year"] == treated["cohort"]].drop_duplicates("firm")
    first = treated.drop_duplicates("firm")
    value = pd.concat([at_entry, first]).drop_duplicates("firm").set_index("firm")[by]
    firm_value = rows["firm"].map(value)
    values = [v.item() if hasattr(v, "item") else v for v in value.unique()]
    try:
        values = sorted(set(values))
    except TypeError:
        values = sorted(set(values), key=str)
    never = rows["cohort"].isna()
    out = []
    for v in values:
        mine = (firm_value == v).to_numpy()
        if method == "callaway-santanna-never":
            sub = rows[mine | never.to_numpy()]
        else:
            others = rows["cohort"].notna().to_numpy() & ~mine
            before = others & (rows["year"] < rows["cohort"]).fillna(False).to_numpy()
            sub = pd.concat([rows[mine | never.to_numpy()], rows[before].assign(cohort=pd.NA)])
            sub["cohort"] = sub["cohort"].astype("Int64")
        out.append({"group": v, **estimate(sub, **kw)})
    return out
