"""KBO open-data enrichment (DESIGN §6, docs/kbo.md): fill our organisations from a
monthly KBO extract and keep a compact lookup of all enterprises for finding new members.

A full extract is about 2 GB (activity.csv alone 36 M rows), so its CSV files never come
into Python: DuckDB reads them in place, filters and aggregates, and only one row per
organisation of ours comes back. A zip is first extracted to a temporary folder (DuckDB
cannot read inside one). The reading part needs no Django settings, so the benchmark and
a notebook can call `read_enterprises` on a plain list of numbers; `run_import` imports
Django where it writes, through the audit log.

Decisions: the name is denomination type 001, Dutch (language 2) before French (1) before
any other; the legal form is JuridicalFormCAC when filled (the form "as it should be
read" under the Code of Companies and Associations), else JuridicalForm; the main NACE
per version is a MAIN activity of group 001 (VAT) first, then 006 (RSZ/ONSS), then the
lowest group; the open data holds active enterprises only, so a number found before and
gone now has ceased, one never found is "not found"; KBO fills fields, never empties them.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import duckdb

from clustermonitor.registry import enterprise

if TYPE_CHECKING:
    from clustermonitor.core import audit
    from clustermonitor.registry.models import KboImport

_HEADERS = {
    "meta": "Variable,Value",
    "code": "Category,Code,Language,Description",
    "enterprise": "EnterpriseNumber,Status,JuridicalSituation,TypeOfEnterprise,JuridicalForm,"
    "JuridicalFormCAC,StartDate",
    "establishment": "EstablishmentNumber,StartDate,EnterpriseNumber",
    "denomination": "EntityNumber,Language,TypeOfDenomination,Denomination",
    "address": "EntityNumber,TypeOfAddress,CountryNL,CountryFR,Zipcode,MunicipalityNL,"
    "MunicipalityFR,StreetNL,StreetFR,HouseNumber,Box,ExtraAddressInfo,DateStrikingOff",
    "contact": "EntityNumber,EntityContact,ContactType,Value",
    "activity": "EntityNumber,ActivityGroup,NaceVersion,NaceCode,Classification",
    "branch": "Id,StartDate,EnterpriseNumber",
}
#: The nine files of a full extract and their headers, exactly as the cookbook gives them.
FULL_FILES = {f"{stem}.csv": tuple(header.split(",")) for stem, header in _HEADERS.items()}
#: The files with entity data; an update has `<stem>_delete.csv` (the key column only)
#: and `<stem>_insert.csv` (the full header) for each.
DATA_STEMS = tuple(s for s in _HEADERS if s not in ("meta", "code"))
#: What the enrichment reads; the other files are only checked.
READ = ("enterprise", "denomination", "address", "activity")
#: Share of the reading time each file takes, for the progress bar.
WEIGHTS = {"enterprise": 0.08, "denomination": 0.1, "address": 0.12, "activity": 0.7}
LOOKUP_NAME = "enterprises.parquet"
LOOKUP_KEYS = ("enterprise_number", "name", "postcode", "start_date", "nace_2008")
MEMORY_LIMIT = "1GB"
#: The most a header line of an extract's file may take (a hostile file can be one line).
HEADER_BYTES = 64 * 1024
THREADS = 2
#: A full extract counts its enterprises up to this many lines (a real one holds about
#: 1.9 million; the check only needs to know that it is not a handful).
FULL_COUNT_LIMIT = 100_000
#: About how many enterprises a real full extract holds, for messages.
REAL_FULL_ENTERPRISES = "1.9 million"


class KboFormatError(Exception):
    """The source is not a KBO extract in the expected format; nothing has been written."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def expected_files(kind: str) -> dict[str, tuple[str, ...]]:
    if kind == "full":
        return dict(FULL_FILES)
    files = {"meta.csv": FULL_FILES["meta.csv"], "code.csv": FULL_FILES["code.csv"]}
    for stem in DATA_STEMS:
        header = FULL_FILES[f"{stem}.csv"]
        files[f"{stem}_delete.csv"], files[f"{stem}_insert.csv"] = header[:1], header
    return files


