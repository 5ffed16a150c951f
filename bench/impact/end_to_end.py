"""Benchmark the economic-impact figure from import to results (issue 20): 50,000 firms ×
12 years of annual accounts in the database, a fifth of them members of the programme's
clusters, and the estimate as the page, the report and `clustermonitor impact` make it.

    .venv/bin/python bench/impact/end_to_end.py [--firms 50000] [--years 12] [--runs 3]

Builds one SQLite database: migrate, the 2020 reference portfolio (`load-reference`),
the long CSV of bench/impact/import_accounts.py imported with `import-accounts` (timed),
then memberships for a fifth of the firms in the reference clusters, each from a day
after its cluster's start (seeded). Then, `--runs` times, each in a child process of its
own (its peak memory its own), per outcome (fte, turnover, gross_margin):

  (a) the baseline: reading the panel's rows alone (`accounts_known_on`, 600,000 rows);
  (b) the estimate alone: the panel as known on the day (impact.panel) and the overall
      effect with its event study, pre-trend test and naive contrast — what the command
      line's `att`, `se`, `ci`, `event_study` need;
  (c) the whole figure as the page keeps it: (b) with the conditional estimate and the
      splits by call, embedding, size class and intensity (`impact.figures.compute`).

Prints each run's times, (b)/(a) and (c)/(a) and the peak memory, then the median and
spread of the runs. Goals: import ≤ 60 s, estimate ≤ 30 s per outcome, peak ≤ 2 GB.
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.impact.import_accounts import generate  # noqa: E402

OUTCOMES = ("fte", "turnover", "gross_margin")
ON = datetime.date(2026, 12, 1)
MEMBER_SHARE = 0.2


def _env(db: Path, folder: Path) -> dict:
    return {**os.environ, "SQLITE_PATH": str(db), "CLUSTERMONITOR_VAR_DIR": str(folder / "var")}


def _command(args, env) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "clustermonitor", *args], check=True, env=env, cwd=REPO)
    return time.perf_counter() - start


def _setup_django(db: Path) -> None:
    os.environ["SQLITE_PATH"] = str(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    import django

    django.setup()


def memberships(db: Path, seed: int = 20) -> int:
    """A fifth of the companies with accounts become members of a reference cluster, from
    a day after the cluster's start (their cohorts spread over the clusters' years)."""
    _setup_django(db)
    from django.db import transaction

    from clustermonitor.members.models import Membership
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.registry.models import Organisation

    rng = random.Random(seed)
    clusters = list(Cluster.objects.order_by("code"))
    firms = list(
        Organisation.objects.filter(annual_accounts__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(firms, int(len(firms) * MEMBER_SHARE)))
    rows = []
    for org in chosen:
        cluster = rng.choice(clusters)
        span = max((min(cluster.end_date, ON) - cluster.start_date).days, 1)
        start = cluster.start_date + datetime.timedelta(days=rng.randrange(span))
        rows.append(Membership(organisation_id=org, cluster=cluster, start_date=start))
    with transaction.atomic():
        Membership.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def child(mode: str, outcome: str, db: Path, result: Path) -> None:
    _setup_django(db)
    from clustermonitor.analysis import impact as estimator
    from clustermonitor.impact import figures, panel
    from clustermonitor.impact.accounts_selectors import accounts_known_on
    from clustermonitor.programmes.models import Programme

    programme = Programme.objects.order_by("pk").first()
    start = time.perf_counter()
    found = {}
    if mode == "baseline":
        found["rows"] = len(accounts_known_on(ON, floats=True))
    elif mode == "estimate":
        built = panel.build(programme, ON)
        frame = built.frame(estimator.outcome_frame(built.accounts, outcome))
        found = estimator.estimate(frame)
    else:
        found = figures.compute(programme, ON, outcome)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {k: found.get(k) for k in ("att", "n_treated", "n_control", "rows")}
    result.write_text(json.dumps({"seconds": seconds, "peak_mb": peak, **summary}))


def measure(mode: str, outcome: str, db: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        subprocess.run(
            [sys.executable, __file__, "--child", mode, outcome, str(db), result.name],
            check=True,
            cwd=REPO,
        )
        return json.loads(Path(result.name).read_text())


def spread(values, unit="s") -> str:
    return f"{statistics.median(values):.1f} {unit} [{min(values):.1f}–{max(values):.1f}]"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "OUTCOME", "DB", "RESULT"))
    args = parser.parse_args()
    if args.child:
        mode, outcome, db, result = args.child
        child(mode, outcome, Path(db), Path(result))
        return
    with tempfile.TemporaryDirectory(prefix="bench-impact-") as tmp:
        folder = Path(tmp)
        db = folder / "impact.sqlite3"
        env = _env(db, folder)
        csv_path = folder / "accounts.csv"
        lines = generate(csv_path, args.firms, args.years)
        _command(["migrate", "-v", "0"], env)
        _command(["load-reference"], env)
        imported = _command(["import-accounts", str(csv_path)], env)
        print(
            f"{args.firms} firms × {args.years} years, {lines} lines: imported in {imported:.1f} s"
        )
        code = (
            "import bench.impact.end_to_end as b, pathlib; "
            f"print(b.memberships(pathlib.Path({str(db)!r})))"
        )
        members = subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"{members} members in the reference clusters")
        table = {}
        for run in range(1, args.runs + 1):
            for outcome in OUTCOMES:
                base = measure("baseline", outcome, db)
                alone = measure("estimate", outcome, db)
                whole = measure("figure", outcome, db)
                print(
                    f"run {run} {outcome}: baseline {base['seconds']:.1f} s; estimate "
                    f"{alone['seconds']:.1f} s (×{alone['seconds'] / base['seconds']:.1f}, "
                    f"{alone['peak_mb']:.0f} MB, ATT {alone['att']}, {alone['n_treated']} "
                    f"treated, {alone['n_control']} comparison); whole figure "
                    f"{whole['seconds']:.1f} s (×{whole['seconds'] / base['seconds']:.1f}, "
                    f"{whole['peak_mb']:.0f} MB)",
                    flush=True,
                )
                entry = table.setdefault(
                    outcome, {k: [] for k in ("base", "alone", "whole", "alone_mb", "whole_mb")}
                )
                entry["base"].append(base["seconds"])
                entry["alone"].append(alone["seconds"])
                entry["whole"].append(whole["seconds"])
                entry["alone_mb"].append(alone["peak_mb"])
                entry["whole_mb"].append(whole["peak_mb"])
        print("\noutcome | baseline | estimate | ratio | whole figure | ratio | peak MB")
        for outcome, e in table.items():
            ratios = [a / b for a, b in zip(e["alone"], e["base"], strict=True)]
            whole_ratios = [a / b for a, b in zip(e["whole"], e["base"], strict=True)]
            print(
                f"{outcome} | {spread(e['base'])} | {spread(e['alone'])} | "
                f"×{statistics.median(ratios):.1f} | {spread(e['whole'])} | "
                f"×{statistics.median(whole_ratios):.1f} | "
                f"{max(e['alone_mb']):.0f} / {max(e['whole_mb']):.0f}"
            )


if __name__ == "__main__":
    main()
