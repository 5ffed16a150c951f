"""Benchmark the KBO enrichment on a full-size synthetic extract (bench/kbo/generate.py).

    python bench/kbo/bench_enrich.py [FOLDER] [--members 20000] [--missing 0.05]

Prints, from one run:
  (a) the enrichment time as a ratio to a bare parse of the same files (DuckDB
      `SELECT count(*) FROM read_csv(...)` over each CSV it reads): goal ≤ 2;
  (b) the speed-up over a naive streaming join with Python's csv module (a loop over each
      file keeping only the rows of the member numbers): goal ≥ 4;
  (c) the peak memory of the enrichment (RSS high-water mark, resource.getrusage in a
      child process): goal ≤ 2 GB.

The enrichment measured is `clustermonitor.registry.kbo.read_enterprises`, the DuckDB part
of `run_import`, called without Django on a plain list of numbers; writing the few
thousand results to the database is not part of it. It is measured twice: for the members
only, and with the lookup of all enterprises built in the same pass (what `run_import`
does with a full extract). Each measurement runs in a child process of its own, so that
its peak memory is its own; the files are read once first, so every measurement finds
them in the page cache.
"""

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from clustermonitor.registry import kbo  # noqa: E402

READ = [f"{stem}.csv" for stem in kbo.READ]


def cpu() -> float:
    """CPU seconds of this process, all threads: less disturbed by other work on a
    shared machine than the wall clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, folder: Path, numbers_file: Path, result_file: Path) -> None:
    numbers = json.loads(numbers_file.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        lookup = Path(tmp) / kbo.LOOKUP_NAME if mode == "lookup" else None
        started, cpu_started = time.perf_counter(), cpu()
        if mode == "naive":
            records = naive_join(folder, numbers)
        else:
            found = kbo.read_enterprises(folder, numbers, lookup_path=lookup)
            records = {r["number"]: summary(r) for r in found}
        seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
        extra = {"lookup_rows": lookup_size(lookup)} if lookup else {}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    result = {"seconds": seconds, "cpu": cpu_seconds, "peak": peak, "records": records}
    result_file.write_text(json.dumps(result | extra))


def lookup_size(path: Path) -> int:
    import duckdb

    return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]


def summary(r: dict) -> list:
    address = r["address"] or {}
    start = r["start_date"].strftime("%d-%m-%Y") if r["start_date"] else None
    return [r["name"], r["legal_form"], start, r["nace_2008"], r["nace_2025"],
            address.get("postcode"), address.get("street")]  # fmt: skip


def naive_join(folder: Path, numbers: list[str]) -> dict:
    """The same result with nothing but csv: one streaming pass over each file, keeping
    the rows of our numbers in dicts, choosing as kbo.py does."""
    wanted = {f"{n[:4]}.{n[4:7]}.{n[7:]}": n for n in numbers}
    found: dict[str, dict] = {}

    def rows(name):
        with open(folder / name, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for row in reader:
                if row[0] in wanted:
                    yield row

    for number, _status, _situation, _type, form, cac, start in rows("enterprise.csv"):
        found[number] = {"legal_form": cac or form or None, "start": start}
    names: dict[str, tuple] = {}
    for number, language, kind, text in rows("denomination.csv"):
        rank = ({"2": "0", "1": "1"}.get(language, "2"), text)
        if kind == "001" and (number not in names or rank < names[number]):
            names[number] = rank
    offices: dict[str, tuple] = {}
    for row in rows("address.csv"):
        if row[1] == "REGO":
            rank = ("1" if row[12] else "0") + row[7] + row[9]
            if row[0] not in offices or rank < offices[row[0]][0]:
                offices[row[0]] = (rank, row[4], row[7] or row[8])
    main: dict[tuple, str] = {}
    for number, group, version, code, classification in rows("activity.csv"):
        if classification == "MAIN" and version in ("2008", "2025"):
            rank = {"001": "0", "006": "1"}.get(group, "2") + group + code
            if (number, version) not in main or rank < main[number, version]:
                main[number, version] = rank
    nace = {key: rank[4:] for key, rank in main.items()}
    return {
        wanted[n]: [names.get(n, (None, None))[1], e["legal_form"], e["start"],
                    nace.get((n, "2008")), nace.get((n, "2025")),
                    offices.get(n, (None, None, None))[1], offices.get(n, (None, None, None))[2]]
        for n, e in found.items()
    }  # fmt: skip


def measure(mode: str, folder: Path, numbers_file: Path, repeat: int) -> dict:
    """The fastest of `repeat` runs, each in a fresh child process: the least disturbed
    by whatever else the machine does."""
    runs = []
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, str(folder), "--child", mode]
            subprocess.run([*command, str(numbers_file), out.name], check=True)
            runs.append(json.loads(Path(out.name).read_text()))
    best = min(runs, key=lambda r: r["seconds"])
    return best | {"peak": max(r["peak"] for r in runs), "cpu": min(r["cpu"] for r in runs)}


def members(folder: Path, count: int, missing: float) -> list[str]:
    """Numbers drawn from the extract's enterprises, plus valid numbers it lacks."""
    con = kbo._connect()
    present = round(count * (1 - missing))
    sql = f"""SELECT replace(EnterpriseNumber, '.', '') FROM {kbo._csv(folder, "enterprise.csv")}
              ORDER BY hash(EnterpriseNumber) LIMIT {present}"""
    numbers = [row[0] for row in con.execute(sql).fetchall()]
    # Bases from 11,000,000 lie outside the generator's range: valid, but not in KBO.
    absent = [11_000_000 + 37 * i for i in range(count - present)]
    return numbers + [f"{b:08d}{97 - b % 97:02d}" for b in absent]


