"""Worked examples for co-financing (DESIGN §4) and a consistency check of the report's Table 8."""

import csv
import doctest
import math
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from clustermonitor.analysis import cofinancing
from clustermonitor.analysis.cofinancing import (
    at_risk,
    concentration,
    ledger,
    lorenz_chart,
    programme_summary,
    required_contributions,
    table8,
)

SVG = "{http://www.w3.org/2000/svg}"
TABLE8_CSV = (
    Path(cofinancing.__file__).parents[1] / "data" / "reference" / "ibn_cofinancing_2020.csv"
)

# One fee set per row of Table 8 that has the published range, median, "# maximale
# bijdragen", k and N, as (amount, how many). Built by hand (whole euros, few distinct
# amounts); BIM has none: see test_bim_published_k_cannot_follow_from_equal_fees.
TABLE8_FEES = {
    "ACB": [(35000, 1), (1000, 8), (600, 31), (550, 41), (175, 1)],
    "P2G": [(5000, 31)],
    "BHIVE": [(10000, 8), (850, 27), (600, 32), (250, 1)],
    "DIGMAN": [(8000, 1), (3000, 18)],
    "COMP": [(5000, 5), (2000, 11), (1000, 14), (500, 1)],
    "BOUWIND": [(5500, 9), (2000, 3), (1750, 14), (1000, 27), (250, 1)],
    "EUKA": [(20000, 5), (500, 47), (100, 52), (50, 1)],
    "COAT": [(2850, 2), (1500, 16), (600, 24), (375, 40)],
    "SDF": [(3300, 1), (2500, 11), (2200, 3), (1500, 13), (800, 1)],
    "OFFSH": [(12000, 3), (1500, 2), (1200, 15), (1000, 18), (400, 1)],
    "FBV": [(10000, 2), (1000, 2), (800, 12), (600, 17), (300, 1)],
    "FLAG": [(6000, 7), (2500, 10), (1525, 16), (1300, 31), (1250, 1)],
    "GLV": [(2000, 10), (1000, 25), (900, 32), (500, 1)],
    "MAAS": [(10000, 2), (4000, 6), (3600, 6), (1500, 12), (375, 1)],
    "IOT4S": [(15000, 9), (3000, 4), (500, 10), (135, 1)],
    "SPACE": [(2500, 15), (1300, 11), (1250, 1)],
}
# The percentage Table 8 prints after "k van N" (not in the CSV).
PUBLISHED_PERCENT = {
    "ACB": 11,
    "P2G": 50,
    "BHIVE": 10,
    "BIM": 50,
    "DIGMAN": 47,
    "COMP": 26,
    "BOUWIND": 22,
    "EUKA": 4,
    "COAT": 22,
    "SDF": 41,
    "OFFSH": 13,
    "FBV": 12,
    "FLAG": 26,
    "GLV": 41,
    "MAAS": 30,
    "IOT4S": 25,
    "SPACE": 41,
}


def expand(pairs):
    return [amount for amount, count in pairs for _ in range(count)]


