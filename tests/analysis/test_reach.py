"""Worked examples for the reach definitions (DESIGN §4), on hand-built member frames."""

import doctest
import math

import numpy as np
import pandas as pd
import pytest

from clustermonitor.analysis import reach

REFERENCE = "2020-01-01"


def members(*rows: dict) -> pd.DataFrame:
    """A members frame: one row per membership; omitted columns are empty."""
    defaults = {
        "organisation_id": None,
        "cluster": "A",
        "kind": "company",
        "employees": np.nan,
        "turnover": np.nan,
        "balance_total": np.nan,
        "start_date": pd.NaT,
        "nace_section": None,
        "municipality_nis": None,
        "municipality": None,
        "province_nis": None,
        "latitude": np.nan,
        "longitude": np.nan,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(defaults))
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    return frame


def test_the_docstring_examples_hold():
    result = doctest.testmod(reach, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10
    assert result.failed == 0


@pytest.mark.parametrize(
    ("employees", "expected"),
    [
        (0, "micro"),
        (9, "micro"),
        (10, "small"),
        (49, "small"),
        (50, "medium"),
        (249, "medium"),
        (250, "large"),
        (12_000, "large"),
        (None, "unknown"),
        (-1, "unknown"),
    ],
)
def test_size_class_boundaries(employees, expected):
    assert reach.size_class(pd.Series([employees], dtype="float64")).tolist() == [expected]


def test_size_classes_count_distinct_companies_and_share_of_known():
    frame = members(
        {"organisation_id": 1, "cluster": "A", "employees": 9},
        {"organisation_id": 1, "cluster": "B", "employees": 9},  # same company, 2nd membership
        {"organisation_id": 2, "employees": 10},
        {"organisation_id": 3, "employees": 250},
        {"organisation_id": 4},  # no headcount
        {"organisation_id": 5, "kind": "knowledge", "employees": 3000},  # not a company
    )
    table = reach.size_classes(frame).set_index("size_class")
    assert table["n"].to_dict() == {"micro": 1, "small": 1, "medium": 0, "large": 1, "unknown": 1}
    assert table.loc["micro", "share"] == pytest.approx(1 / 3)
    assert math.isnan(table.loc["unknown", "share"])
    # Per cluster: the same function on one cluster's rows.
    only_b = reach.size_classes(frame, cluster="B").set_index("size_class")["n"]
    assert only_b.sum() == 1 and only_b["micro"] == 1


@pytest.mark.parametrize(
    ("employees", "turnover", "balance", "sme", "basis"),
    [
        (200, 60e6, 40e6, True, "financials"),  # turnover above, balance within: SME
        (200, 60e6, 45e6, False, "financials"),  # both above: not an SME
        (200, 50e6, 45e6, True, "financials"),  # ceilings are inclusive
        (200, None, 43e6, True, "financials"),  # one figure known and within
        (200, 60e6, None, False, "financials"),  # one figure known, above; no rescue
        (100, None, None, True, "headcount_only"),
        (249, None, None, True, "headcount_only"),
        (250, 1e6, 1e6, False, "financials"),  # headcount alone disqualifies
        (250, None, None, False, "headcount_only"),
        (None, 1e6, 1e6, pd.NA, "unknown"),
    ],
)
def test_sme_definition(employees, turnover, balance, sme, basis):
    status = reach.sme_status([employees], [turnover], [balance]).iloc[0]
    assert status["sme_basis"] == basis
    if sme is pd.NA:
        assert status["sme"] is pd.NA
    else:
        assert bool(status["sme"]) is sme


def test_sme_share_reports_the_headcount_only_basis():
    frame = members(
        {"organisation_id": 1, "employees": 200, "turnover": 60e6, "balance_total": 40e6},
        {"organisation_id": 2, "employees": 200, "turnover": 60e6, "balance_total": 45e6},
        {"organisation_id": 3, "employees": 100},
        {"organisation_id": 3, "cluster": "B", "employees": 100},
        {"organisation_id": 4},
        {"organisation_id": 5, "employees": 5, "kind": "federation"},
    )
    summary = reach.sme_share(frame)
    assert summary == {
        "sme": 2,
        "non_sme": 1,
        "unknown": 1,
        "share": pytest.approx(2 / 3),
        "share_micro_or_small": 0.0,
        "basis_counts": {"financials": 2, "headcount_only": 1},
    }


def test_sme_share_without_any_known_status_is_nan_not_an_error():
    summary = reach.sme_share(members({"organisation_id": 1}))
    assert summary["unknown"] == 1 and math.isnan(summary["share"])


@pytest.mark.parametrize(
    ("start", "age", "age_class"),
    [
        ("2015-01-02", 4, "0-4"),  # 4 years and 364 days: still a start-up
        ("2015-01-01", 5, "5-9"),  # exactly 5 years: no longer
        ("2010-01-02", 9, "5-9"),
        ("2010-01-01", 10, "10-19"),
        ("2000-01-01", 20, "20-49"),
        ("1970-01-02", 49, "20-49"),
        ("1970-01-01", 50, "50+"),
        ("2016-02-29", 3, "0-4"),  # leap-day start: anniversary not yet reached on 1 Jan
        ("2020-01-01", 0, "0-4"),
        ("2020-06-01", None, "unknown"),  # starts after the reference date
        (None, None, "unknown"),
    ],
)
def test_age_in_whole_years_and_its_class(start, age, age_class):
    ages = reach.age_years(pd.Series(pd.to_datetime([start])), REFERENCE)
    assert (ages.iloc[0] is pd.NA) if age is None else ages.iloc[0] == age
    assert reach.age_class(ages).iloc[0] == age_class


def test_age_classes_and_summary():
    frame = members(
        {"organisation_id": 1, "start_date": "2017-06-01"},  # 2 years
        {"organisation_id": 1, "cluster": "B", "start_date": "2017-06-01"},
        {"organisation_id": 2, "start_date": "2010-01-01"},  # 10 years
        {"organisation_id": 3, "start_date": "1990-01-01"},  # 30 years
        {"organisation_id": 4, "start_date": "1964-01-01"},  # 56 years
        {"organisation_id": 5},  # unknown start date
        {"organisation_id": 6, "kind": "government", "start_date": "1830-10-04"},
    )
    table = reach.age_classes(frame, REFERENCE).set_index("age_class")
    assert table["n"].to_dict() == {
        "0-4": 1,
        "5-9": 0,
        "10-19": 1,
        "20-49": 1,
        "50+": 1,
        "unknown": 1,
    }
    assert table.loc["0-4", "share"] == 0.25
    summary = reach.age_summary(frame, REFERENCE)
    assert summary["n"] == 4 and summary["unknown"] == 1
    assert summary["mean_age"] == pytest.approx((2 + 10 + 30 + 56) / 4)  # 24.5
    assert summary["share_startups"] == 0.25
    assert summary["share_up_to_10_years"] == 0.5  # 2 and 10 years: "up to 10" includes 10


def test_memberships_per_organisation_bins_and_crosses_with_size():
    rows = [
        {"organisation_id": 1, "cluster": "A", "employees": 5},
        {"organisation_id": 2, "cluster": "A", "employees": 5},
        {"organisation_id": 2, "cluster": "B", "employees": 5},
        {"organisation_id": 2, "cluster": "B", "employees": 5},  # renewed membership, same cluster
        {"organisation_id": 3, "cluster": "A", "employees": 60},
        {"organisation_id": 3, "cluster": "B", "employees": 60},
        {"organisation_id": 3, "cluster": "C", "employees": 60},
        *({"organisation_id": 4, "cluster": c, "employees": 900} for c in "ABCDEF"),
        {"organisation_id": 5, "cluster": "C"},
        {"organisation_id": 6, "cluster": "A", "kind": "knowledge"},
        {"organisation_id": 6, "cluster": "B", "kind": "knowledge"},
    ]
    table = reach.memberships_per_organisation(members(*rows)).set_index("memberships")
    assert list(table.index) == ["1", "2", "3", "4+"]
    assert list(table.columns) == ["micro", "small", "medium", "large", "unknown", "total"]
    assert table["total"].to_dict() == {"1": 2, "2": 1, "3": 1, "4+": 1}
    assert table.loc["1", "micro"] == 1 and table.loc["1", "unknown"] == 1
    assert table.loc["2", "micro"] == 1 and table.loc["3", "medium"] == 1
    assert table.loc["4+", "large"] == 1
    # Companies in two or more clusters (the report's "about 50").
    assert table.loc[["2", "3", "4+"], "total"].sum() == 3
    # One cluster's companies, with their memberships counted over all clusters.
    only_c = reach.memberships_per_organisation(members(*rows), cluster="C")
    assert only_c.set_index("memberships")["total"].to_dict() == {"1": 1, "2": 0, "3": 1, "4+": 1}


def test_memberships_per_organisation_of_an_empty_frame():
    table = reach.memberships_per_organisation(members())
    assert table["total"].tolist() == [0, 0, 0, 0]


def test_nace_sections_count_distinct_organisations():
    frame = members(
        {"organisation_id": 1, "nace_section": "C"},
        {"organisation_id": 1, "cluster": "B", "nace_section": "C"},
        {"organisation_id": 2, "nace_section": "c "},
        {"organisation_id": 3, "nace_section": "M"},
        {"organisation_id": 4, "nace_section": None},
        {"organisation_id": 5, "nace_section": "J", "kind": "knowledge"},
    )
    table = reach.nace_sections(frame)
    assert table["nace_section"].tolist() == ["C", "M", "unknown"]
    assert table["n"].tolist() == [2, 1, 1]
    assert table["share"].iloc[0] == pytest.approx(2 / 3)
    everyone = reach.nace_sections(frame, companies_only=False)
    assert everyone["nace_section"].tolist() == ["C", "J", "M", "unknown"]


def test_by_municipality_counts_organisations_and_averages_coordinates():
    frame = members(
        *(
            {
                "organisation_id": oid,
                "cluster": cluster,
                "municipality_nis": nis,
                "municipality": name,
                "province_nis": prov,
                "latitude": lat,
                "longitude": lon,
            }
            for oid, cluster, nis, name, prov, lat, lon in [
                (1, "A", "44021", "Gent", "40000", 51.0, 3.7),
                (1, "B", "44021", "Gent", "40000", 51.0, 3.7),  # same company twice
                (2, "A", "44021", "Gent", "40000", 51.1, 3.8),
                (3, "A", "44021", "Gent", "40000", np.nan, np.nan),  # counted, no coords
                (4, "A", "11002", "Antwerpen", "10000", 51.2, 4.4),
                (5, "A", "24062", "Leuven", "20001", np.nan, np.nan),
                (6, "A", None, None, None, np.nan, np.nan),  # no address: left out
            ]
        )
    )
    table = reach.by_municipality(frame)
    assert list(table.columns) == [
        "municipality_nis",
        "municipality",
        "province_nis",
        "n",
        "latitude",
        "longitude",
    ]
    assert table["municipality_nis"].tolist() == ["44021", "11002", "24062"]
    assert table["n"].tolist() == [3, 1, 1]
    gent = table.iloc[0]
    assert gent["latitude"] == pytest.approx(51.05) and gent["longitude"] == pytest.approx(3.75)
    assert math.isnan(table.iloc[2]["latitude"])
    assert reach.by_municipality(frame, cluster="B")["n"].tolist() == [1]


def test_by_municipality_of_nothing_keeps_its_columns():
    table = reach.by_municipality(members())
    assert table.empty and "n" in table.columns and "latitude" in table.columns


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match="employees"):
        reach.size_classes(pd.DataFrame({"organisation_id": [1], "cluster": "A", "kind": "x"}))