class _Source:
    """A folder or a zip; member names are matched on their base name, ignoring case."""

    def __init__(self, path: Path, name: str | None = None):
        self.path, self.zip = path, None
        self.name = name or path.name  # what messages call it: never a server path
        if path.is_dir():
            self.members = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        elif path.is_file() and zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            infos = [i for i in self.zip.infolist() if not i.is_dir()]
            self.members = {PurePosixPath(i.filename).name.lower(): i.filename for i in infos}
        else:
            raise KboFormatError(f"{self.name}: not a folder or a zip file with a KBO extract")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.zip:
            self.zip.close()

    def open_text(self, name: str):
        member = self.members[name]
        raw = self.zip.open(member) if self.zip else open(member, "rb")  # noqa: SIM115
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

    def materialise(self, names: Iterable[str], work_dir: Path) -> Path:
        """A folder holding `names`: the source folder itself, or the members streamed
        out of the zip into `work_dir` (never read whole into memory)."""
        if not self.zip:
            return self.path
        for name in names:
            with self.zip.open(self.members[name]) as src, open(work_dir / name, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        return work_dir


def _inspect(source: _Source) -> dict:
    names = set(source.members)
    kind = "update" if "enterprise_insert.csv" in names else "full"
    expected = expected_files(kind)
    unexpected = sorted(n for n in names if n.endswith(".csv") and n not in expected)
    problems = []
    for name, header in expected.items():
        if name not in names:
            hint = f"; unexpected files: {', '.join(unexpected)}" if unexpected else ""
            problems.append(
                f"{name}: missing from {source.name} "
                f"(expected a file with header {','.join(header)}){hint}"
            )
            continue
        with source.open_text(name) as handle:
            # bounded: a hostile file can be one line of gigabytes
            first, second = handle.readline(HEADER_BYTES), handle.readline(HEADER_BYTES)
        found = next(csv.reader([first]), [])
        if tuple(found) != header:
            problems.append(f"{name}: expected header {','.join(header)}, found {','.join(found)}")
        elif name == "enterprise.csv" and not second.strip():
            # An empty full extract would mark every organisation ceased.
            problems.append(f"{name}: no enterprises after the header (truncated file?)")
    if problems:
        raise KboFormatError(problems)
    enterprises = None
    if kind == "full":
        with source.open_text("enterprise.csv") as handle:
            handle.readline(HEADER_BYTES)
            enterprises = 0
            while enterprises < FULL_COUNT_LIMIT and handle.readline(HEADER_BYTES).strip():
                enterprises += 1
    with source.open_text("meta.csv") as handle:
        meta = {r["Variable"]: (r["Value"] or "").strip() for r in csv.DictReader(handle)}
    declared = meta.get("ExtractType", "").lower()
    if declared and declared != kind:
        raise KboFormatError(
            f"meta.csv: ExtractType is {declared!r}, but the files are those of a {kind} extract"
        )
    extract_date = None
    if meta.get("SnapshotDate"):
        try:
            extract_date = datetime.datetime.strptime(meta["SnapshotDate"], "%d-%m-%Y").date()
        except ValueError:
            raise KboFormatError(
                f"meta.csv: SnapshotDate {meta['SnapshotDate']!r} is not a date dd-mm-yyyy"
            ) from None
    return {
        "kind": kind,
        "extract_date": extract_date,
        "extract_number": meta.get("ExtractNumber", ""),
        "version": meta.get("Version", ""),
        "files": sorted(expected),
        "enterprises": enterprises,
        "name": source.name,
    }


def partial_full_problem(info: dict, numbered: int) -> str | None:
    """Why a "full" extract is clearly not one, or None: it holds far fewer enterprises
    (fewer than half) than the registry has organisations with an enterprise number.
    Importing it would mark every organisation missing from it "not found" or "ceased"
    (the tester's 5-company file marked 1,474 not found), so it is refused unless the
    person confirms that this is meant (`allow_partial`)."""
    enterprises = info.get("enterprises")
    if info.get("kind") != "full" or enterprises is None or enterprises * 2 >= numbered:
        return None
    return (
        f"{info.get('name') or 'the file'}: a full extract with only {enterprises} "
        f"enterprises, while the registry holds {numbered} organisations with an enterprise "
        f"number (a real full extract holds about {REAL_FULL_ENTERPRISES}). Importing it would "
        f"mark every organisation missing from it as not found or ceased. Not imported, "
        f"nothing was changed; confirm only if this partial file is meant as a full extract."
    )


def numbered_organisations() -> int:
    """How many organisations of the registry have an enterprise number."""
    from clustermonitor.registry.models import Organisation

    return (
        Organisation.objects.exclude(enterprise_number__isnull=True)
        .exclude(enterprise_number="")
        .count()
    )


def inspect_source(path: Path, name: str | None = None) -> dict:
    """Check a full extract or a monthly update (zip or folder) without reading its data:
    every file there with its exact header. Returns kind ("full" or "update"),
    extract_date (SnapshotDate), extract_number, version and the files expected; raises
    KboFormatError naming each missing file and wrong header, with the header expected.
    Messages call the source `name` (an upload's own name), never by its server path."""
    shown = name or Path(path).name
    try:
        with _Source(Path(path), shown) as source:
            return _inspect(source)
    except KboFormatError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, UnicodeDecodeError, EOFError) as exc:
        raise KboFormatError(f"{shown}: damaged or not readable ({type(exc).__name__})") from None
    except (NotImplementedError, RuntimeError, OSError) as exc:  # compression, password
        raise KboFormatError(f"{shown}: damaged or not readable ({type(exc).__name__})") from None


