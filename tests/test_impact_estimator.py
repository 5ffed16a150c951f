"""Issue 20: the impact estimator (clustermonitor/analysis/impact.py) — worked examples
with hand-checkable numbers, the simulation the issue asks for (the estimator is
checked, not trusted: docs/impact.md), determinism and suppression. Pure: no database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clustermonitor.analysis import impact

pytestmark = [pytest.mark.any_database]

REPO = Path(__file__).resolve().parents[1]


def _panel(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["firm", "year", "y", "cohort"])
    df["cohort"] = df["cohort"].astype("Int64")
    return df


def worked_panel() -> pd.DataFrame:
    """Years 1–4, no noise: 10 never-treated firms, 10 entering in year 3 (effect 2 in
    year 3, 6 in year 4), 10 entering in year 4 (effect 1). Each firm its own level, a
    common trend of 1 a year."""
    effect = {(3, 3): 2.0, (3, 4): 6.0, (4, 4): 1.0}
    rows = []
    for k, cohort in enumerate([None] * 10 + [3] * 10 + [4] * 10):
        for year in range(1, 5):
            tau = effect.get((cohort, year), 0.0)
            rows.append((f"f{k:02d}", year, 0.7 * k + 1.0 * year + tau, cohort))
    return _panel(rows)


# ------------------------------------------------------------------- outcome_frame


def test_outcome_frame_levels_logs_and_growth_between_consecutive_years_only():
    accounts = pd.DataFrame(
        {
            "firm": ["b", "b", "b", "a", "a", "a"],
            "year": [2020, 2021, 2023, 2021, 2020, 2022],
            "fte": [4.0, 8.0, 8.0, 0.0, 2.0, np.nan],
            "turnover": [100.0, np.nan, 300.0, -5.0, np.e, np.e**2],
            "gross_margin": [np.nan] * 6,
        }
    )
    fte = impact.outcome_frame(accounts, "fte")
    assert fte[["firm", "year"]].values.tolist() == [
        ["a", 2020],
        ["a", 2021],
        ["b", 2020],
        ["b", 2021],
        ["b", 2023],
    ]
    assert fte["y"].tolist() == [2.0, 0.0, 4.0, 8.0, 8.0]
    turnover = impact.outcome_frame(accounts, "turnover")
    assert turnover[["firm", "year"]].values.tolist() == [
        ["a", 2020],
        ["a", 2022],
        ["b", 2020],
        ["b", 2023],
    ]  # ≤ 0 and missing dropped, never imputed
    assert turnover["y"].round(12).tolist() == [
        1.0,
        2.0,
        round(np.log(100), 12),
        round(np.log(300), 12),
    ]
    # a: 2020→2022 is not consecutive; b: 2021 missing, 2023 follows no year
    assert impact.outcome_frame(accounts, "turnover_growth").empty
    growth = impact.outcome_frame(accounts, "fte_growth")  # log(fte), fte > 0 only
    assert growth[["firm", "year"]].values.tolist() == [["b", 2021]]
    assert growth["y"].tolist() == pytest.approx([np.log(2)])
    assert impact.outcome_frame(accounts, "gross_margin").empty
    assert list(growth.columns) == ["firm", "year", "y"]
    with pytest.raises(ValueError):
        impact.outcome_frame(accounts, "profit")


def test_the_contract_constants():
    assert set(impact.OUTCOMES) == {
        "fte",
        "turnover",
        "gross_margin",
        "fte_growth",
        "turnover_growth",
        "gross_margin_growth",
    }
    assert impact.DEFAULT_METHOD == impact.METHODS[0] == "callaway-santanna"
    assert impact.MIN_FIRMS == 10


# ------------------------------------------------------------------- worked examples


@pytest.mark.parametrize("method", impact.METHODS)
def test_worked_example_gives_the_exact_effect(method):
    """ATT = mean of the treated firm-years' effects: (2 + 6 + 1) / 3; event study e=0:
    (2 + 1) / 2, e=1: 6. No noise: every method gets them exactly."""
    result = impact.estimate(worked_panel(), method=method)
    assert result["att"] == pytest.approx(3.0, abs=1e-5)
    points = {p["e"]: p for p in result["event_study"]}
    assert points[0]["att"] == pytest.approx(1.5, abs=1e-5)
    assert points[1]["att"] == pytest.approx(6.0, abs=1e-5)
    assert points[1]["n_treated"] == 10 and points[0]["n_treated"] == 20
    assert result["n_treated"] == 20
    assert result["n_control"] == (10 if method == "callaway-santanna-never" else 20)
    assert result["n_obs"] == 120 and result["n_dropped_always_treated"] == 0
    assert not result["suppressed"]


def test_worked_example_twfe_is_the_regression_on_the_treated_dummy():
    panel = worked_panel()
    result = impact.estimate(panel)
    d = panel["cohort"].notna() & (panel["year"] >= panel["cohort"].fillna(99))
    X = np.column_stack(
        [
            d.astype(float),
            pd.get_dummies(panel["firm"]).to_numpy(float),
            pd.get_dummies(panel["year"]).to_numpy(float)[:, 1:],
        ]
    )
    beta = np.linalg.lstsq(X, panel["y"].to_numpy(float), rcond=None)[0][0]
    assert result["twfe"]["att"] == pytest.approx(beta, rel=1e-5)
    assert result["twfe"]["att"] != pytest.approx(3.0, abs=0.1)  # the naive one is off


def test_twfe_is_exact_on_an_unbalanced_panel_with_firm_clustered_errors():
    rng = np.random.default_rng(7)
    rows = []
    for k in range(60):
        cohort = [None, 3, 5][k % 3]
        for year in range(1, 8):
            if rng.random() < 0.2:
                continue  # a filing missing
            tau = 1.0 + (year - cohort) if cohort and year >= cohort else 0.0
            rows.append((f"f{k}", year, rng.normal() + 0.3 * year + tau + k % 7, cohort))
    panel = _panel(rows)
    d = (panel["cohort"].notna() & (panel["year"] >= panel["cohort"].fillna(99))).to_numpy()
    firms = pd.get_dummies(panel["firm"]).to_numpy(float)
    X = np.column_stack(
        [d.astype(float), firms, pd.get_dummies(panel["year"]).to_numpy(float)[:, 1:]]
    )
    y = panel["y"].to_numpy(float)
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    resid = y - X @ coef
    # the clustered variance of beta by Frisch–Waugh–Lovell: d residualised on the FE
    others = X[:, 1:]
    dt = d - others @ np.linalg.lstsq(others, d.astype(float), rcond=None)[0]
    scores = firms.T @ (dt * resid)
    g = firms.shape[1]
    se = np.sqrt(scores @ scores * g / (g - 1)) / (dt @ dt)
    result = impact.estimate(panel, min_firms=5)
    assert result["twfe"]["att"] == pytest.approx(coef[0], rel=1e-5)
    assert result["twfe"]["se"] == pytest.approx(se, rel=1e-4)


def test_always_treated_firms_are_dropped_and_counted():
    panel = worked_panel()
    extra = _panel([(f"z{k}", y, float(y), 1) for k in range(3) for y in range(1, 5)])
    before = _panel([(f"w{k}", y, float(y), 0) for k in range(2) for y in range(1, 5)])
    result = impact.estimate(pd.concat([panel, extra, before]))
    assert result["n_dropped_always_treated"] == 5
    assert result["att"] == pytest.approx(3.0, abs=1e-5)


def test_missing_covariates_leave_firms_out_of_the_conditional_estimate_only():
    panel = worked_panel()
    panel["sector"] = np.where(panel["firm"].str[-1].isin(["0", "1", "2"]), "C", "G")
    panel.loc[panel["firm"] == "f05", "sector"] = None
    plain = impact.estimate(panel)
    conditional = impact.estimate(panel, covariates=["sector"])
    assert plain["n_control"] == 20 and plain["n_dropped_missing_covariates"] == 0
    assert conditional["n_dropped_missing_covariates"] == 1
    assert conditional["n_obs"] == plain["n_obs"] - 4
    assert conditional["att"] == pytest.approx(3.0, abs=1e-4)
    assert conditional["covariates"] == ["sector"]
    with pytest.raises(ValueError):
        impact.estimate(panel, method="imputation", covariates=["sector"])


def test_bad_input_is_refused():
    panel = worked_panel()
    with pytest.raises(ValueError):
        impact.estimate(panel, method="twfe")
    with pytest.raises(ValueError):
        impact.estimate(pd.concat([panel, panel.head(1)]))
    wobbly = panel.copy()
    wobbly.loc[wobbly.index[-1], "cohort"] = 2
    with pytest.raises(ValueError):
        impact.estimate(wobbly)


# ------------------------------------------------------------------- suppression


def test_nine_treated_firms_are_suppressed():
    rows = []
    for k, cohort in enumerate([None] * 30 + [3] * 9):
        for year in range(1, 6):
            rows.append(
                (f"f{k:02d}", year, k + year + (1.0 if cohort and year >= 3 else 0), cohort)
            )
    result = impact.estimate(_panel(rows))
    assert result["suppressed"] is True
    assert "treated" in result["reason"]
    assert result["att"] is None and result["se"] is None and result["ci"] is None
    assert result["event_study"] == [] and result["twfe"]["att"] is None
    assert result["n_treated"] == 9 and result["n_control"] == 30
    assert impact.estimate(_panel(rows), min_firms=9)["suppressed"] is False


def test_few_comparison_firms_are_suppressed():
    rows = [
        (f"f{k:02d}", y, float(k + y), None if k < 9 else 3) for k in range(40) for y in range(1, 5)
    ]
    result = impact.estimate(_panel(rows), method="callaway-santanna-never")
    assert result["suppressed"] and "comparison" in result["reason"]


def test_event_study_points_on_few_firms_are_suppressed_the_overall_figure_stays():
    """Years 1–6: 20 firms enter in year 3, 5 in year 5. e = -3 and -2 rest on the 5
    only (the year-3 cohort has no year before year 1), e = 0 on all 25."""
    rng = np.random.default_rng(1)
    rows = []
    for k, cohort in enumerate([None] * 30 + [3] * 20 + [5] * 5):
        for year in range(1, 7):
            tau = 1.0 if cohort and year >= cohort else 0.0
            rows.append((f"f{k:02d}", year, k + year + tau + rng.normal(0, 0.1), cohort))
    result = impact.estimate(_panel(rows))
    points = {p["e"]: p for p in result["event_study"]}
    for e in (-3, -2):
        assert points[e]["suppressed"] and points[e]["n_treated"] == 5
        assert points[e]["att"] is None and points[e]["se"] is None and points[e]["ci"] is None
    assert not points[0]["suppressed"] and points[0]["n_treated"] == 25
    assert not result["suppressed"] and result["att"] == pytest.approx(1.0, abs=0.1)
    assert "e = -3, -2" in result["reason"]
    assert result["pretrend_p"] is not None  # on e = -1 only


def test_split_by_group_against_all_comparison_firms():
    rows = []
    rng = np.random.default_rng(2)
    for k in range(70):
        cohort = None if k < 30 else (3 if k % 2 else 4)
        call = None if cohort is None else ("2019-A" if k < 62 else "2020-B")
        for year in range(1, 6):
            tau = 2.0 if cohort and year >= cohort else 0.0
            rows.append((f"f{k:02d}", year, k + year + tau + rng.normal(0, 0.1), cohort, call))
    panel = _panel([r[:4] for r in rows])
    panel["call"] = [r[4] for r in rows]
    split = impact.estimate_split(panel, "call")
    assert [s["group"] for s in split] == ["2019-A", "2020-B"]
    big, small = split
    assert big["n_treated"] == 32 and not big["suppressed"]
    assert big["att"] == pytest.approx(2.0, abs=0.1)
    assert small["n_treated"] == 8 and small["suppressed"] and small["att"] is None
    # comparison: the 30 never treated, the call's 16 later entrants before their entry
    # and the other call's 8 firms before theirs
    assert big["n_control"] == 30 + 16 + 8
    never = impact.estimate_split(panel, "call", method="callaway-santanna-never")
    assert never[0]["n_control"] == 30 and never[0]["n_treated"] == 32


# ------------------------------------------------------------------- determinism


def test_the_same_panel_in_any_order_gives_the_same_bytes():
    panel = simulated(np.random.default_rng(11), "cohort-growing")[0]
    a = json.dumps(impact.estimate(panel), sort_keys=True)
    b = json.dumps(impact.estimate(panel.sample(frac=1, random_state=3)), sort_keys=True)
    assert a == b
    c = impact.estimate_split(panel.assign(band=panel["firm"].str[-1]), "band")
    d = impact.estimate_split(panel.assign(band=panel["firm"].str[-1]).iloc[::-1], "band")
    assert json.dumps(c, sort_keys=True) == json.dumps(d, sort_keys=True)


@pytest.mark.slow
def test_another_process_and_hash_seed_gives_the_same_bytes(tmp_path):
    panel = simulated(np.random.default_rng(12), "cohort-growing")[0]
    path = tmp_path / "panel.pkl"
    panel.to_pickle(path)
    script = (
        "import json, sys, pandas as pd\n"
        "from clustermonitor.analysis import impact\n"
        "p = pd.read_pickle(sys.argv[1])\n"
        "out = {m: impact.estimate(p, method=m) for m in impact.METHODS}\n"
        "sys.stdout.write(json.dumps(out, sort_keys=True))\n"
    )
    runs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            check=True,
        )
        runs.append(out.stdout)
    here = json.dumps({m: impact.estimate(panel, method=m) for m in impact.METHODS}, sort_keys=True)
    assert runs[0] == runs[1] == here


# ------------------------------------------------------------------- simulation

#: The simulated panels: 200 firms × 8 years, half entering in year 3, 4, 5 or 6.
FIRMS, YEARS, COHORTS = 200, 8, (3, 4, 5, 6)
PANELS = 200


def _effect(kind: str, g: np.ndarray, e: np.ndarray) -> np.ndarray:
    if kind == "placebo":
        return np.zeros(len(e))
    if kind == "constant":
        return np.full(len(e), 1.0)
    if kind == "growing":  # with time since entry
        return 0.5 * (1 + e)
    # differing by cohort and growing: the early cohorts gain more, and more each year
    return 0.4 * (7 - g) * (1 + e) / 2


def simulated(rng, kind: str) -> tuple[pd.DataFrame, float]:
    """A balanced panel y = firm effect + year effect + effect + N(0, 1) noise; the true
    ATT is the mean effect over the treated firm-years (what the methods average)."""
    g = np.where(rng.random(FIRMS) < 0.5, rng.choice(COHORTS, FIRMS), 0)
    firm = np.repeat(np.arange(FIRMS), YEARS)
    year = np.tile(np.arange(1, YEARS + 1), FIRMS)
    G = g[firm]
    on = (G > 0) & (year >= G)
    tau = np.where(on, _effect(kind, G, year - G), 0.0)
    trend = np.cumsum(rng.normal(0.2, 0.3, YEARS))
    y = rng.normal(0, 1, FIRMS)[firm] + trend[year - 1] + tau + rng.normal(0, 1, len(firm))
    panel = pd.DataFrame(
        {
            "firm": [f"f{i:03d}" for i in firm],
            "year": year,
            "y": y,
            "cohort": pd.array(np.where(G > 0, G, None), dtype="Int64"),
        }
    )
    return panel, float(tau[on].mean())


def _simulate(
    kind: str, seed: int, panels: int = PANELS, method=impact.DEFAULT_METHOD, missing=0.0
):
    """Coverage, mean errors and pre-trend rejections over ``panels`` panels; ``missing``
    the share of firm-years left out at random (filings not there)."""
    rng = np.random.default_rng(seed)
    covered, errors, twfe_errors, pretrend_rejects = 0, [], [], 0
    for _ in range(panels):
        panel, truth = simulated(rng, kind)
        if missing:
            panel = panel[rng.random(len(panel)) >= missing]
        r = impact.estimate(panel, method=method)
        covered += r["ci"][0] <= truth <= r["ci"][1]
        errors.append(r["att"] - truth)
        twfe_errors.append(r["twfe"]["att"] - truth)
        pretrend_rejects += r["pretrend_p"] is not None and r["pretrend_p"] < 0.05
    return {
        "coverage": covered / panels,
        "bias": float(np.mean(errors)),
        "twfe_bias": float(np.mean(twfe_errors)),
        "pretrend_reject": pretrend_rejects / panels,
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind,seed", [("constant", 101), ("growing", 102), ("placebo", 104)])
def test_the_interval_covers_the_truth_in_at_least_90_percent_of_200_panels(kind, seed):
    out = _simulate(kind, seed)
    assert out["coverage"] >= 0.90, out
    assert abs(out["bias"]) < 0.05, out
    if kind == "placebo":  # covers zero; the pre-trend test rejects about 5 %
        assert out["pretrend_reject"] <= 0.10, out


@pytest.mark.slow
def test_twfe_is_biased_where_cohort_effects_differ_and_grow_the_estimator_is_not():
    out = _simulate("cohort-growing", 103)
    assert out["coverage"] >= 0.90, out
    assert abs(out["bias"]) < 0.05, out
    assert out["twfe_bias"] < -0.5, out  # the naive estimate: far below the truth


@pytest.mark.slow
def test_the_interval_covers_the_truth_when_filings_are_missing():
    """Accounts are an unbalanced panel: 15 % of firm-years left out at random."""
    out = _simulate("cohort-growing", 201, panels=100, missing=0.15)
    assert out["coverage"] >= 0.90, out
    assert abs(out["bias"]) < 0.05, out


@pytest.mark.slow
@pytest.mark.parametrize("method", impact.METHODS[1:])
def test_the_other_methods_cover_the_truth_too(method):
    """Fewer panels (the full 200 run for the default method above; the imputation
    estimator takes ~0.2 s a panel)."""
    out = _simulate("cohort-growing", 105, panels=30, method=method)
    assert out["coverage"] >= 0.85, out
    assert abs(out["bias"]) < 0.1, out


def test_covariates_remove_the_bias_of_trends_that_differ_by_sector():
    """Conditional parallel trends: sector B grows 0.5 a year faster and most members
    are in B. Unconditionally the members seem to grow more; conditional on the sector
    the estimate finds the true effect (1)."""
    rng = np.random.default_rng(21)
    rows = []
    for k in range(400):
        sector = "B" if rng.random() < 0.5 else "A"
        member = rng.random() < (0.6 if sector == "B" else 0.15)
        cohort = int(rng.choice([4, 5, 6])) if member else None
        level = rng.normal()
        for year in range(1, 9):
            tau = 1.0 if cohort and year >= cohort else 0.0
            trend = (0.5 if sector == "B" else 0.0) * year
            rows.append(
                (f"f{k:03d}", year, level + trend + tau + rng.normal(0, 0.3), cohort, sector)
            )
    panel = _panel([r[:4] for r in rows])
    panel["sector"] = [r[4] for r in rows]
    plain = impact.estimate(panel)
    conditional = impact.estimate(panel, covariates=["sector"])
    assert plain["att"] > 1.3  # biased by the sector's trend
    assert conditional["ci"][0] <= 1.0 <= conditional["ci"][1]
    assert abs(conditional["att"] - 1.0) < 0.1
