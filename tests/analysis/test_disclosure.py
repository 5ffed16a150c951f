"""Small-cell suppression (analysis/disclosure.py) on worked examples: primary (fewer than
five organisations) and secondary (the cell that would give a small one away from a
total), in a breakdown and in a table of rows and columns."""

import doctest

from clustermonitor.analysis import disclosure, survey
from clustermonitor.analysis.disclosure import HIDDEN, SUPPRESSED, hidden_cells, shown_table


def _shown(table, **options):
    return shown_table(table, *hidden_cells(table, **options))


def test_the_examples_in_the_module_hold():
    assert doctest.testmod(disclosure).failed == 0


def test_a_breakdown_hides_a_cell_under_five_and_the_next_smallest_beside_it():
    # Sizes 40, 12, 3, 9 with their total 64: 3 alone would be 64 − 40 − 12 − 9.
    assert _shown([[40], [12], [3], [9]], rows=False) == [[40], [12], [SUPPRESSED], [HIDDEN]]
    # Two small cells with members hide each other: no second cell.
    assert _shown([[40], [2], [3], [9]], rows=False) == [[40], [SUPPRESSED], [SUPPRESSED], [9]]
    # An empty cell gives nothing away (as the survey: small_cells).
    assert _shown([[40], [0], [9]], rows=False) == [[40], [SUPPRESSED], [9]]
    # One small cell with members and an empty one: the pair's sum (1) would still be
    # known from the total, so the next smallest is hidden too (7, 5, 0, 1 → 5 goes).
    assert _shown([[7], [5], [0], [1]], rows=False) == [
        [7],
        [HIDDEN],
        [SUPPRESSED],
        [SUPPRESSED],
    ]
    # Five is shown; four is not.
    assert _shown([[5], [6]], rows=False) == [[5], [6]]
    assert _shown([[4], [6]], rows=False) == [[SUPPRESSED], [HIDDEN]]


def test_in_a_table_rows_and_columns_both_protect_a_small_cell():
    # Rows and columns are both published with totals. The 3 is hidden; its row gives it
    # away unless the 9 goes; its column unless the 8 goes; then the 9's column unless
    # the 10 goes. Every row and column now hides two cells with members, or none.
    table = [
        [12, 3, 9],
        [7, 8, 10],
        [20, 30, 40],
    ]
    assert _shown(table) == [
        [12, SUPPRESSED, HIDDEN],
        [7, HIDDEN, HIDDEN],
        [20, 30, 40],
    ]
    primary, secondary = hidden_cells(table)
    assert primary == {(0, 1)} and secondary == {(0, 2), (1, 1), (1, 2)}
    # Only the rows carry totals: the columns need nothing.
    assert _shown(table, columns=False) == [
        [12, SUPPRESSED, HIDDEN],
        [7, 8, 10],
        [20, 30, 40],
    ]


def test_a_second_cell_in_a_column_can_call_for_a_third_in_another_row():
    # The 2 goes, and the 6 beside it (row 0); the 2 alone in its column takes the 30
    # with it, the 6 alone in its column the 7: row 1 then hides two cells, and no row
    # or column holds a lone hidden cell.
    table = [
        [2, 6, 50],
        [30, 7, 40],
    ]
    assert _shown(table) == [
        [SUPPRESSED, HIDDEN, 50],
        [HIDDEN, HIDDEN, 40],
    ]


def test_the_organisations_behind_a_cell_decide_not_its_count():
    # Six collaborations among three organisations: suppressed; the other cell too.
    assert _shown([[6], [20]], rows=False, basis=[[3], [25]]) == [[SUPPRESSED], [HIDDEN]]


def test_a_total_alone_is_shown_from_five():
    assert disclosure.shown(4) == SUPPRESSED and disclosure.shown(5) == 5


def test_the_survey_suppresses_with_the_same_rule():
    assert survey.small_cells is disclosure.small_cells
    assert survey.MIN_CELL == disclosure.MIN_CELL == 5
    counts = {"a": 7, "b": 5, "c": 0, "d": 1}
    line = hidden_cells([[n] for n in counts.values()], rows=False)
    keys = list(counts)
    assert survey.small_cells(counts, secondary=True) == {keys[i] for i, _j in set.union(*line)}
