"""What a report is made of, independent of how it is rendered.

A section builder (`sections/*.py`, `build(ctx) -> Section`) returns plain values:
paragraphs of text in which every number was formatted by the context (`ctx.number`,
`ctx.percent`, `ctx.money`, `ctx.date`), tables whose cells are raw values (int, float,
Decimal, date, str, None, or `Percent`/`Money` for typed numbers) and SVG figures.
The renderers number tables and figures in order of appearance ("Tabel 3", "Figuur 2"),
format cells for the report's language, and write one sheet per table in the workbook.

Builders run with the report's language active (`django.utils.translation.override`),
so their text is marked with gettext like any other user-facing string: English
msgids, Dutch in the catalogue.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

EMPTY = "–"

#: Computed floats are written with this many significant digits (docs/report.md): the
#: last bits of a sum depend on the order of its terms, which must not reach the files.
FLOAT_DIGITS = 12


def settle(value):
    """A cell with its floats rounded to FLOAT_DIGITS significant digits (`Percent` and
    `Money` too); other values as they are. NaN and infinities stay what they are."""
    if isinstance(value, float) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            return value
        return float(f"{value:.{FLOAT_DIGITS}g}")
    if isinstance(value, Percent) and isinstance(value.value, float):
        return Percent(settle(value.value), value.decimals)
    if isinstance(value, Money) and isinstance(value.value, float):
        return Money(settle(value.value))
    return value


@dataclass(frozen=True)
class Percent:
    """A share as a fraction (0.599 shows as "59,9 %"), with its decimals."""

    value: float | None
    decimals: int = 0


@dataclass(frozen=True)
class Money:
    """An amount in euro, shown without cents ("€ 12.500")."""

    value: Decimal | float | int | None


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """A table: `key` is stable (used for the sheet name and anchors), `title` is shown.

    A year goes in as text ("2019"): an int is a count and gets thousands separators.

    `rows` hold raw values; a row may end with fewer cells than `columns` (the rest
    show empty). `total_rows` is how many rows at the end are totals (shown bold).
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    source: str = ""
    total_rows: int = 0
    # HTML/PDF show the first n rows (render.DISPLAY_ROWS by default); the workbook all.
    display_rows: int | None = None


class Figure:
    """An SVG figure (a string from `analysis.charts.to_svg` or `analysis.network`).

    `svg` may be given as the drawing itself or as a function that draws it: the chart is
    then drawn when a renderer first asks for it, once. Drawing is the larger part of
    building a report (matplotlib lays out every label), and a reader of the tables
    alone (the API's figures, the known-on-D comparison) never needs it. The function
    must hold the figure's data, not read the records again, so that the drawing is the
    one of the day the document was built for."""

    def __init__(self, key: str, title: str, svg: str | Callable[[], str], caption: str = ""):
        self.key = key
        self.title = title
        self._svg = svg
        self.caption = caption

    @property
    def svg(self) -> str:
        if callable(self._svg):
            self._svg = self._svg()
        return self._svg

    def _compared(self) -> tuple:
        return (self.key, self.title, self.svg, self.caption)

    def __eq__(self, other) -> bool:
        return isinstance(other, Figure) and self._compared() == other._compared()

    __hash__ = None  # mutable, as the dataclass it was: compared, never hashed

    def __repr__(self) -> str:
        return f"Figure(key={self.key!r}, title={self.title!r})"


Block = Paragraph | Table | Figure


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def text(self, text: str) -> Section:
        self.blocks.append(Paragraph(text))
        return self


@dataclass
class Document:
    title: str
    subtitle: str
    as_of: datetime.date
    lang: str
    cluster_codes: list[str]
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [b for s in _walk(self.sections) for b in s.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for s in _walk(self.sections) for b in s.blocks if isinstance(b, Figure)]

    def settle(self) -> Document:
        """Round every float in every table to FLOAT_DIGITS significant digits, in place."""
        for table in self.tables():
            table.rows = [[settle(cell) for cell in row] for row in table.rows]
        return self


def _walk(sections: list[Section]):
    for section in sections:
        yield section
        yield from _walk(section.subsections)


class Formatter:
    """Belgian formatting for the report's language (the same patterns as the web pages)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.locale = "en_BE" if lang.startswith("en") else "nl_BE"

    def number(self, value, decimals: int = 0) -> str:
        if _missing(value):
            return EMPTY
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return babel_numbers.format_decimal(Decimal(str(value)), format=pattern, locale=self.locale)

    def percent(self, value, decimals: int = 0) -> str:
        """`value` is a fraction: 0.599 → "59,9 %" (decimals=1)."""
        if _missing(value):
            return EMPTY
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
        return babel_numbers.format_percent(value, format=pattern, locale=self.locale)

    def money(self, value) -> str:
        if _missing(value):
            return EMPTY
        return babel_numbers.format_currency(
            Decimal(str(value)), "EUR", format="¤ #,##0", locale=self.locale, currency_digits=False
        )

    def date(self, value: datetime.date, long: bool = False) -> str:
        if _missing(value):
            return EMPTY
        return babel_dates.format_date(
            value, "d MMMM yyyy" if long else "dd/MM/yyyy", locale=self.locale
        )

    def cell(self, value) -> str:
        """A table cell as text."""
        if isinstance(value, Percent):
            return self.percent(value.value, value.decimals)
        if isinstance(value, Money):
            return self.money(value.value)
        if isinstance(value, bool):
            return "✓" if value else ""
        if _missing(value):
            return EMPTY
        if isinstance(value, int | Decimal):
            return self.number(value)
        if isinstance(value, float):
            return self.number(value, 0 if value == int(value) else 1)
        if isinstance(value, datetime.date):
            return self.date(value)
        return str(value)


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)
