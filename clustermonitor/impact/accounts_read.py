"""Reading annual accounts (issue 20; docs/impact.md, "Data: annual accounts").

Two formats, one result: the filings, each keyed by enterprise number, financial year
end and deposit date (the day it is known from), with the rubrics the estimate uses.

- the CBSO's JSON documents (the NBB's authentic-data products: one accounting-data
  document per filing, `Accept: application/x.jsonxbrl`), a .json, a zip or a folder of
  them. The accounting-data document holds `ReferenceNumber` and `Rubrics` (`Code`,
  `Period` N or NM1, `Value`); the deposit's references (`ReferenceNumber`,
  `DepositDate`, `ExerciseDates`, `ModelType`, `EnterpriseNumber`) come from the same
  document where it carries them, else from a references file beside it (the
  `/references` answer or an extract's reference dataset: a list of them);
- a long CSV, `enterprise_number,period_end,rubric,value` (optional `filed_on`,
  `scheme`), `,` or `;` separated, UTF-8 with or without BOM.

This module reads (`read_source`) and needs no database: it checks everything and
collects every problem (file, row, field) up to MAX_PROBLEMS; a single problem and
nothing is written (AccountsFormatError). impact.accounts_import writes.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from clustermonitor.core.known import firm_figures_known_from
from clustermonitor.registry import enterprise

#: The rubrics kept, in the order of VALUE_FIELDS (AnnualAccounts.RUBRICS, same codes).
RUBRIC_CODES = ("9087", "70", "9900", "20/58", "9901")
VALUE_FIELDS = ("fte", "turnover", "gross_margin", "total_assets", "operating_profit")
RUBRIC_INDEX = {code: i for i, code in enumerate(RUBRIC_CODES)}

CSV_REQUIRED = ("enterprise_number", "period_end", "rubric", "value")
CSV_OPTIONAL = ("filed_on", "scheme")

#: The NBB's models (ModelType of a deposit's references) → our scheme: full (VOL),
#: abbreviated (VKT) and micro (MIC), for companies with capital (m0x), associations
#: and foundations (m04/m05/m08) and companies without capital (m8x).
MODEL_SCHEMES = {
    "m02-f": "full",
    "m05-f": "full",
    "m82-f": "full",
    "m01-f": "abbreviated",
    "m04-f": "abbreviated",
    "m81-f": "abbreviated",
    "m07-f": "micro",
    "m08-f": "micro",
    "m87-f": "micro",
}
#: What the CSV's `scheme` column accepts (case ignored): our names, the NBB's Dutch and
#: French abbreviations and its model codes.
SCHEME_WORDS = {
    "full": "full",
    "vol": "full",
    "volledig": "full",
    "complet": "full",
    "abbreviated": "abbreviated",
    "vkt": "abbreviated",
    "verkort": "abbreviated",
    "abr": "abbreviated",
    "abrégé": "abbreviated",
    "micro": "micro",
    "mic": "micro",
    "other": "other",
    "ander": "other",
    "autre": "other",
    **MODEL_SCHEMES,
}

#: At most this many problems are kept and shown (all are counted).
MAX_PROBLEMS = 200
#: A zip: at most this many members and this many bytes unpacked (checked on the zip's
#: directory and again while reading, where a forged directory cannot lie).
MAX_MEMBERS = 100_000
MAX_UNPACKED_BYTES = 4 * 1024**3
#: One JSON document (a real filing's is well under 1 MB).
MAX_JSON_BYTES = 20 * 1024**2
HEADER_BYTES = 64 * 1024
#: An amount is kept with 2 decimals in 18 digits: below 10^16 in absolute value.
AMOUNT_LIMIT = 10**16 * 100  # in cents
VALUE_CHARS = 40


class AccountsFormatError(Exception):
    """The source cannot be imported; nothing has been written. `problems` lists the
    first MAX_PROBLEMS (each naming file, row and field), `total` counts them all."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        more = self.total - len(self.problems)
        lines = [str(p) for p in self.problems]
        if more > 0:
            lines.append(f"… and {more} more problems")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "field": self.field, "message": self.message}


class _Problems:
    def __init__(self):
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, file: str, row: int | None, field_name: str, message: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(file, row, field_name, message))


# Index of a filing's list: its description, then the five values in cents (None: not
# in the filing), then where it was read (for messages).
SCHEME, START, REFERENCE, COMPLETE, WHERE = 0, 1, 2, 3, 4
VALUES = 5


