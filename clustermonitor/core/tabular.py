"""Reading the spreadsheets people actually send: .xlsx, or .csv in UTF-8, UTF-8 with
BOM or Windows-1252, separated by commas or semicolons. Shared by every import
(members, contributions, attendee lists, collaborations, survey responses).

A Table is headers plus rows of text cells, each row knowing its line in the file, so
that every rejected row can name file, row and column.

A file is small when it arrives (the upload forms allow 20 MB) but need not be small once
read: an .xlsx is a zip that can unpack a hundredfold, and a 60 KB CSV can declare 20,000
columns. So the reader checks what a file unpacks to before parsing it (the zip's
directory, the sheet's declared dimension, the number of shared strings) and counts rows,
columns and cells while it streams, stopping at the first limit crossed (docs/user-guide.md
gives the settings and their defaults). A file is read once, at upload; what the wizard
shows afterwards comes from the parsed table kept with the upload (`dump_parsed`).
"""

import contextlib
import csv
import datetime
import functools
import gzip
import io
import json
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

ENCODINGS = ("utf-8-sig", "cp1252")

MB = 1024 * 1024
#: The limits and their defaults, sized for real member lists and survey exports (tens of
#: thousands of rows, hundreds of columns); each can be set in the settings/environment.
DEFAULT_LIMITS = {
    "UPLOAD_MAX_ROWS": 100_000,
    "UPLOAD_MAX_COLUMNS": 1_000,
    "UPLOAD_MAX_CELLS": 3_000_000,
    "UPLOAD_MAX_UNPACKED_BYTES": 200 * MB,
    "XLSFORM_MAX_ROWS": 5_000,
}
#: What Python's csv module refuses by default; a field longer than this is no list.
CSV_FIELD_LIMIT = 131_072


def _(message: str) -> str:
    """The message in the user's language; as written when there are no Django settings
    (the reader also works in a plain script)."""
    return gettext(message) if settings.configured else message


def limit(name: str) -> int:
    """A limit from the Django settings, or its default (the reader also works without
    settings, e.g. in a script)."""
    default = DEFAULT_LIMITS.get(name, 0)
    return int(getattr(settings, name, default)) if settings.configured else default


class TableError(ValueError):
    """The file as a whole cannot be read (not a table, empty, no header, over a limit)."""


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)
    encoding: str = ""
    delimiter: str = ""

    def cell(self, row: list[str], column: str) -> str:
        index = self.headers.index(column)
        return row[index].strip() if index < len(row) and row[index] is not None else ""

    def mapped(self, mapping: dict[str, str]) -> "Mapped":
        """An import's mapping (field → column header) on this table's columns."""
        return Mapped({f: self.headers.index(c) for f, c in mapping.items() if c in self.headers})


