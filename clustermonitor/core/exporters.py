"""Tables as downloads. An exporter names its columns and yields rows; this module
renders them as .xlsx (pretix's exporter pattern). Output is deterministic: the
same rows give the same bytes (fixed document dates)."""

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FIXED_TIME = datetime.datetime(2000, 1, 1)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[Iterable]
    number_formats: dict[int, str] | None = None  # column index → Excel number format


def _cell(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return _belgian(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _belgian(moment: datetime.datetime) -> datetime.datetime:
    """A moment as Belgian wall-clock time (Excel has no time zones)."""
    from django.utils import timezone

    return timezone.localtime(moment).replace(tzinfo=None)


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in sheet.headers]
        for row in sheet.rows:
            values = [_cell(v) for v in row]
            ws.append(values)
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
