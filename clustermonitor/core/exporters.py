"""Tables as downloads. An exporter names its columns and yields rows; this module
renders them as .xlsx or .csv (pretix's exporter pattern) and is the only writer of
spreadsheets: every export goes through it (tests/test_export_injection.py finds them).
Output is deterministic: the same rows give the same bytes (fixed document dates).

Formula injection (OWASP "CSV injection"): a text value that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be read as a formula by a spreadsheet.
In .xlsx such a value is written as an explicit string cell with Excel's quote prefix
(the text is kept as it is and stays text when the cell is edited); in .csv, which has no
types, it gets a leading single quote. Numbers stay numbers (-5 is a number, "-5" is text).
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse

FIXED_TIME = datetime.datetime(2000, 1, 1)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[Iterable]
    number_formats: dict[int, str] | None = None  # column index → Excel number format


def frame_sheet(title: str, frame, *, blanks: bool = True) -> Sheet:
    """A pandas DataFrame as a sheet, one row per frame row (no index).

    With `blanks` (the default) a missing value (NaN, NaT, None) becomes an empty cell and
    the headers are the column names as text. Without it the frame's values and column
    names are written as they are (the reach download has always done so; its bytes stay
    the same)."""
    if not blanks:
        return Sheet(title, list(frame.columns), frame.itertuples(index=False, name=None))
    clean = frame.astype(object).where(frame.notna(), None)
    return Sheet(title, [str(c) for c in clean.columns], clean.itertuples(index=False, name=None))


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Text a spreadsheet would evaluate (numbers are never formula-like)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_safe(value):
    """OWASP's rule for CSV: prefix formula-like text with a single quote."""
    return "'" + value if is_formula_like(value) else value


def _cell(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return _belgian(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _append(ws, row: int, values: list) -> None:
    """Append row number `row`; formula-like text becomes an explicit string cell (openpyxl
    would otherwise store any text starting with '=' as a formula). The row number is
    passed in: ws.max_row scans every cell, which would make a long sheet quadratic."""
    ws.append(values)
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            cell = ws.cell(row=row, column=column)
            cell.data_type = "s"
            cell.quotePrefix = True


def _belgian(moment: datetime.datetime) -> datetime.datetime:
    """A moment as Belgian wall-clock time (Excel has no time zones)."""
    from django.utils import timezone

    return timezone.localtime(moment).replace(tzinfo=None)


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    # openpyxl (and numpy, which it imports) when a workbook is written, not at start-up:
    # the import kinds that reach this module are registered by every process.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        _append(ws, 1, list(sheet.headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in sheet.headers]
        for number, row in enumerate(sheet.rows, start=2):
            values = [_cell(v) for v in row]
            _append(ws, number, values)
            for i, value in enumerate(values):
                widths[i] = max(widths[i], min(len(str(value if value is not None else "")), 60))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width + 2
            if sheet.number_formats and (i - 1) in sheet.number_formats:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = sheet.number_formats[i - 1]
        ws.freeze_panes = "A2"
    workbook.properties.creator = "clustermonitor"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic(buffer.getvalue())


_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def _deterministic(data: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml and every zip entry; fix both,
    so the same rows give the same bytes (a reproducible report needs it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = _MODIFIED.sub(
                    rb"<dcterms:modified\1>" + stamp + rb"</dcterms:modified>", content
                )
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, content)
    return out.getvalue()


def xlsx_response(filename: str, sheets: list[Sheet]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_bytes(headers: list[str], rows: Iterable[Iterable], delimiter: str = ";") -> bytes:
    """Semicolon-separated UTF-8 with a BOM (what Excel in Belgium opens as columns),
    formula-like text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([csv_safe(h) for h in headers])
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(filename: str, headers: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