@dataclass(frozen=True)
class Mapped:
    """The column of each mapped field (`index`; a field unmapped or whose column the table
    lacks is left out). Called with a row's cells and a field: that cell, stripped, or ""
    when the field has no column or the row is short."""

    index: dict[str, int]

    def __call__(self, cells: list[str], name: str) -> str:
        index = self.index.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, name: str) -> Table:
    """Read an .xlsx or .csv file given as bytes; the first non-empty row is the header.
    Raises TableError naming the file (and line or limit) when it cannot or may not."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, name)
    if suffix in (".csv", ".txt"):
        return _read_csv(data, name)
    raise TableError(
        _("%(name)s: use an .xlsx or .csv file (not %(suffix)s).")
        % {"name": name, "suffix": suffix or _("without extension")}
    )


def read_upload(form, field: str = "file") -> tuple[bytes, Table] | None:
    """The file of a valid upload form, read and parsed (the first step of every import
    wizard). A refused file becomes the error of that field and gives None."""
    upload = form.cleaned_data[field]
    data = upload.read()
    try:
        table = read_table(data, upload.name)
    except TableError as exc:
        form.add_error(field, str(exc))
        return None
    upload.seek(0)
    return data, table


# -- Limits -------------------------------------------------------------------------


def _megabytes(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} bytes"


def over_limit(name: str, where: str, problem: str, setting: str) -> TableError:
    """The refusal for a limit crossed: which file, where, what, which limit and value."""
    value = limit(setting)
    return TableError(
        _(
            "%(name)s%(where)s: %(problem)s; the limit is %(limit)s (setting %(setting)s). "
            "Split the file, or ask the administrator to raise the limit."
        )
        % {
            "name": name,
            "where": f", {where}" if where else "",
            "problem": problem,
            "limit": _megabytes(value) if setting.endswith("_BYTES") else value,
            "setting": setting,
        }
    )


class _Counter:
    """Counts rows and cells while a file streams; raises at the first limit crossed."""

    def __init__(self, name: str, unit: str, row_setting: str = "UPLOAD_MAX_ROWS"):
        self.name, self.unit = name, unit  # unit: "line" (CSV) or "row" (xlsx)
        self.row_setting = row_setting
        self.max_rows = limit(row_setting)
        self.max_columns = limit("UPLOAD_MAX_COLUMNS")
        self.max_cells = limit("UPLOAD_MAX_CELLS")
        self.rows = self.cells = self.width = 0

    def where(self, number: int) -> str:
        if self.unit == "line":
            return _("line %(n)s") % {"n": number}
        return _("row %(n)s") % {"n": number}

    def columns(self, number: int, count: int) -> None:
        if count > self.max_columns:
            raise over_limit(
                self.name,
                self.where(number),
                _("%(n)s columns") % {"n": count},
                "UPLOAD_MAX_COLUMNS",
            )

    def row(self, number: int, count: int, header: bool = False) -> None:
        """One row read; blank rows after the header count too (they cost time)."""
        if not header:
            self.rows += 1
            if self.rows > self.max_rows:
                raise over_limit(
                    self.name,
                    self.where(number),
                    _("more than %(n)s rows") % {"n": self.max_rows},
                    self.row_setting,
                )
        self.columns(number, count)
        self.cells += max(count, self.width)
        if self.cells > self.max_cells:
            raise over_limit(
                self.name,
                self.where(number),
                _("more than %(n)s cells (rows × columns)") % {"n": self.max_cells},
                "UPLOAD_MAX_CELLS",
            )


def _build(name: str, numbered_rows, counter: _Counter) -> Table:
    """Headers and rows (padded to the header's width) from (number, cells) pairs,
    counted as they stream by: a row is measured before it is converted."""
    headers: list[str] | None = None
    rows = []
    for number, raw in numbered_rows:
        counter.columns(number, len(raw))
        cells = [c.strip() if isinstance(c, str) else _text(c) for c in raw]
        is_header = headers is None and any(cells)
        counter.row(number, len(cells), header=is_header)
        if not any(cells):
            continue
        if is_header:
            headers = _unique_headers(cells)
            counter.width = len(headers)
            continue
        rows.append((number, cells + [""] * (len(headers) - len(cells))))
    if headers is None:
        raise TableError(_("%(name)s: the file is empty.") % {"name": name})
    return Table(name=name, headers=headers, rows=rows)


# -- xlsx ---------------------------------------------------------------------------


# not a zip, damaged, an unknown compression, a password
_NOT_A_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@contextlib.contextmanager
def _readable(name: str, errors: tuple[type[Exception], ...] = (Exception,)):
    """A file that fails to open or to stream (damaged, not a zip, an unknown compression,
    a password): any of `errors` but a TableError becomes "not a readable Excel file"."""
    try:
        yield
    except TableError:
        raise
    except errors as exc:
        raise TableError(
            _("%(name)s: not a readable Excel file (%(error)s).")
            % {"name": name, "error": _why_unreadable(exc)}
        ) from None


def _why_unreadable(exc: Exception) -> str:
    """Why a file did not open, in the reader's words (not the exception's class)."""
    if isinstance(exc, zipfile.BadZipFile):
        return _("it is not a zip archive, as an .xlsx is")
    if isinstance(exc, EOFError):
        return _("the file is cut off")
    if isinstance(exc, zlib.error | NotImplementedError):
        return _("the file is damaged or compressed in an unknown way")
    if isinstance(exc, RuntimeError) and "password" in str(exc).lower():
        return _("the file is protected with a password")
    return _("the file is damaged")


def check_zip(data: bytes, name: str, setting: str = "UPLOAD_MAX_UNPACKED_BYTES") -> None:
    """Refuse a zip (an .xlsx is one) whose parts unpack to more than the limit, before
    anything is unpacked: the sizes are in the zip's directory, and reading never goes
    past the size a part declares."""
    with _readable(name, _NOT_A_ZIP), zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        shared = [i for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")]
        if unpacked > limit(setting):
            raise over_limit(
                name,
                "",
                _("it unpacks to %(size)s") % {"size": _megabytes(unpacked)},
                setting,
            )
        for info in shared:
            _check_shared_strings(archive, info, name)


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """openpyxl loads every shared string before the first row: count them first, while
    streaming the part (no more strings than cells may be allowed)."""
    most = limit("UPLOAD_MAX_CELLS")
    found, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            block = tail + chunk
            found += len(_SHARED_STRING.findall(block))
            if found > most:
                raise over_limit(
                    name,
                    "",
                    _("more than %(n)s shared texts") % {"n": most},
                    "UPLOAD_MAX_CELLS",
                )
            # a tag cut at the end of the chunk is counted with the next one
            start = block.rfind(b"<", max(0, len(block) - 8))
            cut = block[start:] if start >= 0 else b""
            tail = cut if cut and not _SHARED_STRING.match(cut) and b">" not in cut else b""


_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _parse_dimensions(self):
    """openpyxl's WorkSheetParser.parse_dimensions, stopping where the sheet's data
    starts. openpyxl listens for the *end* of <sheetData>, so a sheet without a
    <dimension> (it is optional) is parsed whole while the workbook opens: 108 s for a
    348 KB file of a million rows, before a single row could be counted. The dimension
    always comes before the data, so the answer is the same."""
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    for _event, element in iterparse(self.source, events=("start",)):
        if element.tag == DIMENSION_TAG:
            return SheetDimension.from_tree(element).boundaries
        if element.tag == DATA_TAG:
            return None
    return None


@functools.cache
def _load_workbook():
    """openpyxl's load_workbook, with `_parse_dimensions` in place. openpyxl (and numpy,
    which it imports) is imported the first time a workbook is read, not when this module
    is: the import kinds that use this reader are registered at every start-up."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    WorkSheetParser.parse_dimensions = _parse_dimensions
    return load_workbook


