"""The application form's answers mapped to the contract's shape (grants/mapping.py):
tables read line by line with problems naming the line and the column, amounts as a
Belgian writes them, the co-financing share flagged with the amount missing per year."""

from decimal import Decimal

import pytest

from clustermonitor.grants import contract, mapping
from tests.grants_helpers import ANSWERS


def test_the_shipped_answers_give_the_contract_shape():
    data, problems = mapping.to_contract(ANSWERS)
    assert problems == []
    assert data["title"] == "Waterstof in de haven"
    assert data["applicant_enterprise_number"] == "0200.065.765"
    assert data["keywords"] == ["waterstof", "haven", "energie"]
    assert data["cluster_manager"] == {
        "name": "Mira Manager",
        "email": "mira@example.org",
        "phone": "+32 9 000 00 00",
    }
    assert data["steering_group"] == [
        {"name": "Alfa NV", "enterprise_number": "0200.065.765", "kind": "company"},
        {"name": "Beta BV", "enterprise_number": None, "kind": "company"},
        {"name": "UGent", "enterprise_number": None, "kind": "research"},
    ]
    assert data["members"] == [
        {"enterprise_number": "0200.065.765", "name": "Alfa NV"},
        {"enterprise_number": "0203.201.340", "name": ""},
    ]
    assert data["start_date"] == "2027-01-01" and data["term_years"] == 3
    assert data["requested_amount"] == "450000.00"
    assert data["cofinancing"][0] == {
        "year": 2027,
        "budget": "300000.00",
        "subsidy": "150000.00",
        "member_fees": "120000.00",
        "other": "30000.00",
    }
    assert data["targets"] == [
        {"kpi": "KPI1", "value": "40", "due_date": "2029-12-31"},
        {"kpi": "KPI2", "value": "25", "due_date": "2029-12-31"},
        {"kpi": "KPI3", "value": "6", "due_date": "2029-12-31"},
    ]
    # The hash is of the canonical bytes: the same data in another key order, the same hash.
    assert contract.digest(data) == contract.digest(dict(reversed(list(data.items()))))


def test_keys_the_form_does_not_ask_are_absent():
    data, problems = mapping.to_contract({"title": "Alleen een titel"})
    assert data == {"title": "Alleen een titel"} and problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("125000", "125000.00"),
        ("125.000", "125000.00"),
        ("125.000,50", "125000.50"),
        ("125,000.50", "125000.50"),
        ("125 000", "125000.00"),
        ("€ 1.250.000", "1250000.00"),
        ("12,5", "12.50"),
        ("12.5", "12.50"),
        (450000.0, "450000.00"),
    ],
)
def test_amounts_as_a_belgian_writes_them(text, expected):
    assert str(mapping.amount(text)) == expected


@pytest.mark.parametrize("text", ["", "abc", "1e9999", "-5", "1,2.3,4", "NaN", "Infinity"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        mapping.amount(text)


def test_an_invalid_member_enterprise_number_names_the_line_and_the_reason(english):
    answers = {
        "members": "0200.065.765; Alfa\n\n0200.065.766; Beta\n12345; Gamma\n0200065765; Dubbel"
    }
    data, problems = mapping.to_contract(answers)
    assert data["members"] == [{"enterprise_number": "0200.065.765", "name": "Alfa"}]
    texts = [str(p) for p in problems]
    assert [p.line for p in problems] == [3, 4, 5]  # the empty line 2 counts as a line
    assert texts[0] == "Members, line 3, enterprise number: 0200.065.766: bad checksum"
    assert "line 4" in texts[1] and "wrong number of digits" in texts[1]
    assert "line 5" in texts[2] and "already on line 1" in texts[2]


def test_a_co_financing_line_that_cannot_be_read_names_its_column(english):
    answers = {"cofinancing": "2027; 300000; 150000; veel; 0\n20x7; 1; 1; 0; 0\n2028; 10; 4; 4; 4"}
    _data, problems = mapping.to_contract(answers)
    assert [(p.line, p.column) for p in problems] == [
        (1, "member fees"),
        (2, "year"),
        (3, "budget"),  # 4 + 4 + 4 is not 10
    ]


def test_a_plan_under_the_share_is_flagged_with_the_amount_missing_per_year(english):
    answers = {
        "cofinancing": "2027; 300000; 150000; 120000; 30000\n2028; 300000; 200000; 90000; 10000"
    }
    data, problems = mapping.to_contract(answers)
    assert problems == []
    flags = mapping.flags(data, Decimal("0.500"))
    assert [(f.year, f.missing) for f in flags] == [(2028, "50000.00")]
    assert "50000.00 short of 50 %" in flags[0].message


def test_a_steering_group_without_a_company_majority_is_flagged():
    data, _ = mapping.to_contract({"steering_group": "A; ; bedrijf\nB; ; onderzoek"})
    assert [f.kind for f in mapping.flags(data, None)] == ["steering_group"]
    data, _ = mapping.to_contract({"steering_group": "A; ; bedrijf\nB; ; company\nC; ; other"})
    assert mapping.flags(data, None) == []


def test_a_steering_group_kind_outside_the_list_names_the_line(english):
    _data, problems = mapping.to_contract({"steering_group": "A; ; bedrijf\nB; ; alien"})
    assert (problems[0].line, problems[0].column) == (2, "kind")


def test_a_pasted_spreadsheet_row_with_tabs_is_read():
    data, problems = mapping.to_contract({"cofinancing": "2027\t100\t50\t50\t0"})
    assert problems == [] and data["cofinancing"][0]["budget"] == "100.00"


def test_more_lines_than_a_form_takes_are_refused():
    text = "\n".join(f"Org {n}; ; company" for n in range(mapping.MAX_ROWS + 5))
    data, problems = mapping.to_contract({"steering_group": text})
    assert len(data["steering_group"]) == mapping.MAX_ROWS
    assert problems and problems[0].line == mapping.MAX_ROWS + 1
