"""One document, three files: a self-contained HTML page, an A4 PDF and an .xlsx workbook.

Tables and figures are numbered in order of appearance ("Tabel 3", "Figuur 2"), sections
as 1, 1.1 ... The HTML carries its own CSS and inline SVG (no external file, no script),
so it can be mailed or archived as one file. The PDF is the same HTML with print rules
(WeasyPrint: A4, title page, table of contents with page numbers, numbered pages). The
workbook has a contents sheet and one sheet per table, with real numbers (percentages
and euro as number formats), not text.

HTML and workbook are byte-identical for the same data and date (no clock, no random);
so is the PDF: WeasyPrint writes no creation date, and the one clock it can reach (the
"modified" stamp fontTools writes into a subset font when HarfBuzz's subsetter is not
installed) is pinned to the report's date (`_font_clock`).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import os
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clustermonitor.core.exporters import Sheet, workbook_bytes
from clustermonitor.reports.document import (
    Document,
    Figure,
    Formatter,
    Money,
    Paragraph,
    Percent,
    Section,
    Table,
)

CSS_FILE = Path(__file__).parent / "report.css"
FORMATS = ("html", "pdf", "xlsx")
#: Tables with more columns get a landscape page in the PDF and a smaller type.
WIDE_COLUMNS = 9
#: HTML and PDF show at most this many rows of a table (a programme of 200 clusters
#: would otherwise print hundreds of pages); the note says how many more the workbook
#: has. A table may set its own `display_rows`.
DISPLAY_ROWS = 60


@dataclass
class _Block:
    kind: str  # "paragraph", "table", "figure"
    text: str = ""
    number: int = 0
    key: str = ""
    title: str = ""
    columns: list[tuple[str, bool]] = field(default_factory=list)  # (header, numeric)
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)  # (text, numeric)
    total_rows: int = 0
    more_rows: int = 0
    wide: bool = False
    notes: list[str] = field(default_factory=list)
    source: str = ""
    svg: str = ""
    image: str = ""  # the SVG as a data: URI, for the PDF
    caption: str = ""


@dataclass
class _Section:
    number: str
    anchor: str
    title: str
    level: int
    blocks: list[_Block]
    subsections: list[_Section]


class _Numbering:
    def __init__(self, fmt: Formatter):
        self.fmt, self.tables, self.figures = fmt, 0, 0

    def section(self, section: Section, number: str, level: int) -> _Section:
        blocks = [self.block(b) for b in section.blocks]
        subsections = [
            self.section(s, f"{number}.{i}", level + 1)
            for i, s in enumerate(section.subsections, start=1)
        ]
        return _Section(
            number, f"s{number.replace('.', '-')}", section.title, level, blocks, subsections
        )

    def block(self, block) -> _Block:
        if isinstance(block, Paragraph):
            return _Block("paragraph", text=block.text)
        if isinstance(block, Table):
            self.tables += 1
            rows = [_padded(row, len(block.columns)) for row in block.rows]
            numeric = _numeric_columns(rows, len(block.columns))
            limit = DISPLAY_ROWS if block.display_rows is None else block.display_rows
            more = 0
            if len(rows) > limit:
                more = len(rows) - limit
                rows = rows[:limit]
            return _Block(
                "table",
                number=self.tables,
                key=block.key,
                title=block.title,
                columns=list(zip(block.columns, numeric, strict=True)),
                rows=[
                    list(zip([self.fmt.cell(v) for v in row], numeric, strict=True)) for row in rows
                ],
                total_rows=0 if more else block.total_rows,
                more_rows=more,
                wide=len(block.columns) > WIDE_COLUMNS,
                notes=block.notes,
                source=block.source,
            )
        if isinstance(block, Figure):
            self.figures += 1
            return _Block(
                "figure",
                number=self.figures,
                key=block.key,
                title=block.title,
                svg=_scoped_svg(block.svg, f"f{self.figures}-"),
                caption=block.caption,
            )
        raise TypeError(f"not a report block: {block!r}")


_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_REF = re.compile(r'(href="#|url\(#)([^")]+)')


def _scoped_svg(svg: str, prefix: str) -> str:
    """Prefix the ids inside one figure (and the references to them): matplotlib names
    its glyphs and clip paths the same way in every figure, and one HTML page with
    several inline figures would define each id several times."""
    svg = _SVG_ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return _SVG_REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def _padded(row: list, width: int) -> list:
    return list(row[:width]) + [None] * (width - len(row))


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal | Percent | Money) and not isinstance(
        value, bool
    )


def _numeric_columns(rows: list[list], width: int) -> list[bool]:
    """A column is right-aligned when every filled cell in it is a number."""
    result = []
    for i in range(width):
        filled = [row[i] for row in rows if row[i] not in (None, "")]
        result.append(bool(filled) and all(_is_number(v) for v in filled))
    return result


def layout(document: Document) -> list[_Section]:
    numbering = _Numbering(Formatter(document.lang))
    return [numbering.section(s, str(i), 1) for i, s in enumerate(document.sections, start=1)]


def _flatten(sections: list[_Section]) -> list[_Section]:
    out = []
    for section in sections:
        out.append(section)
        out.extend(_flatten(section.subsections))
    return out


def render_html(document: Document, *, for_pdf: bool = False) -> str:
    """The report as one HTML document (CSS inline, figures as inline SVG)."""
    sections = layout(document)
    if for_pdf:
        for section in _flatten(sections):
            for block in section.blocks:
                if block.kind == "figure":
                    block.image = _data_uri(block.svg)
    with translation.override(document.lang):
        return render_to_string(
            "reports/document.html",
            {
                "document": document,
                "sections": sections,
                "toc": [s for s in _flatten(sections) if s.level <= 2],
                "css": CSS_FILE.read_text(encoding="utf-8"),
                "for_pdf": for_pdf,
                "as_of": Formatter(document.lang).date(document.as_of, long=True),
                "clusters": ", ".join(document.cluster_codes),
            },
        )


def _data_uri(svg: str) -> str:
    """An SVG as an image source: WeasyPrint then draws it as a picture instead of
    styling its thousands of elements as part of the page (a quarter of the PDF's time)."""
    if "xmlns=" not in svg[: svg.find(">")]:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


_FONT_CLOCK_LOCK = threading.Lock()


@contextlib.contextmanager
def _font_clock(on: datetime.date):
    """While WeasyPrint writes the PDF, fontTools' clock reads `on` (midnight UTC).

    Without HarfBuzz's subsetter (libharfbuzz-subset), WeasyPrint subsets fonts with
    fontTools, which stamps each subset's `head.modified` with the time of the run: two
    runs a second apart wrote different bytes. fontTools reads SOURCE_DATE_EPOCH
    (reproducible-builds.org) instead of the clock when it is set; it is set for the
    render only, under a lock so that threads rendering other dates wait."""
    epoch = datetime.datetime.combine(on, datetime.time(), tzinfo=datetime.UTC).timestamp()
    with _FONT_CLOCK_LOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


def render_pdf(document: Document) -> bytes:
    """The report as an A4 PDF (WeasyPrint; imported here so that the rest of the
    platform runs on a machine without Pango)."""
    import weasyprint

    html = render_html(document, for_pdf=True)
    with _font_clock(document.as_of):
        return weasyprint.HTML(string=html, base_url=None).write_pdf()


def render_xlsx(document: Document) -> bytes:
    """A contents sheet, then one sheet per table (numbers as numbers)."""
    with translation.override(document.lang):
        sections = layout(document)
        tables = [
            (section, block)
            for section in _flatten(sections)
            for block in section.blocks
            if block.kind == "table"
        ]
        raw_tables = document.tables()
        label = pgettext("report", "Table")
        contents = Sheet(
            title=_("Contents"),
            headers=[label, _("Title"), _("Section"), _("Sheet")],
            rows=[
                [block.number, block.title, f"{section.number} {section.title}", _sheet_name(block)]
                for section, block in tables
            ],
        )
        sheets = [contents]
        for (_section, block), table in zip(tables, raw_tables, strict=True):
            rows = [[_xlsx_value(v) for v in _padded(r, len(table.columns))] for r in table.rows]
            formats = _xlsx_formats(table)
            notes = [[f"{label} {block.number}: {block.title}"]]
            notes += [[n] for n in table.notes]
            if table.source:
                notes.append([table.source])
            sheets.append(
                Sheet(
                    title=_sheet_name(block),
                    headers=table.columns,
                    rows=[*rows, [], *notes],
                    number_formats=formats,
                )
            )
        return workbook_bytes(sheets)


def _sheet_name(block: _Block) -> str:
    """ "T03 Co-financing" style, at most 31 characters, no characters Excel refuses."""
    name = f"T{block.number:02d} {block.title}"
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31].strip()