def iter_xlsx_rows(sheet):
    """The sheet's rows as value tuples, each only as wide as its own last cell (no
    padding to a declared width) and blank gaps as empty tuples."""
    sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True)


def open_xlsx(data: bytes, name: str, setting: str = "UPLOAD_MAX_UNPACKED_BYTES"):
    """The workbook (read-only, values) after the zip checks; the caller closes it."""
    check_zip(data, name, setting)
    load_workbook = _load_workbook()
    with _readable(name):  # openpyxl raises many kinds for a damaged file
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def check_dimension(sheet, name: str, max_rows: int, row_setting: str) -> None:
    """Refuse a sheet whose declared dimension is over the limits, before reading it."""
    declared_rows, declared_columns = sheet.max_row, sheet.max_column
    if declared_columns and declared_columns > limit("UPLOAD_MAX_COLUMNS"):
        raise over_limit(
            name,
            sheet.title,
            _("the sheet declares %(n)s columns") % {"n": declared_columns},
            "UPLOAD_MAX_COLUMNS",
        )
    if declared_rows and declared_rows > max_rows + 1:  # + the header
        raise over_limit(
            name,
            sheet.title,
            _("the sheet declares %(n)s rows") % {"n": declared_rows},
            row_setting,
        )
    if (
        declared_rows
        and declared_columns
        and declared_rows * declared_columns > limit("UPLOAD_MAX_CELLS")
    ):
        raise over_limit(
            name,
            sheet.title,
            _("the sheet declares %(n)s cells (rows × columns)")
            % {"n": declared_rows * declared_columns},
            "UPLOAD_MAX_CELLS",
        )


