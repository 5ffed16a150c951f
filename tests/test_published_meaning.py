"""Published figures written as text are compared by their meaning (issue 14): "> 1/3"
holds for 36.0 %, "> 0.60" is an inequality, "about 50" and "almost 0.80" are
approximate within published.APPROXIMATE (10 %) of their number."""

import pytest

from clustermonitor.monitoring import published


def _row(text, computed, unit="share"):
    row = published.Row("reach", "reach.x", "x", text, computed, None, unit, "")
    row.approximate_difference = round(computed - published.parse_number(text), 6)
    return row


@pytest.mark.parametrize(
    ("text", "computed", "unit", "flagged"),
    [
        ("> 1/3", 0.36, "share", False),  # the finding: it was flagged as out of tolerance
        ("> 1/3", 0.30, "share", True),
        ("> 0.60", 0.95, "share", False),
        ("> 0.60", 0.58, "share", True),
        ("over 50", 50, "count", True),
        ("about 50", 54, "count", False),
        ("about 50", 56, "count", True),
        ("almost 0.80", 0.75, "share", False),
        ("almost 0.80", 0.70, "share", True),
        ("< 5", 4, "count", False),
    ],
)
def test_text_is_compared_by_its_meaning(text, computed, unit, flagged):
    assert _row(text, computed, unit).flagged is flagged