# --- Reading with DuckDB (no Django) ----------------------------------------------------


def _q(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _csv(folder: Path, name: str) -> str:
    """read_csv with the columns given, all text: no type sniffing over 36 M rows and no
    leading zeros lost; dates are parsed in SQL, only where needed."""
    path = {p.name.lower(): p for p in Path(folder).iterdir()}[name]
    header = {**FULL_FILES, **expected_files("update")}[name]
    columns = ", ".join(f"{_q(c)}: 'VARCHAR'" for c in header)
    return (
        f"read_csv({_q(path)}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}})"
    )


def _connect(temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": THREADS, "memory_limit": MEMORY_LIMIT})
    con.execute("SET preserve_insertion_order = false")  # lets COPY and aggregates stream
    con.execute("SET enable_progress_bar = true")  # so that query_progress() reports
    con.execute("SET enable_progress_bar_print = false")
    if temp_dir:
        con.execute(f"SET temp_directory = {_q(temp_dir)}")  # spill here, not in the cwd
    return con


def _execute(con, sql: str, report: Callable[[float], None] | None = None) -> None:
    """Run one statement in a worker thread and pass its progress (0–1) to `report` from
    the calling thread, so callbacks and database writes stay on the caller's thread."""
    if report is None:
        con.execute(sql)
        return
    failure: list[BaseException] = []

    def work():
        try:
            con.execute(sql)
        except BaseException as exc:  # re-raised below, in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.5)
        done = con.query_progress()
        if worker.is_alive() and done >= 0:
            report(min(done, 100.0) / 100)
    if failure:
        raise failure[0]


# One aggregate per file, keyed on the dotted number as the files write it (the big scans
# compare plain strings). `{where}` keeps our numbers only, or every enterprise.
SCANS = {
    "enterprise": """
        CREATE TEMP TABLE ent_{tag} AS
        SELECT EnterpriseNumber AS entity, JuridicalSituation AS situation,
               TypeOfEnterprise AS type_of_enterprise,
               coalesce(nullif(JuridicalFormCAC, ''), nullif(JuridicalForm, '')) AS legal_form,
               try_strptime(StartDate, '%d-%m-%Y')::DATE AS start_date
        FROM {src} WHERE {where}""",
    "denomination": """
        CREATE TEMP TABLE den_{tag} AS
        SELECT EntityNumber AS entity,
               arg_min(Denomination, CASE Language WHEN '2' THEN '0' WHEN '1' THEN '1'
                                     ELSE '2' END || Denomination) AS name
        FROM {src} WHERE TypeOfDenomination = '001' AND {where} GROUP BY EntityNumber""",
    "address": """
        CREATE TEMP TABLE adr_{tag} AS
        SELECT EntityNumber AS entity, arg_min({{
                 'street': coalesce(nullif(StreetNL, ''), StreetFR),
                 'house_number': HouseNumber, 'box': Box, 'postcode': Zipcode,
                 'city': coalesce(nullif(MunicipalityNL, ''), MunicipalityFR),
                 'city_fr': MunicipalityFR, 'country': nullif(CountryNL, '')
               }}, CASE WHEN coalesce(DateStrikingOff, '') = '' THEN '0' ELSE '1' END
                   || coalesce(StreetNL, '') || coalesce(HouseNumber, '')) AS address
        FROM {src} WHERE TypeOfAddress = 'REGO' AND {where} GROUP BY EntityNumber""",
    "activity": """
        CREATE TEMP TABLE act_{tag} AS
        SELECT EntityNumber AS entity,
               arg_min(NaceCode, rank) FILTER (WHERE NaceVersion = '2008') AS nace_2008,
               arg_min(NaceCode, rank) FILTER (WHERE NaceVersion = '2025') AS nace_2025
        FROM (SELECT EntityNumber, NaceVersion, NaceCode,
                     CASE ActivityGroup WHEN '001' THEN '0' WHEN '006' THEN '1' ELSE '2' END
                     || ActivityGroup || NaceCode AS rank
              FROM {src}
              WHERE Classification = 'MAIN' AND NaceVersion IN ('2008', '2025') AND {where})
        GROUP BY EntityNumber""",
}
MEMBERS = """
    SELECT replace(o.entity, '.', '') AS number, e.entity IS NOT NULL AS present,
           {removed} AS removed, e.situation, e.type_of_enterprise, e.legal_form,
           e.start_date, d.name, a.address, c.nace_2008, c.nace_2025
    FROM ours o
    LEFT JOIN ent_{tag} e USING (entity) LEFT JOIN den_{tag} d USING (entity)
    LEFT JOIN adr_{tag} a USING (entity) LEFT JOIN act_{tag} c USING (entity)
    WHERE {touched} ORDER BY number"""
COLUMNS = (
    "number", "present", "removed", "situation", "type_of_enterprise", "legal_form",
    "start_date", "name", "address", "nace_2008", "nace_2025",
)  # fmt: skip


def _scan(con, folder: Path, numbers, suffix: str, everything: bool, on_progress) -> str:
    """One pass over each file read: an aggregate per entity, for our numbers only or,
    to build the lookup as well, for every enterprise. Returns the tables' tag."""
    dotted = sorted({enterprise.display(n) for n in numbers})
    con.execute("CREATE TEMP TABLE ours (entity VARCHAR PRIMARY KEY)")
    con.execute("INSERT INTO ours SELECT unnest(?::VARCHAR[])", [dotted])
    tag, done, total = suffix.strip("_") or "full", 0.0, sum(WEIGHTS.values())
    for stem in READ:
        name = f"{stem}{suffix}.csv"
        key = FULL_FILES[f"{stem}.csv"][0]
        # Enterprise numbers have 12 characters with their dots, establishments' 13: the
        # length test drops establishment rows before the dearer join with our numbers
        # (a join, not IN (...), which DuckDB runs about twice as slowly here).
        src = _csv(folder, name) + ("" if everything else f" JOIN ours o ON o.entity = {key}")
        sql = SCANS[stem].format(tag=tag, src=src, where=f"length({key}) = 12")

        def report(fraction, name=name, share=done, weight=WEIGHTS[stem]):
            on_progress(int(90 * (share + weight * fraction) / total), f"reading {name}")

        if on_progress:
            report(0)
        _execute(con, sql, report if on_progress else None)
        done += WEIGHTS[stem]
    return tag


def _fetch(con, sql: str) -> list[dict]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in con.execute(sql).fetchall()]


def _write_parquet(con, select_sql: str, lookup_path: Path) -> None:
    """Written next to the target and renamed over it: a search never sees half a file."""
    lookup_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = lookup_path.with_name(f".{lookup_path.name}.{os.getpid()}.tmp")
    try:
        con.execute(f"COPY ({select_sql}) TO {_q(tmp)} (FORMAT parquet, COMPRESSION zstd)")
        os.replace(tmp, lookup_path)
    finally:
        tmp.unlink(missing_ok=True)


def read_enterprises(
    source_dir: Path,
    numbers: Iterable[str],
    *,
    lookup_path: Path | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    temp_dir: Path | None = None,
) -> list[dict]:
    """The KBO data of `numbers` (10 digits) in the full extract in `source_dir`: one
    dict per number found (keys COLUMNS; `address` a dict or None). With `lookup_path`,
    the same pass also writes the lookup of all enterprises there. `on_progress` gets
    (percent of this reading, step); DuckDB spills to disk under `temp_dir` if it must."""
    return _read(source_dir, numbers, lookup_path, on_progress, temp_dir, update=False)


def read_update(
    source_dir: Path,
    numbers: Iterable[str],
    *,
    lookup_path: Path | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    temp_dir: Path | None = None,
) -> list[dict]:
    """What a monthly update in `source_dir` says about `numbers`: one dict per number it
    touches, `removed` when the enterprise is deleted and not re-inserted (it left the
    open data), values None where the update has none. An existing lookup at
    `lookup_path` gets the update too: deletes first, then inserts."""
    return _read(source_dir, numbers, lookup_path, on_progress, temp_dir, update=True)


def _read(source_dir, numbers, lookup_path, on_progress, temp_dir, *, update) -> list[dict]:
    lookup = lookup_path is not None and (not update or Path(lookup_path).exists())
    with tempfile.TemporaryDirectory(prefix="kbo-duckdb-", dir=temp_dir) as tmp:
        con = _connect(Path(tmp))
        try:
            removed, touched = "false", "e.entity IS NOT NULL"
            if update:
                for stem in READ:
                    key, src = FULL_FILES[f"{stem}.csv"][0], _csv(source_dir, f"{stem}_delete.csv")
                    con.execute(
                        f"CREATE TEMP TABLE del_{stem} AS SELECT DISTINCT {key} AS entity, "
                        f"replace({key}, '.', '') AS n FROM {src}"
                    )
                removed = "(o.entity IN (SELECT entity FROM del_enterprise) AND e.entity IS NULL)"
                touched = " OR ".join([f"{t}.entity IS NOT NULL" for t in "edac"] + [removed])
            tag = _scan(con, source_dir, numbers, "_insert" if update else "", lookup, on_progress)
            records = _fetch(con, MEMBERS.format(tag=tag, removed=removed, touched=touched))
            if lookup:
                if on_progress:
                    on_progress(92, "writing the enterprise lookup")
                sql = _UPDATE_LOOKUP.format(old=_q(lookup_path)) if update else _FULL_LOOKUP
                _write_parquet(con, sql, Path(lookup_path))
        finally:
            con.close()
    return records


# `folded`: the name in lower case without accents, folded once here, not per search.
_FULL_LOOKUP = """
    SELECT replace(entity, '.', '') AS enterprise_number, d.name,
           a.address.postcode, e.start_date, c.nace_2008, strip_accents(lower(d.name)) AS folded
    FROM ent_full e LEFT JOIN den_full d USING (entity) LEFT JOIN adr_full a USING (entity)
    LEFT JOIN act_full c USING (entity)"""


# An update applied to the lookup: enterprises deleted and not re-inserted go; each field
# comes from its file's insert, is emptied by its file's delete, or stays as it was.
_UPDATE_LOOKUP = """
    WITH old AS (SELECT * FROM read_parquet({old})),
    ins AS (SELECT replace(entity, '.', '') AS n, entity IN (SELECT entity FROM ent_insert) AS e,
                   d.name IS NOT NULL AS d, a.address IS NOT NULL AS a,
                   c.entity IS NOT NULL AS c, d.name, a.address.postcode,
                   ent.start_date, c.nace_2008
            FROM ent_insert ent FULL JOIN den_insert d USING (entity)
            FULL JOIN adr_insert a USING (entity) FULL JOIN act_insert c USING (entity)),
    gone AS (SELECT n FROM del_enterprise EXCEPT SELECT n FROM ins WHERE e),
    nums AS (SELECT enterprise_number AS n FROM old UNION SELECT n FROM ins WHERE e
             EXCEPT SELECT n FROM gone)
    SELECT *, strip_accents(lower(name)) AS folded FROM (SELECT nums.n AS enterprise_number,
      CASE WHEN i.d THEN i.name WHEN nums.n IN (SELECT n FROM del_denomination) THEN NULL
           ELSE old.name END AS name,
      CASE WHEN i.a THEN i.postcode WHEN nums.n IN (SELECT n FROM del_address) THEN NULL
           ELSE old.postcode END AS postcode,
      CASE WHEN i.e THEN i.start_date ELSE old.start_date END AS start_date,
      CASE WHEN i.c THEN i.nace_2008 WHEN nums.n IN (SELECT n FROM del_activity) THEN NULL
           ELSE old.nace_2008 END AS nace_2008
    FROM nums LEFT JOIN old ON old.enterprise_number = nums.n LEFT JOIN ins i ON i.n = nums.n)"""


def read_codes(source_dir: Path, category: str) -> dict[str, dict[str, str]]:
    """code.csv descriptions of one category: {code: {language: description}}. The file
    is small (about 21,000 rows), so plain csv is quicker than starting DuckDB."""
    path = {p.name.lower(): p for p in Path(source_dir).iterdir()}["code.csv"]
    codes: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Category"] == category:
                text = (row["Description"] or "").strip()
                codes.setdefault(row["Code"], {})[(row["Language"] or "").upper()] = text
    return codes


def _lookup_path(lookup_dir: Path | None) -> Path:
    if lookup_dir is None:
        from django.conf import settings

        lookup_dir = Path(settings.VAR_DIR) / "kbo"
    return Path(lookup_dir) / LOOKUP_NAME


def search_lookup(query: str, *, limit: int = 20, lookup_dir: Path | None = None) -> list[dict]:
    """Enterprises whose name contains `query` (case and accents ignored), or with the
    number `query` in any notation enterprise.normalise accepts, or whose number starts
    with its digits (4 or more). [] when no lookup has been built yet."""
    path, text = _lookup_path(lookup_dir), (query or "").strip()
    if not text or not path.exists():
        return []
    digits = "".join(c for c in text if c.isdigit())
    base = f"SELECT {', '.join(LOOKUP_KEYS)} FROM read_parquet({_q(path)})"
    if len(digits) >= 9 and enterprise.is_valid(text):
        sql, params = f"{base} WHERE enterprise_number = ?", [enterprise.normalise(text)]
    elif len(digits) >= 4 and not text.strip(" .-0123456789"):
        sql, params = f"{base} WHERE starts_with(enterprise_number, ?) ORDER BY 1", [digits]
    else:
        needle = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql = (
            f"{base} WHERE folded LIKE '%' || strip_accents(?) || '%' ESCAPE '\\' "
            "ORDER BY NOT starts_with(folded, strip_accents(?)), length(name), name, 1"
        )
        params = [needle, text.lower()]
    with _search_db().cursor() as con:  # a cursor per search: safe across threads
        rows = con.execute(f"{sql} LIMIT {int(limit)}", params).fetchall()
    return [dict(zip(LOOKUP_KEYS, row, strict=True)) for row in rows]


def lookup_names(numbers, *, lookup_dir: Path | None = None) -> dict[str, str]:
    """The KBO name of each of `numbers` (10 digits) that the lookup holds, in one query
    over the lookup for all of them (annual accounts name the companies they add from
    here). {} when no lookup has been built yet."""
    path, wanted = _lookup_path(lookup_dir), sorted(set(numbers))
    if not wanted or not path.exists():
        return {}
    sql = (
        f"SELECT enterprise_number, name FROM read_parquet({_q(path)}) "
        "WHERE enterprise_number IN (SELECT unnest(?::VARCHAR[])) AND name IS NOT NULL"
    )
    with _search_db().cursor() as con:
        return dict(con.execute(sql, [wanted]).fetchall())


_search_lock = threading.Lock()
_search: list[duckdb.DuckDBPyConnection] = []


def _search_db() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per process for searches: starting one costs ~50 ms."""
    with _search_lock:
        if not _search:
            _search.append(duckdb.connect(config={"threads": THREADS, "memory_limit": "256MB"}))
        return _search[0]


# --- Writing to our registry (Django) -----------------------------------------------------


class _Progress:
    """Keeps the KboImport row and the caller's callback up to date."""

    def __init__(self, kbo_import, callback):
        self.kbo_import, self.callback, self.last = kbo_import, callback, None

    def __call__(self, percent: float, step: str) -> None:
        percent = max(0, min(100, int(percent)))
        if (percent, step) == self.last:
            return
        self.last = (percent, step)
        self.kbo_import.progress, self.kbo_import.step = percent, step[:200]
        self.kbo_import.save(update_fields=["progress", "step"])
        if self.callback:
            self.callback(percent, step)


def _fit(org, field: str, value) -> None:
    """Set a text field cut to its column (KBO allows 320-character names and
    22-character house numbers), so that one long value cannot stop the run."""
    setattr(org, field, (value or "").strip()[: org._meta.get_field(field).max_length])


class _Registry:
    """Our reference tables, loaded once per run, and how a KBO record lands on an
    organisation."""

    def __init__(self, actor, records: list[dict], legal_form_labels: dict):
        from clustermonitor.core import audit
        from clustermonitor.registry.models import LegalForm, NaceCode, Postcode

        self.legal_forms = {f.code: f for f in LegalForm.objects.all()}
        for code in sorted({r["legal_form"] for r in records if r["legal_form"]}):
            if code not in self.legal_forms:  # the table we ship is partial
                labels = legal_form_labels.get(code, {})
                form = LegalForm(code=code, label_nl=labels.get("NL") or labels.get("FR") or code)
                form.label_fr, form.label_en = labels.get("FR", ""), labels.get("EN", "")
                audit.save(actor, form, note="from KBO code.csv")
                self.legal_forms[code] = form
        codes = {r[f"nace_{v}"] for r in records for v in (2008, 2025)} - {None}
        nace = NaceCode.objects.filter(version__in=(2008, 2025), code__in=codes)
        self.nace = {(n.version, n.code): n for n in nace}
        zipcodes = {(r["address"] or {}).get("postcode") for r in records} - {None}
        self.postcodes: dict[str, list] = {}
        postcodes = Postcode.objects.filter(code__in=zipcodes).select_related("municipality")
        for pc in postcodes.order_by("-primary", "pk"):
            self.postcodes.setdefault(pc.code, []).append(pc)

    def postcode(self, address: dict):
        """Where a postcode lies in two municipalities, the one named, else the primary."""
        candidates = self.postcodes.get((address["postcode"] or "").strip(), [])
        names = {(address["city"] or "").lower(), (address["city_fr"] or "").lower()}
        for pc in candidates:
            if {pc.municipality.name_nl.lower(), pc.municipality.name_fr.lower()} & names:
                return pc
        return candidates[0] if candidates else None

    def apply(self, org, record: dict, seen_at: datetime.date) -> None:
        if record["name"]:
            _fit(org, "name", record["name"])
        if record["legal_form"]:
            org.legal_form = self.legal_forms[record["legal_form"]]
        if record["start_date"]:
            org.start_date = record["start_date"]
        for version in (2008, 2025):
            nace = self.nace.get((version, record[f"nace_{version}"]))
            if nace:
                setattr(org, f"nace_{version}", nace)
        address = record["address"]
        # A registered office abroad is left alone: KBO gives the country's name, our
        # model an ISO code, and there is no reliable mapping between them here.
        if address and not address["country"]:
            for field in ("street", "house_number", "box", "postcode", "city"):
                _fit(org, field, address[field])
            org.country = "BE"
            pc = self.postcode(address)
            org.municipality = pc.municipality if pc else None
            org.latitude, org.longitude = (pc.latitude, pc.longitude) if pc else (None, None)
        org.status, org.kbo_seen_at = org.Status.ACTIVE, seen_at


#: An organisation an update does not mention: still there, nothing new but the date.
_UNCHANGED = dict.fromkeys(COLUMNS) | {"present": True, "removed": False}


def _outcome(org, record: dict | None, full: bool) -> str:
    """matched (in the extract), ceased (found before, gone now) or not_found (never)."""
    if record is not None:
        return "ceased" if record["removed"] else "matched"
    if full or org.kbo_seen_at is None:
        return "ceased" if org.kbo_seen_at else "not_found"
    return "ceased" if org.status == org.Status.CEASED else "matched"


def _needed(kind: str) -> list[str]:
    if kind == "full":
        return ["meta.csv", "code.csv", *(f"{s}.csv" for s in READ)]
    return ["meta.csv", "code.csv", *(f"{s}_{op}.csv" for s in READ for op in ("delete", "insert"))]


CHUNK = 200  # organisations per transaction: each lands whole, progress shows in between


def run_import(
    kbo_import: KboImport,
    path: Path,
    *,
    actor: audit.Actor,
    progress: Callable[[int, str], None] | None = None,
    lookup_dir: Path | None = None,
    allow_partial: bool = False,
) -> KboImport:
    """Enrich every organisation of ours that has an enterprise number from the full
    extract or update at `path` (zip or folder), and build (full) or update the lookup.
    The counts land on `kbo_import`: matched (in the extract), not_found (never found),
    ceased (found before, gone now), updated (organisations changed). KboFormatError is
    raised before any organisation is written, also for a "full" extract that is clearly
    not one (partial_full_problem) unless `allow_partial`; a failure marks the run failed and is
    re-raised."""
    from django.db import transaction
    from django.utils import timezone

    from clustermonitor.core import audit
    from clustermonitor.registry.models import Organisation

    report = _Progress(kbo_import, progress)
    kbo_import.state, kbo_import.error = kbo_import.State.RUNNING, ""
    kbo_import.source = kbo_import.source or str(path)[:500]
    kbo_import.save()
    try:
        report(0, "checking the files")
        lookup_path = _lookup_path(lookup_dir)
        lookup_path.parent.mkdir(parents=True, exist_ok=True)
        # Messages name the file as recorded (an upload's own name), not a server path.
        with _Source(Path(path), Path(kbo_import.source).name or None) as source:
            info = _inspect(source)
            if not allow_partial:
                problem = partial_full_problem(info, numbered_organisations())
                if problem:
                    raise KboFormatError(problem)
            kbo_import.kind, kbo_import.extract_date = info["kind"], info["extract_date"]
            kbo_import.extract_number = info["extract_number"][:20]
            kbo_import.save(update_fields=["kind", "extract_number", "extract_date"])
            ours = Organisation.objects.exclude(enterprise_number__isnull=True).exclude(
                enterprise_number=""
            )  # no `__in` list of 20,000 numbers: SQLite limits the parameters of a query
            numbers = set(ours.values_list("enterprise_number", flat=True))
            full = info["kind"] == "full"
            with tempfile.TemporaryDirectory(dir=lookup_path.parent, prefix=".work-") as work:
                if source.zip:
                    report(2, "extracting the zip")
                folder = source.materialise(_needed(info["kind"]), Path(work))
                records = (read_enterprises if full else read_update)(
                    folder,
                    numbers,
                    lookup_path=lookup_path if full or lookup_path.exists() else None,
                    on_progress=lambda percent, step: report(5 + percent * 0.7, step),
                    temp_dir=Path(work),
                )
                legal_form_labels = read_codes(folder, "JuridicalForm")
        registry = _Registry(actor, records, legal_form_labels)
        by_number = {r["number"]: r for r in records}
        seen_at = info["extract_date"] or timezone.localdate()
        note = f"KBO {info['kind']} extract {info['extract_number']} of {seen_at:%d-%m-%Y}"
        counts = dict.fromkeys(("matched", "not_found", "ceased", "updated"), 0)
        orgs = list(ours.order_by("pk"))
        for start in range(0, len(orgs), CHUNK):
            report(75 + 25 * start / len(orgs), "updating organisations")
            with transaction.atomic():
                for org in orgs[start : start + CHUNK]:
                    record = by_number.get(org.enterprise_number)
                    outcome = _outcome(org, record, full)
                    counts[outcome] += 1
                    if outcome == "not_found":
                        continue
                    if outcome == "matched":
                        registry.apply(org, record or _UNCHANGED, seen_at)
                    else:
                        org.status = org.Status.CEASED
                    # No full_clean: values are cut to fit above, and a problem in a field
                    # KBO does not touch must not stop the run.
                    counts["updated"] += audit.save(actor, org, note=note, validate=False)
        for key, value in counts.items():
            setattr(kbo_import, key, value)
        kbo_import.state, kbo_import.finished_at = kbo_import.State.DONE, timezone.now()
        kbo_import.save()
        report(100, "done")
    except Exception as exc:
        kbo_import.state, kbo_import.finished_at = kbo_import.State.FAILED, timezone.now()
        kbo_import.error = str(exc)
        kbo_import.save()
        raise
    return kbo_import