def check_workbook(data: bytes, name: str, row_setting: str = "UPLOAD_MAX_ROWS") -> None:
    """Every sheet of a workbook within the limits, for a file another library (pyxform)
    is going to load whole: the zip, each sheet's declared dimension, then its rows
    counted while streaming. Raises TableError at the first limit crossed."""
    workbook = open_xlsx(data, name)
    try:
        with _readable(name):
            for sheet in workbook.worksheets:
                check_dimension(sheet, name, limit(row_setting), row_setting)
                counter = _Counter(f"{name}, {sheet.title}", "row", row_setting)
                for number, row in enumerate(iter_xlsx_rows(sheet), start=1):
                    counter.row(number, len(row), header=number == 1)
    finally:
        workbook.close()


def _read_xlsx(data: bytes, name: str) -> Table:
    workbook = open_xlsx(data, name)
    try:
        if not workbook.worksheets:
            raise TableError(_("%(name)s: the file is empty.") % {"name": name})
        sheet = workbook.worksheets[0]
        check_dimension(sheet, name, limit("UPLOAD_MAX_ROWS"), "UPLOAD_MAX_ROWS")
        counter = _Counter(name, "row")
        with _readable(name):
            return _build(name, enumerate(iter_xlsx_rows(sheet), start=1), counter)
    finally:
        workbook.close()


# -- CSV ----------------------------------------------------------------------------


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and its encoding; refuses what would only be read as garbage."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise TableError(
            _(
                '%(name)s: the file is in UTF-16 ("Unicode text"). Save it as '
                '"CSV UTF-8" (or as .xlsx) and upload it again.'
            )
            % {"name": name}
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise TableError(
            _("%(name)s, line %(line)s: the file contains a NUL byte; it is not a text file.")
            % {"name": name, "line": _line_of(data, nul)}
        )
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    suspect = _multibyte_run(data)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        suspect = exc.start if suspect is None else min(suspect, exc.start)
        text = None
    if suspect is not None or text is None:
        raise TableError(
            _(
                "%(name)s, line %(line)s: the text is neither UTF-8 nor Windows-1252 (another "
                'encoding, such as Shift-JIS?). Save it as "CSV UTF-8" and upload it again.'
            )
            % {"name": name, "line": _line_of(data, suspect)}
        )
    return text, "cp1252"


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: every other byte of the start is NUL."""
    head = data[:4096]
    if len(head) < 4:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) > len(head) // 4


_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _multibyte_run(data: bytes) -> int | None:
    """Where a file that is not UTF-8 looks like a multi-byte encoding (Shift-JIS, GBK…)
    rather than Windows-1252: there, accented letters stand alone between ASCII letters
    (é, ü, ç), while a multi-byte text is runs of high bytes. Returns the offset of the
    first run when runs of three or more high bytes (not "üß") hold half of them."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high < 4:
        return None
    runs = list(_HIGH_RUN.finditer(data))
    in_runs = sum(m.end() - m.start() for m in runs)
    if len(runs) >= 2 and in_runs * 2 >= high:
        return runs[0].start()
    return None


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counter = _Counter(name, "line")

    def numbered():
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                raise TableError(
                    _(
                        "%(name)s, line %(line)s: a field is longer than %(limit)s characters "
                        "(a quote left open?)."
                    )
                    % {"name": name, "line": reader.line_num, "limit": csv.field_size_limit()}
                ) from None
            raise TableError(
                _("%(name)s, line %(line)s: not readable as CSV (%(error)s).")
                % {"name": name, "line": reader.line_num, "error": message}
            ) from None

    table = _build(name, numbered(), counter)
    table.encoding = (
        encoding.replace("-sig", " (BOM)") if data.startswith(b"\xef\xbb\xbf") else encoding
    )
    table.delimiter = delimiter
    return table


