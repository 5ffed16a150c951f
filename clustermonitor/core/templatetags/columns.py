"""The column chooser of wide tables: the reader hides and shows a table's columns.

    {% load columns %}
    {% choosecolumns "portfolio" %}
    <div class="table-wrap" tabindex="0"><table class="data">…</table></div>
    {% endchoosecolumns %}

The block renders its content with a "Columns" control before it: a <details> menu with
a checkbox for every column of the table's header but the first (which identifies the
row and always shows; `keep=2` keeps the first two, e.g. a selection box and the name)
and those without a header text (a column of links or buttons), and a "Show all
columns" reset. The table is marked with
data-columns="<id>"; static/clustermonitor/columns.js hides the unticked columns and
remembers the choice in the browser (localStorage, by the id), so the id names the kind
of table, stable across pages and clusters ("members", not a cluster's code).

The labels are read from the rendered header itself, so they never drift from the
table: header cells that span columns (colspan) or rows (rowspan) are laid out on the
header's grid, and a column under a group is labelled "group · column". The script
narrows a group's colspan as its columns are hidden and hides it with the last.

Without script the control stays hidden (it has the `hidden` attribute) and the table
shows in full. Downloads always have every column: the choice is a view preference.
When several tables of a page share an id (the sections of one comparison), the control
renders before the first only and acts on all of them.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

_TABLE = re.compile(r"<table\b")
_THEAD = re.compile(r"(?is)<thead\b.*?</thead>")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(eq=False)  # cells are told apart by identity: two may read the same
class _Cell:
    text: str
    colspan: int
    rowspan: int


class _Header(HTMLParser):
    """The cells of a <thead>, row by row: their text, colspan and rowspan."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[_Cell]] = []
        self._cell: _Cell | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td") and self.rows:
            values = dict(attrs)
            self._cell = _Cell("", _span(values.get("colspan")), _span(values.get("rowspan")))
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._cell.text = " ".join("".join(self._text).split())
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)


def _span(value) -> int:
    try:
        return max(1, min(int(value), 1000))
    except (TypeError, ValueError):
        return 1


def header_columns(thead: str) -> list[str]:
    """The label of every column of a rendered <thead>: the texts of the header cells
    above it, top to bottom, joined by " · " (a cell spanning rows or columns counts
    once; a sort link's arrow left out); "" for a column without any."""
    parser = _Header()
    parser.feed(thead)
    parser.close()
    grid: dict[tuple[int, int], _Cell] = {}
    for r, row in enumerate(parser.rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[r + dr, c + dc] = cell
            c += cell.colspan
    width = max((c + 1 for _r, c in grid), default=0)
    labels = []
    for c in range(width):
        cells = []
        for r in range(len(parser.rows)):
            cell = grid.get((r, c))
            if cell is not None and cell not in cells:
                cells.append(cell)
        texts = [text for cell in cells if (text := cell.text.rstrip(" ▲▼"))]
        labels.append(" · ".join(texts))
    return labels


class ChooseColumnsNode(template.Node):
    def __init__(self, table_id, keep, nodelist):
        self.table_id, self.keep, self.nodelist = table_id, keep, nodelist

    def render(self, context):
        table_id = self.table_id.resolve(context)
        if not isinstance(table_id, str) or not _ID.match(table_id):
            raise template.TemplateSyntaxError(f"choosecolumns: a bad table id {table_id!r}")
        keep = int(self.keep.resolve(context)) if self.keep is not None else 1
        content = self.nodelist.render(context)
        thead = _THEAD.search(content)
        if thead is None or not _TABLE.search(content):
            raise template.TemplateSyntaxError(f"choosecolumns {table_id}: no table with a head")
        content = _TABLE.sub(
            format_html('<table data-columns="{}" data-columns-keep="{}"', table_id, keep),
            content,
            count=1,
        )
        # One control per id and page: the render context lasts the page's rendering
        # (its includes share it), e.g. through a {% for %} of tables that share the id.
        shown = context.render_context.setdefault("choosecolumns", set())
        if table_id in shown:
            return content
        shown.add(table_id)
        labels = header_columns(thead.group(0))
        control = render_to_string(
            "core/_column_chooser.html",
            {
                "table_id": table_id,
                "kept": [label for label in labels[:keep] if label],
                "columns": [(i, label) for i, label in enumerate(labels) if i >= keep and label],
                "hidden_text": _("%(n)s hidden") % {"n": "{n}"},
            },
        )
        return control + content


@register.tag
def choosecolumns(parser, token):
    """{% choosecolumns "<table id>" [keep=<n>] %}…{% endchoosecolumns %}"""
    bits = token.split_contents()
    keep = None
    if len(bits) == 3 and bits[2].startswith("keep="):
        keep = parser.compile_filter(bits[2].removeprefix("keep="))
    elif len(bits) != 2:
        raise template.TemplateSyntaxError(
            "choosecolumns takes the table's id and optionally keep=<n>, "
            '{% choosecolumns "members" keep=2 %}'
        )
    nodelist = parser.parse(("endchoosecolumns",))
    parser.delete_first_token()
    return ChooseColumnsNode(parser.compile_filter(bits[1]), keep, nodelist)