@dataclass
class Parsed:
    """What a source holds: filings[(number, period_end, filed_on)] = [scheme,
    period_start, reference, complete, where, *values in cents or None]. `complete`:
    the filing is the whole document (JSON), so a rubric missing from it is empty; a
    CSV only says what it lists, and leaves the rest of a stored filing as it is."""

    source: str = ""
    format: str = ""  # AnnualAccounts.Source: "cbso-json" or "csv"
    filings: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # number → EnterpriseName of a document
    values: int = 0  # rubric values kept
    ignored: int = 0  # values of rubrics the estimate does not use
    files: int = 0
    skipped_files: list = field(default_factory=list)  # zip/folder members not read


# --- Values ------------------------------------------------------------------------------

_PLAIN = re.compile(r"(-?)(\d{1,16})(?:\.(\d{1,2}))?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?")
_CENT = Decimal("0.01")


def parse_amount(text, decimal_comma: bool = False) -> int:
    """An amount in cents (rounded half up to 2 decimals); ValueError(reason) when it
    is not a plain number (formulas, NaN, infinity, thousands of digits), or does not fit
    in 18 digits. With `decimal_comma` (a `;`-separated file) "1.234,5" is 1234.50."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, int):
        text = str(text)
    elif isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        text = repr(text)
    elif not isinstance(text, str):
        raise ValueError("not a number")
    value = text.strip()
    if not value:
        raise ValueError("empty")
    if len(value) > VALUE_CHARS:
        raise ValueError("too long to be an amount")
    if decimal_comma and "," in value:
        value = value.replace(".", "").replace(",", ".")
    plain = _PLAIN.fullmatch(value)
    if plain:
        sign, whole, cents = plain.groups()
        amount = int(whole) * 100 + int((cents or "").ljust(2, "0"))
        return -amount if sign else amount
    if not _NUMBER.fullmatch(value):
        raise ValueError("not a number")
    try:
        cents = int(Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP).scaleb(2))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if abs(cents) >= AMOUNT_LIMIT:
        raise ValueError("too large (more than 16 digits before the decimal point)")
    return cents


def as_decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents).scaleb(-2)


def as_cents(value) -> int | None:
    return None if value is None else int(Decimal(value).scaleb(2).to_integral_value())


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text) -> datetime.date:
    """YYYY-MM-DD (also with a time after it, as JSON documents may give), DD/MM/YYYY,
    DD-MM-YYYY or DD.MM.YYYY, between 1900 and 2100; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a date")
    value = text.strip()
    if len(value) > 10 and value[10:11] in ("T", " ") and value[4:5] == "-":
        value = value[:10]
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            return day
        raise ValueError("not a plausible date")
    raise ValueError("not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _shown(text, limit: int = 40) -> str:
    """A value as a message quotes it: cut, and never a formula to a spreadsheet."""
    value = str(text)
    value = value if len(value) <= limit else value[:limit] + "…"
    return repr(value)


class _Cache:
    """Enterprise numbers and dates are checked once per distinct text."""

    def __init__(self):
        self.numbers: dict[str, str | enterprise.InvalidEnterpriseNumber] = {}
        self.dates: dict[str, datetime.date | ValueError] = {}

    def number(self, text: str) -> str:
        found = self.numbers.get(text)
        if found is None:
            try:
                found = enterprise.normalise(text)
            except enterprise.InvalidEnterpriseNumber as exc:
                found = exc
            self.numbers[text] = found
        if isinstance(found, Exception):
            raise found
        return found

    def date(self, text: str) -> datetime.date:
        found = self.dates.get(text)
        if found is None:
            try:
                found = parse_date(text)
            except ValueError as exc:
                found = exc
            self.dates[text] = found
        if isinstance(found, Exception):
            raise found
        return found


# --- The sources: a file, a folder or a zip ----------------------------------------------


@dataclass
class _Member:
    name: str  # as messages show it
    suffix: str
    open: Callable[[], io.BufferedIOBase]
    size: int


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in (path.parts[0] if path.parts else "")


class _Limited(io.RawIOBase):
    """A member's stream that stops with an error past `limit` bytes, so a zip whose
    directory understates what it unpacks to (a bomb) cannot fill memory or disk."""

    def __init__(self, raw, limit: int, counter: list[int], total_limit: int):
        self.raw, self.limit, self.read_bytes = raw, limit, 0
        self.counter, self.total_limit = counter, total_limit

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.read_bytes += len(data)
        self.counter[0] += len(data)
        if self.read_bytes > self.limit or self.counter[0] > self.total_limit:
            raise _TooLarge()
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.raw.close()
        super().close()


class _TooLarge(Exception):
    pass


def _members(path: Path, name: str, problems: _Problems) -> tuple[list[_Member], object]:
    """The .json and .csv files of `path` (a file, folder or zip) and what to close."""
    suffix = path.suffix.lower()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        if len(files) > MAX_MEMBERS:
            problems.add(name, None, "", f"more than {MAX_MEMBERS} files in the folder")
            return [], None
        members = [
            _Member(
                f"{name}/{p.relative_to(path).as_posix()}",
                p.suffix.lower(),
                (lambda p=p: open(p, "rb")),  # noqa: SIM115
                p.stat().st_size,
            )
            for p in files
        ]
        return members, None
    if path.is_file() and zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            problems.add(name, None, "", f"more than {MAX_MEMBERS} files in the zip")
            return [], archive
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            limit = f"{MAX_UNPACKED_BYTES / 1024**2:.0f} MB"
            problems.add(name, None, "", f"unpacks to more than {limit} (a zip bomb?)")
            return [], archive
        members = []
        for info in infos:
            if _unsafe(info.filename):
                problems.add(
                    name, None, "", f"unsafe file name in the zip: {_shown(info.filename)}"
                )
                continue
            members.append(
                _Member(
                    f"{name}/{info.filename}",
                    PurePosixPath(info.filename).suffix.lower(),
                    (lambda info=info: archive.open(info)),
                    info.file_size,
                )
            )
        return members, archive
    if path.is_file() and suffix in (".json", ".csv"):
        return [_Member(name, suffix, lambda: open(path, "rb"), path.stat().st_size)], None
    problems.add(name, None, "", "not a .csv, .json or .zip file, nor a folder")
    return [], None


def read_source(path: Path, name: str | None = None) -> Parsed:
    """Read and check every filing of `path` (a .csv, a .json, a zip or a folder of
    them); raise AccountsFormatError with every problem found (nothing is written).
    Messages name files by `name` (an upload's own name), never by a server path."""
    from clustermonitor.impact import accounts_cbso as cbso

    path = Path(path)
    shown = name or path.name
    problems, cache = _Problems(), _Cache()
    parsed = Parsed(source=shown)
    references: dict[str, dict] = {}
    documents: list[tuple[str, dict]] = []
    total = [0]
    members, closing = _members(path, shown, problems)
    try:
        for member in members:
            if member.suffix not in (".json", ".csv"):
                parsed.skipped_files.append(member.name)
                continue
            parsed.files += 1
            limit = MAX_JSON_BYTES if member.suffix == ".json" else MAX_UNPACKED_BYTES
            try:
                with _Limited(member.open(), limit, total, MAX_UNPACKED_BYTES) as raw:
                    if member.suffix == ".csv":
                        _read_csv(
                            io.BufferedReader(raw, 1 << 20), member.name, parsed, cache, problems
                        )
                    else:
                        cbso.read_json(raw.read(), member.name, references, documents, problems)
            except _TooLarge:
                problems.add(member.name, None, "", "larger than allowed (a zip bomb?)")
                break
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                problems.add(
                    member.name, None, "", f"damaged or not readable ({type(exc).__name__})"
                )
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(shown, None, "", f"damaged or not readable ({type(exc).__name__})")
    finally:
        if closing is not None:
            closing.close()
    for member_name, document in documents:
        cbso.filing_from_document(member_name, document, references, parsed, cache, problems)
    if parsed.files == 0 and not problems.total:
        problems.add(shown, None, "", "no .csv or .json file in it")
    if problems.total:
        raise AccountsFormatError(problems.kept, problems.total)
    parsed.format = "csv" if not documents else "cbso-json"
    return parsed


# --- The long CSV ------------------------------------------------------------------------


def _read_csv(raw, name: str, parsed: Parsed, cache: _Cache, problems: _Problems) -> None:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        first = text.readline(HEADER_BYTES)
    except UnicodeDecodeError:
        problems.add(name, 1, "header", "not UTF-8 text")
        return
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter), [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [h for h in header if h not in CSV_REQUIRED + CSV_OPTIONAL]
    doubled = sorted({h for h in header if header.count(h) > 1})
    if missing or unknown or doubled:
        found = ",".join(header) if header else "nothing"
        expected = ",".join(CSV_REQUIRED)
        detail = "; ".join(
            part
            for part in (
                missing and f"missing {', '.join(missing)}",
                unknown and f"unknown {', '.join(_shown(u, 30) for u in unknown[:5])}",
                doubled and f"twice {', '.join(doubled)}",
            )
            if part
        )
        problems.add(
            name,
            1,
            "header",
            f"expected {expected} (optional: {', '.join(CSV_OPTIONAL)}), "
            f"found {found[:200]} ({detail})",
        )
        return
    at = {h: i for i, h in enumerate(header)}
    i_number, i_end, i_rubric, i_value = (at[c] for c in CSV_REQUIRED)
    i_filed, i_scheme = at.get("filed_on"), at.get("scheme")
    width, decimal_comma = len(header), delimiter == ";"
    filings, rubric_index = parsed.filings, RUBRIC_INDEX
    add = problems.add
    known_from: dict[datetime.date, datetime.date] = {}
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    # The common case (a valid number, date, rubric and plain amount, as the file spells
    # them) is looked up in dictionaries of texts already seen; anything else takes the
    # checking path, which names the problem.
    numbers: dict[str, str] = {}
    dates: dict[str, datetime.date] = {}
    plain = _PLAIN.fullmatch
    kept = 0
    try:
        for row in reader:
            if len(row) != width:
                if not row or not "".join(row).strip():
                    continue
                add(name, reader.line_num + 1, "", f"{len(row)} fields, the header has {width}")
                continue
            bad = False
            raw = row[i_number]
            number = numbers.get(raw)
            if number is None:
                try:
                    number = numbers[raw] = cache.number(raw.strip())
                except enterprise.InvalidEnterpriseNumber as exc:
                    line = reader.line_num + 1
                    add(name, line, "enterprise_number", f"{_shown(exc.text)}: {exc.reason}")
                    bad = True
            raw = row[i_end]
            period_end = dates.get(raw)
            if period_end is None:
                try:
                    period_end = dates[raw] = cache.date(raw)
                except ValueError as exc:
                    add(name, reader.line_num + 1, "period_end", f"{_shown(raw)}: {exc}")
                    bad = True
            filed_on = None
            if i_filed is not None and row[i_filed].strip():
                try:
                    filed_on = cache.date(row[i_filed])
                except ValueError as exc:
                    line = reader.line_num + 1
                    add(name, line, "filed_on", f"{_shown(row[i_filed])}: {exc}")
                    bad = True
            scheme = ""
            if i_scheme is not None and row[i_scheme].strip():
                scheme = SCHEME_WORDS.get(row[i_scheme].strip().lower(), "")
                if not scheme:
                    add(
                        name,
                        reader.line_num + 1,
                        "scheme",
                        f"{_shown(row[i_scheme])}: not full, abbreviated, micro or other",
                    )
                    bad = True
            code = row[i_rubric]
            index = rubric_index.get(code)
            if index is None:
                code = code.strip().upper()
                index = rubric_index.get(code)
                if index is None:
                    if not code:
                        add(name, reader.line_num + 1, "rubric", "empty")
                    else:
                        parsed.ignored += 1
                    continue
            raw = row[i_value]
            match = None if decimal_comma else plain(raw)
            if match is not None:
                sign, whole, decimals = match.groups()
                cents = int(whole) * 100
                if decimals:
                    cents += int(decimals) * (10 if len(decimals) == 1 else 1)
                if sign:
                    cents = -cents
            else:
                try:
                    cents = parse_amount(raw, decimal_comma)
                except ValueError as exc:
                    add(name, reader.line_num + 1, "value", f"{_shown(raw)}: {exc}")
                    continue
            if bad:
                continue
            if filed_on is None:
                filed_on = known_from.get(period_end)
                if filed_on is None:
                    filed_on = known_from[period_end] = firm_figures_known_from(period_end)
            elif filed_on < period_end:
                add(
                    name,
                    reader.line_num + 1,
                    "filed_on",
                    f"{filed_on:%Y-%m-%d} is before the year end {period_end:%Y-%m-%d}",
                )
                continue
            key = (number, period_end, filed_on)
            filing = filings.get(key)
            if filing is None:
                where = (name, reader.line_num + 1)
                filing = filings[key] = [
                    scheme,
                    None,
                    "",
                    False,
                    where,
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            elif scheme and filing[SCHEME] != scheme:
                if filing[SCHEME]:
                    add(
                        name,
                        reader.line_num + 1,
                        "scheme",
                        f"{scheme}, while {where_text(filing[WHERE])} gives {filing[SCHEME]} "
                        "for this filing",
                    )
                    continue
                filing[SCHEME] = scheme
            slot = VALUES + index
            if filing[slot] is None:
                filing[slot] = cents
                kept += 1
            elif filing[slot] != cents:
                add(
                    name,
                    reader.line_num + 1,
                    "value",
                    f"rubric {code} of {number} for {period_end:%Y-%m-%d} appears twice with "
                    f"different values (first in {where_text(filing[WHERE])})",
                )
    except UnicodeDecodeError:
        add(name, reader.line_num + 1, "", "not UTF-8 text")
    except csv.Error as exc:
        add(name, reader.line_num + 1, "", f"not a readable CSV line ({exc})")
    parsed.values += kept


def where_text(where) -> str:
    """Where a filing was read: a file (a JSON document) or a file and row (CSV)."""
    return where if isinstance(where, str) else f"{where[0]}, row {where[1]}"


def sha256_of(path: Path) -> tuple[str, int]:
    """The file's SHA-256 and size (a folder: of its files' names and contents)."""
    digest, size = hashlib.sha256(), 0
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size
