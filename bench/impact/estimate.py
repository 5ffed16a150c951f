"""Issue 20: the impact estimate at 50,000 firms × 12 years (600k firm-years), per outcome.

    .venv/bin/python bench/impact/estimate.py [--firms 50000] [--runs 3] [--method M]

Builds a seeded synthetic accounts table (a fifth of the firms members, entering in one
of eight cohorts; FTE, turnover and gross margin with firm and year effects and a known
effect of membership; micro companies without turnover, a few filings missing), then,
per outcome and run, in a child process of its own (so its peak memory is its own):

- the baseline: a plain pandas groupby-mean of y by cohort and year over the same panel
  (what any summary of the panel costs; the machine is shared, so it is measured again
  in every run);
- ``outcome_frame`` + ``estimate`` (the default method, with its event study, pre-trend
  test and the naive TWFE contrast) — seconds, and as a multiple of the baseline;
- the peak memory of the child (resource.getrusage maxrss: the panel included).

``--covariates nace province size_class`` times the conditional estimate (outcome regression).
Prints per outcome the median over the runs with the smallest and largest in brackets.
Goal (issue 20): estimate ≤ 30 s per outcome, peak memory ≤ 2 GB.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from clustermonitor.analysis import impact  # noqa: E402

OUTCOMES = ("fte", "turnover", "gross_margin", "fte_growth")


def accounts(n_firms: int, seed: int = 2020) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts (firm, year, fte, turnover, gross_margin) and, per firm, its cohort and
    covariates (NACE section, province, size class)."""
    rng = np.random.default_rng(seed)
    years = np.arange(2013, 2025)
    firms = np.array([f"0{400_000_000 + i:09d}" for i in range(n_firms)])
    member = rng.random(n_firms) < 0.2
    cohort = np.where(member, rng.integers(2015, 2023, n_firms), -1)
    size = rng.lognormal(1.5, 1.2, n_firms)
    micro = size < 3
    F = np.repeat(np.arange(n_firms), len(years))
    T = np.tile(years, n_firms)
    G = cohort[F]
    e = T - G
    on = (G > 0) & (e >= 0)
    growth = 0.02 * (T - 2013) + rng.normal(0, 0.05, len(T))
    effect = np.where(on, 0.02 * (1 + np.minimum(e, 5)), 0.0)
    log_fte = np.log(size[F]) + growth + effect + rng.normal(0, 0.1, len(T))
    fte = np.round(np.exp(log_fte), 1)
    turnover = np.exp(log_fte + 11.5 + rng.normal(0, 0.2, len(T)))
    turnover[micro[F]] = np.nan  # abbreviated schemes: no turnover
    margin = np.exp(log_fte + 10.5 + rng.normal(0, 0.3, len(T)))
    keep = rng.random(len(T)) > 0.03  # a few filings missing
    frame = pd.DataFrame(
        {"firm": firms[F], "year": T, "fte": fte, "turnover": turnover, "gross_margin": margin}
    )[keep]
    per_firm = pd.DataFrame(
        {
            "cohort": pd.array(np.where(cohort > 0, cohort, None), dtype="Int64"),
            # covariates as the registry would have them (a few unknown)
            "nace": np.where(
                rng.random(n_firms) < 0.05, None, rng.choice(list("ABCDEFGHIJKLMNOPQRSTU"), n_firms)
            ),
            "province": rng.choice([f"P{i:02d}" for i in range(11)], n_firms),
            "size_class": np.digitize(size, [2, 10, 50, 250]).astype(str),
        },
        index=firms,
    )
    return frame.reset_index(drop=True), per_firm


def child(n_firms: int, outcome: str, method: str, covariates: list[str]) -> dict:
    acc, firms = accounts(n_firms)
    start = time.perf_counter()
    panel = impact.outcome_frame(acc, outcome)
    panel = panel.join(firms, on="firm")
    prepare = time.perf_counter() - start
    start = time.perf_counter()
    panel.groupby(["cohort", "year"], dropna=False)["y"].mean()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    result = impact.estimate(panel, method=method, covariates=covariates)
    seconds = time.perf_counter() - start
    return {
        "outcome": outcome,
        "rows": len(panel),
        "prepare_s": prepare,
        "baseline_s": baseline,
        "estimate_s": seconds,
        "ratio": seconds / baseline,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "att": result["att"],
        "n_treated": result["n_treated"],
    }


def spread(values, fmt="{:.2f}") -> str:
    return (
        f"{fmt.format(statistics.median(values))} "
        f"[{fmt.format(min(values))}–{fmt.format(max(values))}]"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--method", default=impact.DEFAULT_METHOD, choices=impact.METHODS)
    ap.add_argument(
        "--covariates",
        nargs="*",
        default=[],
        choices=["nace", "province", "size_class"],
        help="a conditional estimate on these",
    )
    ap.add_argument("--child", choices=OUTCOMES)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.firms, args.child, args.method, args.covariates)))
        return 0
    rows = {o: [] for o in OUTCOMES}
    for run in range(args.runs):
        for outcome in OUTCOMES:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    outcome,
                    "--firms",
                    str(args.firms),
                    "--method",
                    args.method,
                    "--covariates",
                    *args.covariates,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows[outcome].append(row)
            print(f"run {run + 1}: {json.dumps(row)}", flush=True)
    print(
        f"\n{args.firms:,} firms × 12 years, method {args.method}, covariates "
        f"{' '.join(args.covariates) or 'none'}, {args.runs} runs: median [min–max]"
    )
    ok = True
    for outcome, rs in rows.items():
        est = [r["estimate_s"] for r in rs]
        peak = [r["peak_mb"] for r in rs]
        ok &= max(est) <= 30 and max(peak) <= 2048
        print(
            f"{outcome:14s} rows {rs[0]['rows']:,}  estimate {spread(est)} s  "
            f"× baseline {spread([r['ratio'] for r in rs], '{:.0f}')}  "
            f"baseline {spread([r['baseline_s'] * 1000 for r in rs], '{:.0f}')} ms  "
            f"peak {spread(peak, '{:.0f}')} MB"
        )
    print("goal (≤ 30 s, ≤ 2 GB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
