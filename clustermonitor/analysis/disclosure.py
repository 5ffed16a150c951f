"""Small-cell suppression: no published figure may rest on fewer than ``MIN_CELL``
organisations (or respondents), and no such figure may be worked out from the others.

- **Primary**: a cell counting fewer than ``min_n`` is not shown (``SUPPRESSED``, "< 5").
- **Secondary**: a line of cells published with its total (a breakdown, a row or a column
  of a table) in which exactly one hidden cell has anyone in it would give that cell away
  (the total minus the others); the smallest shown cell of the line is hidden too
  (``HIDDEN``, "…"). An empty cell gives nothing away: a line whose only small cell is
  empty keeps its other cells. In a table both its rows and its columns are lines, and
  hiding a cell in one may call for another in the other: repeated until no line gives
  a cell away.

The member survey's results (``analysis/survey.py``: ``small_cells``, ``suppress``) and
the public portal's open figures both follow this rule. Pure: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

#: Below this many organisations (respondents) a cell is not shown.
MIN_CELL = 5
#: What a primary-suppressed cell shows.
SUPPRESSED = "< 5"
#: What a secondary-suppressed cell shows (hidden so that a "< 5" cannot be worked out).
HIDDEN = "…"


def _number(value) -> float:
    if value is None:
        return 0
    try:
        return 0 if math.isnan(value) else value
    except TypeError:
        return value


def second_cell(numbers: Mapping, hidden) -> object | None:
    """The key of the one line ``numbers`` (key → count) to hide next to ``hidden`` so
    that no hidden cell follows from the line's total, or None: when exactly one hidden
    key has anyone in it and a key is still shown, the smallest shown one (the first of
    equals, in the line's order).

    >>> second_cell({"a": 3, "b": 40, "c": 12}, {"a"})
    'c'
    >>> second_cell({"a": 3, "b": 1, "c": 12}, {"a", "b"}) is None
    True
    >>> second_cell({"a": 0, "b": 40}, {"a"}) is None
    True
    """
    if len([k for k in hidden if _number(numbers[k]) > 0]) != 1:
        return None
    shown = [(_number(n), i, k) for i, (k, n) in enumerate(numbers.items()) if k not in hidden]
    return min(shown)[2] if shown else None


def small_cells(counts: Mapping, min_n: int = MIN_CELL, secondary=False) -> set:
    """The keys of ``counts`` (key → respondents) to suppress: n < ``min_n``; with
    ``secondary``, when exactly one key with respondents goes, the next smallest too (with
    the total shown, the other groups would give a lone small one away).

    >>> sorted(small_cells({"a": 4, "b": 5, "c": 9}))
    ['a']
    >>> sorted(small_cells({"a": 4, "b": 5}, secondary=True))
    ['a', 'b']
    >>> small_cells({"a": 0, "b": 40}, secondary=True)
    {'a'}
    """
    numbers = {k: _number(n) for k, n in counts.items()}
    small = {k for k, n in numbers.items() if n < min_n}
    if secondary and (extra := second_cell(numbers, small)) is not None:
        small.add(extra)
    return small


def hidden_cells(
    table: Sequence[Sequence],
    min_n: int = MIN_CELL,
    *,
    rows: bool = True,
    columns: bool = True,
    basis: Sequence[Sequence] | None = None,
) -> tuple[set, set]:
    """The cells (row, column) of ``table`` (rows of counts) to suppress: (primary,
    secondary). Primary: the cell's ``basis`` (the organisations behind it; default the
    count itself) is under ``min_n``. Secondary: ``second_cell`` on every row (``rows``:
    the rows' totals are published) and every column (``columns``), over and over until
    no line changes.

    >>> primary, secondary = hidden_cells([[12, 3, 9], [7, 8, 10]])
    >>> sorted(primary), sorted(secondary)
    ([(0, 1)], [(0, 2), (1, 1), (1, 2)])
    """
    basis = table if basis is None else basis
    cells = {(i, j): _number(n) for i, row in enumerate(table) for j, n in enumerate(row)}
    primary = {
        (i, j) for i, row in enumerate(basis) for j, n in enumerate(row) if _number(n) < min_n
    }
    hidden = set(primary)
    lines = []
    if rows:
        lines += [[(i, j) for j in range(len(row))] for i, row in enumerate(table)]
    if columns:
        width = max((len(row) for row in table), default=0)
        lines += [[(i, j) for i in range(len(table)) if j < len(table[i])] for j in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            numbers = {key: cells[key] for key in line}
            extra = second_cell(numbers, [key for key in line if key in hidden])
            if extra is not None:
                hidden.add(extra)
                changed = True
    return primary, hidden - primary


def shown_table(table: Sequence[Sequence], primary, secondary) -> list[list]:
    """``table`` with each primary cell as ``SUPPRESSED`` and each secondary one as
    ``HIDDEN``.

    >>> shown_table([[12, 3, 9]], {(0, 1)}, {(0, 2)})
    [[12, '< 5', '…']]
    """
    return [
        [
            SUPPRESSED if (i, j) in primary else HIDDEN if (i, j) in secondary else n
            for j, n in enumerate(row)
        ]
        for i, row in enumerate(table)
    ]


def shown(value, min_n: int = MIN_CELL):
    """One count alone (a total): itself, or ``SUPPRESSED`` under ``min_n``.

    >>> shown(4), shown(5)
    ('< 5', 5)
    """
    return SUPPRESSED if _number(value) < min_n else value
