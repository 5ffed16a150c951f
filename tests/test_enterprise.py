"""Enterprise numbers (DESIGN §4): python-stdnum does the checking; these are the cases
member lists bring."""

import pytest

from clustermonitor.registry import enterprise
from tests.factories import enterprise_number

VALID = "0200065765"  # the KBO cookbook's own example


@pytest.mark.parametrize(
    "text",
    [
        "0200.065.765",
        "0200065765",
        "BE0200065765",
        "BE 0200.065.765",
        "be0200065765",
        "0200 065 765",
        "0200-065-765",
        " 0200.065.765 ",
        "200065765",
        "200.065.765",
    ],
)
def test_it_accepts_the_usual_notations(text):
    assert enterprise.normalise(text) == VALID


def test_numbers_starting_with_1_are_valid_since_2023():
    number = enterprise_number(42, first="1")
    assert number.startswith("1") and enterprise.normalise(number) == number
    assert enterprise.display(number) == f"{number[:4]}.{number[4:7]}.{number[7:]}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0200.065.766", "bad checksum"),
        ("0200.065.76", "bad checksum"),  # 9 digits: read as the old form, then checked
        ("0200.065.7", "wrong number of digits"),
        ("2200.065.765", "must start with 0 or 1"),
        ("02OO.065.765", "not an enterprise number"),
        ("", "empty"),
    ],
)
def test_it_says_what_is_wrong(text, reason):
    with pytest.raises(enterprise.InvalidEnterpriseNumber) as error:
        enterprise.normalise(text)
    assert error.value.reason == reason


def test_the_check_digits_are_97_minus_the_first_eight_mod_97():
    base = 2_000_123
    number = enterprise_number(123)
    assert int(number[-2:]) == 97 - int(number[:8]) % 97
    assert number[:8] == f"0{base:07d}"
    assert enterprise.is_valid(number) and not enterprise.is_valid(number[:-1] + "0")