def table8_rows() -> dict[str, dict]:
    with TABLE8_CSV.open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def test_the_docstring_examples_hold():
    result = doctest.testmod(cofinancing, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 15
    assert result.failed == 0


# --- concentration: the worked examples -------------------------------------------


def test_31_equal_contributions_need_16():
    c = concentration([5000] * 31)
    assert (c["n"], c["k"], c["n_max"], c["total"]) == (31, 16, 31, 155_000.0)
    assert c["label"] == "16 van 31 (52%)"
    assert concentration([5000] * 31, lang="en")["label"] == "16 of 31 (52%)"
    assert c["fee_range"] == "€5.000"
    assert c["herfindahl"] == pytest.approx(1 / 31)


def test_55_equal_contributions_need_28():
    c = concentration([2900] * 55)
    assert (c["k"], c["label"]) == (28, "28 van 55 (51%)")


def test_bim_published_k_cannot_follow_from_equal_fees():
    # Table 8: BIM, 55 contributions of EUR 2,900 (range = one amount, median 2,900, 55 at
    # the maximum), "27 van 55". With all fees equal, 27 of them are 27/55 < 50 % of the total.
    row = table8_rows()["BIM"]
    n, fee = int(row["n_contributing_members"]), float(row["annual_fee_max_eur"])
    assert row["annual_fee_min_eur"] == row["annual_fee_max_eur"] == "2900"
    assert int(row["n_max_contributions"]) == n == 55
    assert 27 * fee < n * fee / 2 <= 28 * fee  # 78,300 < 79,750 ≤ 81,200
    assert int(row["n_contributions_to_half"]) == 27
    assert concentration([fee] * n)["k"] == math.ceil(n / 2) == 28


def test_one_large_payer_and_a_hundred_small_ones():
    fees = [20_000] + [50 + i // 2 for i in range(100)]  # 100 fees from EUR 50 to 99
    c = concentration(fees)
    assert (c["n"], c["max"], c["min"], c["n_max"], c["k"]) == (101, 20000.0, 50.0, 1, 1)
    assert c["total"] == 20_000 + 7450
    assert c["median"] == 75.0  # the 51st of 101 sorted amounts: 50, 50, 51, 51, ..., 75
    assert c["label"] == "1 van 101 (1%)"
    assert c["fee_range"] == "€50 – €20.000"
    assert c["largest_share"] == pytest.approx(20_000 / 27_450)


def test_ties_do_not_change_k():
    # Four of 100: the k-th contribution is one of three equal ones; any of them will do.
    c = concentration([100, 100, 100, 50, 50])
    assert (c["n_max"], c["k"], c["median"]) == (3, 2, 100.0)
    assert concentration([80, 80, 80, 80])["k"] == 2


def test_reaching_exactly_half_is_enough():
    assert concentration([50, 30, 20])["k"] == 1
    assert concentration([49.99, 30, 20.01])["k"] == 2
    # In float arithmetic 2 × 0.3 < 0.3 + 0.1 + 0.1 + 0.1; in cents it is exact.
    assert concentration([0.3, 0.1, 0.1, 0.1])["k"] == 1


def test_a_year_without_contributions():
    c = concentration([])
    assert c["n"] == 0
    assert all(c[key] is None for key in cofinancing.CONCENTRATION_KEYS if key != "n")
    # Zero, negative and missing amounts are no contributions.
    assert concentration([0, -250, float("nan")])["n"] == 0
    assert concentration([100, 0, -50])["n"] == 1


def test_amounts_may_be_decimals_but_not_text():
    assert concentration([Decimal("1525.50"), Decimal("50")])["fee_range"] == "€50 – €1.525,50"
    with pytest.raises(ValueError):
        concentration([100, "a lot"])


def test_herfindahl_and_largest_share_by_hand():
    c = concentration([6000, 3000, 1000, 1000])
    # Shares 6/11, 3/11, 1/11, 1/11: (36 + 9 + 1 + 1) / 121.
    assert c["herfindahl"] == pytest.approx(47 / 121)
    assert c["largest_share"] == pytest.approx(6 / 11)
    assert concentration([42])["herfindahl"] == 1.0


def test_percent_rounds_halves_up():
    assert cofinancing.k_percent(1, 8) == 13  # 12.5 %; Python's round() would give 12
    assert cofinancing.k_percent(16, 31) == 52
    assert cofinancing.k_percent(27, 55) == 49


# --- Table 8 of the 2020 report ------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(TABLE8_FEES))
def test_a_fee_set_reproduces_each_consistent_row_of_table8(code):
    row = table8_rows()[code]
    c = concentration(expand(TABLE8_FEES[code]))
    assert c["n"] == int(row["n_contributing_members"])
    assert c["max"] == float(row["annual_fee_max_eur"])
    assert c["min"] == float(row["annual_fee_min_eur"])
    assert c["median"] == float(row["annual_fee_median_eur"])
    assert c["n_max"] == int(row["n_max_contributions"])
    assert c["k"] == int(row["n_contributions_to_half"])


def test_the_printed_percentages_are_k_over_n_rounded_except_for_equal_fees():
    rows = table8_rows()
    assert set(rows) == set(PUBLISHED_PERCENT)
    mismatches = {
        code: (
            cofinancing.k_percent(
                int(r["n_contributions_to_half"]), int(r["n_contributing_members"])
            ),
            PUBLISHED_PERCENT[code],
        )
        for code, r in rows.items()
        if cofinancing.k_percent(
            int(r["n_contributions_to_half"]), int(r["n_contributing_members"])
        )
        != PUBLISHED_PERCENT[code]
    }
    # The two clusters with one fee for all print the target (50%), not k/N.
    assert mismatches == {"P2G": (52, 50), "BIM": (49, 50)}
    assert {c for c, r in rows.items() if r["annual_fee_max_eur"] == r["annual_fee_min_eur"]} == {
        "P2G",
        "BIM",
    }
    # Neither rounding down nor k+1 rescues them: 16/31 = 51.6 %, 28/55 = 50.9 %.
    assert math.floor(100 * 16 / 31) == 51 and math.floor(100 * 28 / 55) == 50


def test_only_bim_has_no_fee_set():
    assert set(table8_rows()) - set(TABLE8_FEES) == {"BIM"}


def test_table8_adds_instalments_and_keeps_subsidy_only_years():
    rows = pd.DataFrame(
        {
            "cluster": ["B", "A", "A", "A", "A"],
            "year": [2019, 2019, 2019, 2019, 2020],
            "membership_id": [9, 1, 1, 2, 1],
            "amount": [300, 2000, 1000, 500, 800],
        }
    )
    subsidies = pd.DataFrame(
        {"cluster": ["A", "A", "A"], "year": [2019, 2020, 2021], "subsidy": [150e3, 150e3, 1e5]}
    )
    table = table8(rows, subsidies, lang="en")
    assert table[["cluster", "year"]].values.tolist() == [
        ["A", 2019],
        ["A", 2020],
        ["A", 2021],
        ["B", 2019],
    ]
    first = table.iloc[0]
    assert (first["n"], first["max"], first["k"], first["fee_range"]) == (
        2,
        3000,
        1,
        "€500 – €3,000",
    )
    assert (
        table.iloc[2]["n"] == 0 and pd.isna(table.iloc[2]["k"]) and table.iloc[2]["label"] is None
    )
    assert table.iloc[2]["subsidy"] == 1e5
    assert pd.isna(table.iloc[3]["subsidy"])
    assert table8(rows).columns[2] == "n"  # no subsidy column without subsidies
    with pytest.raises(ValueError, match="two subsidies"):
        table8(rows, pd.concat([subsidies, subsidies.head(1)]))
    with pytest.raises(ValueError, match="amount"):
        table8(rows.drop(columns="amount"))


def test_table8_rebuilds_the_report_and_a_programme_row():
    rows = table8_rows()
    contributions = pd.DataFrame(
        [
            {"cluster": code, "year": 2018, "membership_id": f"{code}-{i}", "amount": amount}
            for code, pairs in TABLE8_FEES.items()
            for i, amount in enumerate(expand(pairs))
        ]
    )
    subsidies = pd.DataFrame(
        {
            "cluster": list(rows),
            "year": 2018,
            "subsidy": [float(r["subsidy_eur"]) for r in rows.values()],
        }
    )
    table = table8(contributions, subsidies)
    assert len(table) == 17
    acb = table.set_index("cluster").loc["ACB"]
    assert (acb["subsidy"], acb["fee_range"], acb["label"]) == (
        450000.0,
        "€175 – €35.000",
        "9 van 82 (11%)",
    )
    summary = programme_summary(table)
    assert len(summary) == 1
    total = summary.iloc[0]
    assert total["cluster"] == cofinancing.PROGRAMME
    assert total["n_clusters"] == 16  # BIM has a subsidy but no contributions here
    assert total["n"] == sum(len(expand(p)) for p in TABLE8_FEES.values())
    assert total["subsidy"] == sum(float(r["subsidy_eur"]) for r in rows.values())
    assert total["max"] == 35000 and total["min"] == 50
    assert total["fee_range"] == "€50 – €35.000"
    assert total["median"] == table["median"].median()
    assert pd.isna(total["k"]) and pd.isna(total["n_max"])


# --- the co-financing rule, risk and ledger --------------------------------------------------


def test_required_contributions():
    assert required_contributions(150_000, 0.5) == 150_000
    assert required_contributions(150_000, 0.4) == 100_000
    assert required_contributions(90_000, 0.6) == 135_000
    assert required_contributions(0, 0.5) == 0
    for share in (1, 1.5, -0.1):
        with pytest.raises(ValueError):
            required_contributions(100, share)


def test_at_risk_by_hand():
    fees = pd.Series({"a": 6000.0, "b": 3000.0, "c": 1000.0, "d": 1000.0, "w": 0.0})
    # Total 11,000. Without a: 5,000; without b: 8,000; without c or d: 10,000.
    assert at_risk(fees, 4000) == []
    assert at_risk(fees, 8000) == ["a"]  # 8,000 is still enough
    assert at_risk(fees, 8000.01) == ["a", "b"]
    full = at_risk(fees, 11_000)
    assert full == ["a", "b", "c", "d"] and full.rule_met and full.margin == 0
    broken = at_risk(fees, 11_000.01)
    assert broken == ["a", "b", "c", "d"] and not broken.rule_met
    assert broken.margin == pytest.approx(-0.01)


def test_at_risk_orders_ties_by_id():
    fees = pd.Series([500.0, 700.0, 500.0], index=[12, 3, 4])
    assert at_risk(fees, 1500) == [3, 4, 12]


def test_ledger_carries_a_surplus_over_three_years():
    years = pd.DataFrame(
        {
            "cluster": "A",
            "year": [2019, 2017, 2018],
            "subsidy": [100_000.0] * 3,
            "share": 0.5,
            "paid": [90_000.0, 130_000.0, 80_000.0],
            "outstanding": [15_000.0, 0, 0],
        }
    )
    book = ledger(years)
    assert book["year"].tolist() == [2017, 2018, 2019]
    assert book["required"].tolist() == [100_000.0] * 3
    assert book["balance"].tolist() == [30_000.0, -20_000.0, -10_000.0]
    assert book["carry_in"].tolist() == [0.0, 30_000.0, 10_000.0]
    assert book["carry_out"].tolist() == [30_000.0, 10_000.0, 0.0]
    assert book["rule_met"].tolist() == [True, True, True]  # 2019: 90,000 + 10,000 exactly
    assert book["shortfall"].tolist() == [0.0, 0.0, 0.0]


def test_ledger_never_carries_a_shortfall_and_keeps_clusters_apart():
    years = pd.DataFrame(
        {
            "cluster": ["A", "A", "A", "B"],
            "year": [2017, 2018, 2019, 2018],
            "subsidy": [100.0, 100.0, 100.0, 50.0],
            "required": [100.0, 100.0, 100.0, 50.0],
            "paid": [40.0, 150.0, 100.0, 40.0],
            "outstanding": [70.0, 0.0, 0.0, 5.0],
        }
    )
    book = ledger(years)
    assert book["carry_in"].tolist() == [0.0, 0.0, 50.0, 0.0]  # B starts afresh
    assert book["carry_out"].tolist() == [0.0, 50.0, 50.0, 0.0]
    assert book["rule_met"].tolist() == [False, True, True, False]
    assert book["shortfall"].tolist() == [60.0, 0.0, 0.0, 10.0]
    assert book["met_if_outstanding_paid"].tolist() == [True, True, True, False]


def test_ledger_needs_a_requirement_and_one_row_per_year():
    years = pd.DataFrame({"year": [2017], "subsidy": [1.0], "paid": [1.0]})
    with pytest.raises(ValueError, match="required"):
        ledger(years)
    with pytest.raises(ValueError, match="two ledger rows"):
        ledger(pd.concat([years, years]).assign(share=0.5))


# --- chart ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart():
    amounts = {code: expand(TABLE8_FEES[code]) for code in ("ACB", "EUKA", "P2G")}
    amounts["NEW"] = []
    return amounts, lorenz_chart(amounts), lorenz_chart(amounts)


def test_lorenz_chart_is_deterministic_svg(chart):
    _, first, second = chart
    assert first == second and first.startswith("<svg")
    root = ET.fromstring(first)
    assert root.tag == f"{SVG}svg"
    assert "style=" not in first and "<metadata" not in first


def test_lorenz_chart_has_one_panel_per_cluster(chart):
    amounts, svg, _ = chart
    root = ET.fromstring(svg)
    panels = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("axes_")]
    assert len(panels) == len(amounts)
    english = lorenz_chart({"ACB": amounts["ACB"]}, lang="en")
    assert english != svg
    with pytest.raises(ValueError):
        lorenz_chart({}, lang="fr")