def _xlsx_value(value):
    if isinstance(value, Percent):
        return value.value
    if isinstance(value, Money):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def _xlsx_formats(table: Table) -> dict[int, str]:
    formats = {}
    for i in range(len(table.columns)):
        cells = [r[i] for r in table.rows if i < len(r) and r[i] is not None]
        if cells and all(isinstance(v, Percent) for v in cells):
            decimals = max(v.decimals for v in cells)
            formats[i] = "0" + ("." + "0" * decimals if decimals else "") + "%"
        elif cells and all(isinstance(v, Money) for v in cells):
            formats[i] = '"€" #,##0'
        elif cells and all(isinstance(v, datetime.date) for v in cells):
            formats[i] = "dd/mm/yyyy"
    return formats


def write(
    document: Document, formats: list[str], folder: Path, stem: str, progress=None
) -> list[Path]:
    """Render each format and put it in `folder` as `stem.<ext>`: each file is written to
    a temporary name first and renamed, so a failure never leaves a half file."""
    rendered = []
    for i, fmt in enumerate(formats):
        if progress:
            progress(90 + round(10 * i / len(formats)), fmt.upper())
        if fmt == "html":
            rendered.append((fmt, render_html(document).encode("utf-8")))
        elif fmt == "pdf":
            rendered.append((fmt, render_pdf(document)))
        elif fmt == "xlsx":
            rendered.append((fmt, render_xlsx(document)))
        else:
            raise ValueError(f"unknown format {fmt}")
    paths = []
    for fmt, data in rendered:
        target = folder / f"{stem}.{fmt}"
        temporary = folder / f".{stem}.{fmt}.part"
        temporary.write_bytes(data)
        temporary.replace(target)
        paths.append(target)
    return paths
