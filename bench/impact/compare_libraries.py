"""Issue 20: compare the staggered difference-in-differences libraries the issue names
(pyfixest, csdid, diff-diff, moderndid) on one simulated panel with a known,
heterogeneous effect (differing by cohort, growing with time since entry).

Each library lives in its own scratch venv (never the project's):

    for lib in pyfixest csdid diff-diff moderndid; do
        python3.13 -m venv /tmp/est-$lib
        /tmp/est-$lib/bin/pip install pandas==3.1.1 scipy==1.18.1 $lib
    done
    python3 bench/impact/compare_libraries.py                 # all, 5,000 and 50,000 firms
    python3 bench/impact/compare_libraries.py --firms 5000    # one size

The driver runs every (library, size) in a fresh process of that venv (``--run LIB``),
so the peak memory (maxrss) is the library's own. Printed per run: the estimate of the
overall ATT (Callaway & Sant'Anna "simple" aggregation with not-yet-treated
comparisons, or the imputation estimator where the library has no CS), its
firm-clustered standard error, the error against the truth in standard errors, whether
an event study came out, seconds and peak memory. Our own code; no library code copied.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

YEARS = list(range(2013, 2025))  # 12 years
COHORTS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
LIBS = ("diff-diff", "moderndid", "csdid", "pyfixest")


def simulate(n_firms: int, seed: int = 20) -> tuple[pd.DataFrame, float]:
    """A balanced panel: y = firm effect + year effect + firm trend noise + effect.
    40 % of firms enter in one of seven cohorts; the effect is 0.1 × (1 + cohort index)
    × (1 + time since entry) — heterogeneous in both. Returns the panel (cohort 0 =
    never treated) and the true ATT: the mean effect over treated firm-years."""
    rng = np.random.default_rng(seed)
    firm = np.arange(n_firms)
    treated = rng.random(n_firms) < 0.4
    g = np.where(treated, rng.choice(COHORTS, n_firms), 0)
    alpha = rng.normal(0, 1, n_firms)
    years = np.array(YEARS)
    beta = np.cumsum(rng.normal(0.05, 0.1, len(years)))
    F = np.repeat(firm, len(years))
    T = np.tile(years, n_firms)
    G = np.repeat(g, len(years))
    e = T - G
    on = (G > 0) & (e >= 0)
    tau = np.where(on, 0.1 * (1 + (G - 2016)) * (1 + e), 0.0)
    y = np.repeat(alpha, len(years)) + np.tile(beta, n_firms) + tau
    y = y + rng.normal(0, 0.5, len(y))
    df = pd.DataFrame({"firm": F, "year": T, "g": G, "y": y, "treat": on.astype(int)})
    return df, float(tau[on].mean())


def run_diff_diff(df):
    from diff_diff import CallawaySantAnna

    est = CallawaySantAnna(
        control_group="not_yet_treated", estimation_method="reg", cluster="firm", n_bootstrap=0
    )
    res = est.fit(df, outcome="y", unit="firm", time="year", first_treat="g")
    es = res.aggregate("event_study")
    return res.overall_att, res.overall_se, len(es.event_time)


def run_moderndid(df):
    import moderndid

    mp = moderndid.att_gt(
        df,
        yname="y",
        tname="year",
        idname="firm",
        gname="g",
        control_group="notyettreated",
        est_method="reg",
        boot=False,
        cband=False,
    )
    simple = moderndid.aggte(mp, type="simple", boot=False, cband=False)
    dyn = moderndid.aggte(mp, type="dynamic", boot=False, cband=False)
    return simple.overall_att, simple.overall_se, len(dyn.event_times)


def run_csdid(df):
    from csdid.att_gt import ATTgt

    m = ATTgt(
        yname="y", tname="year", idname="firm", gname="g", data=df, control_group=["notyettreated"]
    )
    m.fit(est_method="reg", bstrap=False)
    simple = m.aggte(typec="simple", bstrap=False)
    att = simple.atte["overall_att"] if hasattr(simple, "atte") else simple["overall_att"]
    se = simple.atte["overall_se"] if hasattr(simple, "atte") else simple["overall_se"]
    dyn = m.aggte(typec="dynamic", bstrap=False)
    n_es = len((dyn.atte if hasattr(dyn, "atte") else dyn)["egt"])
    return float(np.asarray(att).ravel()[0]), float(np.asarray(se).ravel()[0]), n_es


def run_pyfixest(df):
    import pyfixest as pf

    # pyfixest has no Callaway & Sant'Anna; its imputation-type estimator is Gardner's
    # two-stage did2s (the same point estimate as Borusyak–Jaravel–Spiess).
    fit = pf.did2s(
        df,
        yname="y",
        first_stage="~ 0 | firm + year",
        second_stage="~ treat",
        treatment="treat",
        cluster="firm",
    )
    coef = fit.coef()["treat"]
    se = fit.se()["treat"]
    df = df.assign(rel=np.where(df.g > 0, df.year - df.g, -1000))
    es = pf.did2s(
        df,
        yname="y",
        first_stage="~ 0 | firm + year",
        second_stage="~ i(rel, ref=-1000)",
        treatment="treat",
        cluster="firm",
    )
    return float(coef), float(se), len(es.coef())


RUNNERS = {
    "diff-diff": run_diff_diff,
    "moderndid": run_moderndid,
    "csdid": run_csdid,
    "pyfixest": run_pyfixest,
}


def one(lib: str, n_firms: int) -> dict:
    df, truth = simulate(n_firms)
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    try:
        att, se, n_es = RUNNERS[lib](df)
        error = None
    except Exception as exc:  # the table records a failure, it does not stop the comparison
        att = se = n_es = None
        error = f"{type(exc).__name__}: {str(exc)[:120]}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "lib": lib,
        "firms": n_firms,
        "truth": truth,
        "att": att,
        "se": se,
        "z": None if att is None else (att - truth) / se,
        "event_study_points": n_es,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak),
        "error": error,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", choices=LIBS)
    ap.add_argument("--firms", type=int, nargs="*", default=[5000, 50000])
    ap.add_argument("--libs", nargs="*", default=list(LIBS))
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(one(args.run, args.firms[0])))
        return
    for n in args.firms:
        for lib in args.libs:
            cmd = [f"/tmp/est-{lib}/bin/python", __file__, "--run", lib, "--firms", str(n)]
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
                line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else None
                row = (
                    json.loads(line)
                    if line
                    else {"lib": lib, "firms": n, "error": out.stderr[-300:]}
                )
            except subprocess.TimeoutExpired:
                row = {"lib": lib, "firms": n, "error": f"over {args.timeout} s"}
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
