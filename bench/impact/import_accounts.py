"""Benchmark the annual-accounts import (issue 20) at the issue's scale: 50,000 firms ×
12 years (600,000 filings, about 2.4 million lines of the long CSV).

    .venv/bin/python bench/impact/import_accounts.py [--firms 50000] [--years 12] [--runs 3]

Generates the long CSV once (seeded: every run reads the same file; a fifth of the firms
on the full scheme, half abbreviated, the rest micro without turnover), migrates one
fresh SQLite database as a template, then, `--runs` times, in a child process of its own
(so that its peak memory is its own) on a fresh copy of that database:

  (a) the baseline: a bare pass of Python's csv module over the file (every line split,
      nothing checked), the least any import of it costs;
  (b) `clustermonitor import-accounts`'s work: read and check every line, add the 50,000
      organisations, write the 600,000 filings (one transaction);
  (c) the same file again (nothing changes: every filing compared, none written);
  and, on the database it filled, reading and checking alone (`read_source`), the panel
  as the estimate reads it (`accounts_known_on`) and the page's `coverage()`.

Prints each run's times, (b)/(a) and the peak memory (RSS high-water mark of the child),
then the median and spread of the runs. Goals: (b) ≤ 60 s, peak ≤ 2 GB.
"""

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def number(i: int) -> str:
    base = f"0{(3_000_000 + i) % 10_000_000:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


def generate(path: Path, firms: int, years: int, seed: int = 20) -> int:
    """The long CSV; returns its number of lines (without the header)."""
    rng = random.Random(seed)
    lines = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["enterprise_number", "period_end", "rubric", "value"])
        for i in range(firms):
            n = number(i)
            scheme = rng.random()
            fte = rng.lognormvariate(2.0, 1.0)
            turnover = fte * rng.uniform(80_000, 250_000)
            for year in range(2025 - years, 2025):
                fte *= rng.uniform(0.9, 1.15)
                turnover *= rng.uniform(0.9, 1.2)
                end = f"{year}-12-31"
                rows = [
                    ("9087", f"{fte:.1f}"),
                    ("9900", f"{turnover * 0.35:.2f}"),
                    ("20/58", f"{turnover * 0.8:.2f}"),
                    ("9901", f"{turnover * rng.uniform(-0.05, 0.12):.2f}"),
                ]
                if scheme < 0.2:  # full scheme: turnover too
                    rows.append(("70", f"{turnover:.2f}"))
                for rubric, value in rows:
                    out.writerow([n, end, rubric, value])
                    lines += 1
    return lines


def template_database(folder: Path) -> Path:
    db = folder / "template.sqlite3"
    env = {**os.environ, "SQLITE_PATH": str(db), "CLUSTERMONITOR_VAR_DIR": str(folder / "var")}
    subprocess.run(
        [sys.executable, "-m", "clustermonitor", "migrate", "-v", "0"],
        check=True,
        env=env,
        cwd=REPO,
    )
    return db


def child(mode: str, csv_path: Path, db: Path, result: Path) -> None:
    if mode == "baseline":
        start = time.perf_counter()
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle))
        result.write_text(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
        return
    os.environ["SQLITE_PATH"] = str(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    import django

    django.setup()
    from clustermonitor.core import audit
    from clustermonitor.impact import accounts_import
    from clustermonitor.impact.models import AccountsImport

    times = {}
    for label in ("import", "again"):
        start = time.perf_counter()
        run = AccountsImport.objects.create(source=csv_path.name, via="bench")
        accounts_import.run_import(run, csv_path, actor=audit.Actor.system("bench"))
        times[label] = time.perf_counter() - start
        times[f"{label}_counts"] = str(accounts_import.counts_of(run))
    times["import_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # What the import's parts and its readers take on the database it filled.
    import datetime

    from clustermonitor.impact.accounts_selectors import accounts_known_on, coverage

    start = time.perf_counter()
    accounts_import.read_source(csv_path)
    times["read"] = time.perf_counter() - start
    start = time.perf_counter()
    rows = accounts_known_on(datetime.date(2026, 1, 1), floats=True)
    times["known_on"] = time.perf_counter() - start
    times["known_on_rows"] = len(rows)
    del rows  # (the peak below includes the panel's 600,000 rows: the import's own is less)
    start = time.perf_counter()
    coverage()
    times["coverage"] = time.perf_counter() - start
    # The child's own high-water mark (Linux: kB): its peak, whatever ran before it.
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.write_text(json.dumps(times))


def measure(mode: str, csv_path: Path, db: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        subprocess.run(
            [sys.executable, __file__, "--child", mode, str(csv_path), str(db), result.name],
            check=True,
            cwd=REPO,
        )
        return json.loads(Path(result.name).read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "CSV", "DB", "RESULT"))
    args = parser.parse_args()
    if args.child:
        mode, csv_path, db, result = args.child
        child(mode, Path(csv_path), Path(db), Path(result))
        return
    with tempfile.TemporaryDirectory(prefix="bench-accounts-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "accounts.csv"
        start = time.perf_counter()
        lines = generate(csv_path, args.firms, args.years)
        size = csv_path.stat().st_size / 2**20
        print(
            f"{args.firms} firms × {args.years} years: {lines} lines, {size:.0f} MB "
            f"(generated in {time.perf_counter() - start:.0f} s)"
        )
        template = template_database(folder)
        results = []
        for number_ in range(1, args.runs + 1):
            db = folder / f"run{number_}.sqlite3"
            shutil.copy(template, db)
            base = measure("baseline", csv_path, db)
            got = measure("import", csv_path, db)
            ratio = got["import"] / base["seconds"]
            results.append(
                (
                    got["import"],
                    got["again"],
                    ratio,
                    got["import_peak_mb"],
                    got["read"],
                    got["known_on"],
                    got["coverage"],
                )
            )
            print(
                f"run {number_}: baseline (bare csv pass) {base['seconds']:.1f} s; "
                f"import {got['import']:.1f} s (×{ratio:.1f}), {got['import_counts']}; "
                f"again {got['again']:.1f} s ({got['again_counts']}); "
                f"peak {got['import_peak_mb']:.0f} MB (with the panel read after it "
                f"{got['peak_mb']:.0f} MB); reading and checking alone {got['read']:.1f} s; "
                f"accounts_known_on {got['known_on']:.1f} s ({got['known_on_rows']} rows); "
                f"coverage {got['coverage']:.1f} s"
            )
            db.unlink()
        labels = (
            "import (s)",
            "again (s)",
            "import / baseline",
            "import peak (MB)",
            "read only (s)",
            "known_on (s)",
            "coverage (s)",
        )
        for index, label in enumerate(labels):
            values = [r[index] for r in results if r[index] is not None]
            print(
                f"{label:>18}: median {statistics.median(values):.1f}, "
                f"min {min(values):.1f}, max {max(values):.1f}"
            )


if __name__ == "__main__":
    main()