def parse_floor(folder: Path, names: list[str], repeat: int) -> dict[str, tuple]:
    """DuckDB's count(*) over each file, with the very read_csv call the enrichment uses:
    {name: (best wall seconds, best CPU seconds)}."""
    con = kbo._connect()
    took = {}
    for name in names:
        runs = []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), cpu()
            con.execute(f"SELECT count(*) FROM {kbo._csv(folder, name)}").fetchone()
            runs.append((time.perf_counter() - started, cpu() - cpu_started))
        took[name] = (min(r[0] for r in runs), min(r[1] for r in runs))
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="/tmp/kbo-full")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--missing", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best counts")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(args.folder)
    if args.child:
        child(args.child[0], folder, Path(args.child[1]), Path(args.child[2]))
        return
    size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    kbo.inspect_source(folder)  # the exact format, or stop here
    for path in folder.glob("*.csv"):  # into the page cache, so every pass below finds it
        with open(path, "rb") as handle:
            while handle.read(1 << 24):
                pass
    numbers = members(folder, args.members, args.missing)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(numbers, handle)
    numbers_file = Path(handle.name)
    try:
        floor = parse_floor(folder, sorted(p.name for p in folder.glob("*.csv")), args.repeat)
        enrich = measure("members", folder, numbers_file, args.repeat)
        with_lookup = measure("lookup", folder, numbers_file, args.repeat)
        naive = measure("naive", folder, numbers_file, args.repeat)
    finally:
        numbers_file.unlink()
    parse, parse_cpu = (sum(floor[name][i] for name in READ) for i in (0, 1))
    agree = sum(naive["records"].get(n) == r for n, r in enrich["records"].items())
    print(f"KBO enrichment benchmark: {folder}, {size / 1e9:.2f} GB in 9 CSV files")
    print(f"best of {args.repeat} runs each; DuckDB {kbo.THREADS} threads, {kbo.MEMORY_LIMIT}")
    print(f"members: {len(numbers):,} numbers, {len(enrich['records']):,} found in the extract")
    print("bare parse, DuckDB count(*) per file:")
    for name, (seconds, _) in sorted(floor.items(), key=lambda item: -item[1][0]):
        print(f"  {name:18} {seconds:6.2f} s{'  (read by the enrichment)' if name in READ else ''}")
    everything = sum(seconds for seconds, _ in floor.values())
    print(
        f"  {'files read':18} {parse:6.2f} s (CPU {parse_cpu:.2f} s); all nine {everything:.2f} s"
    )
    print(f"(a) enrichment, read_enterprises     {enrich['seconds']:6.2f} s   "
          f"{enrich['seconds'] / parse:.2f}× the bare parse (goal ≤ 2)")  # fmt: skip
    print(f"    with the lookup of all {with_lookup['lookup_rows']:,} enterprises "
          f"{with_lookup['seconds']:6.2f} s   {with_lookup['seconds'] / parse:.2f}×")  # fmt: skip
    print(f"(b) naive csv streaming join         {naive['seconds']:6.2f} s   "
          f"enrichment {naive['seconds'] / enrich['seconds']:.1f}× faster (goal ≥ 4); "
          f"results agree for {agree:,} of {len(enrich['records']):,}")  # fmt: skip
    print(f"    CPU seconds: parse {parse_cpu:.2f}, enrichment {enrich['cpu']:.2f} "
          f"({enrich['cpu'] / parse_cpu:.2f}×), with lookup {with_lookup['cpu']:.2f} "
          f"({with_lookup['cpu'] / parse_cpu:.2f}×), naive {naive['cpu']:.2f}")  # fmt: skip
    print(f"(c) peak memory (RSS), enrichment    {enrich['peak'] / 2**20:6.0f} MB (goal ≤ 2048 MB)")
    print(f"    with the lookup                  {with_lookup['peak'] / 2**20:6.0f} MB; "
          f"naive join {naive['peak'] / 2**20:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
