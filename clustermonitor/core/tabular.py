"""Reading the spreadsheets people actually send: .xlsx, or .csv in UTF-8, UTF-8 with
BOM or Windows-1252, separated by commas or semicolons. Shared by every import
(members, contributions, attendee lists, collaborations, survey responses).

A Table is headers plus rows of text cells, each row knowing its line in the file, so
that every rejected row can name file, row and column.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook

ENCODINGS = ("utf-8-sig", "cp1252")


class TableError(ValueError):
    """The file as a whole cannot be read (not a table, empty, no header)."""


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
    """Read an .xlsx or .csv file given as bytes; the first non-empty row is the header."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, name)
    if suffix in (".csv", ".txt"):
        return _read_csv(data, name)
    raise TableError(f"{name}: use an .xlsx or .csv file (not {suffix or 'without extension'}).")


def _read_xlsx(data: bytes, name: str) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"{name}: not a readable Excel file ({exc.__class__.__name__}).") from None
    sheet = workbook.worksheets[0]
    rows = ([_text(v) for v in values] for values in sheet.iter_rows(values_only=True))
    table = _build(name, enumerate(rows, start=1))
    workbook.close()
    return table


def _read_csv(data: bytes, name: str) -> Table:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise TableError(f"{name}: the text encoding is not UTF-8 or Windows-1252.")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = ((reader.line_num, row) for row in reader)
    table = _build(name, numbered)
    table.encoding, table.delimiter = (
        encoding.replace("-sig", " (BOM)") if data.startswith(b"\xef\xbb\xbf") else encoding,
        delimiter,
    )
    return table


def _build(name: str, numbered_rows) -> Table:
    headers: list[str] | None = None
    rows = []
    for number, cells in numbered_rows:
        cells = [c.strip() if isinstance(c, str) else _text(c) for c in cells]
        if not any(cells):
            continue
        if headers is None:
            headers = _unique_headers(cells)
            continue
        rows.append((number, cells + [""] * (len(headers) - len(cells))))
    if headers is None:
        raise TableError(f"{name}: the file is empty.")
    return Table(name=name, headers=headers, rows=rows)


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
    raise ValueError(f"{text!r} is not a date (use dd/mm/yyyy)")


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
        raise ValueError(f"{text!r} is not an amount") from None


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