def _delimiter(text: str) -> str:
    """Semicolons (as Excel writes in Belgium) or commas, going by the first line."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
        start = end + 1
    return ","


# -- The parsed table, kept with the upload ---------------------------------------------


def dump_parsed(table: Table) -> bytes:
    """The table as compressed JSON, read back by `load_parsed` far faster than the file."""
    payload = {
        "version": 1,
        "name": table.name,
        "headers": table.headers,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "rows": table.rows,
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=5, mtime=0)


def load_parsed(data: bytes) -> Table:
    payload = json.loads(gzip.decompress(data))
    return Table(
        name=payload["name"],
        headers=payload["headers"],
        rows=[(number, cells) for number, cells in payload["rows"]],
        encoding=payload["encoding"],
        delimiter=payload["delimiter"],
    )


def _unique_headers(cells: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for i, cell in enumerate(cells):
        header = cell or f"column {i + 1}"
        if header in seen:
            seen[header] += 1
            header = f"{header} ({seen[header]})"
        else:
            seen[header] = 1
        headers.append(header)
    return headers


def normalise_header(text: str) -> str:
    """'Numéro d'entreprise' → 'numerodentreprise'; 'E-mail' → 'email'."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def detect_mapping(headers: list[str], synonyms: dict[str, set[str]]) -> dict[str, str]:
    """Map fields to columns by their usual names in Dutch, French and English."""
    mapping: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        for field_name, names in synonyms.items():
            if field_name not in mapping and key in names:
                mapping[field_name] = header
                break
    return mapping


def suggest_mapping(
    headers: list[str], synonyms: dict[str, set[str]], remembered: dict | None = None
) -> dict[str, str]:
    """Recognised columns, overridden by the mapping the cluster used before (where its
    columns are still in the file)."""
    mapping = detect_mapping(headers, synonyms)
    for field_name, column in (remembered or {}).items():
        if column in headers and field_name in synonyms:
            mapping[field_name] = column
    return mapping


@dataclass
class RowProblem:
    column: str
    message: str


@dataclass
class RowOutcome:
    """What happens to one row: new, updated, unchanged, or rejected with problems."""

    number: int
    cells: list[str]
    status: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reject(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(column, message))
        self.status = "rejected"

    @property
    def reason(self) -> str:
        return "; ".join(f"{p.column}: {p.message}" for p in self.problems)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_date(text: str) -> datetime.date:
    """Dates as people type them in Belgium (31/12/2019, 31-12-2019) or ISO."""
    text = text.strip()
    if "T" in text or " " in text:
        text = text.split("T")[0].split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("%(text)s is not a date (use dd/mm/yyyy)") % {"text": repr(text)})


def parse_amount(text: str) -> Decimal:
    """'1.250,50', '1250.5', '€ 1 250' → Decimal. Belgian notation first."""
    cleaned = re.sub(r"[€\s]|EUR", "", text.strip(), flags=re.IGNORECASE)
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", cleaned) or (
        "," in cleaned and "." not in cleaned
    ):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("%(text)s is not an amount") % {"text": repr(text)}) from None


class PlanSummary:
    """Counts and rejected rows of a plan whose `rows` each carry an `outcome`."""

    rows: list

    @property
    def counts(self) -> dict[str, int]:
        return {
            s: sum(r.outcome.status == s for r in self.rows)
            for s in ("new", "updated", "unchanged", "rejected")
        }

    @property
    def rejected(self) -> list[RowOutcome]:
        return [r.outcome for r in self.rows if r.outcome.status == "rejected"]
