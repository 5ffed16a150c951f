"""Worked examples for activity degree, active members and KPI 1/KPI 2 (DESIGN §4)."""

import doctest

import pandas as pd
import pytest

from clustermonitor.analysis import participation
from clustermonitor.analysis.participation import (
    PROGRAMME,
    active_share,
    activity_degree,
    kpi1_kpi2,
    kpi_by_year,
    kpi_companies,
    kpi_programme,
)

AGREEMENT_START = "2016-10-01"
REPORTING_DATE = "2019-09-30"


def participations(*rows) -> pd.DataFrame:
    """(cluster, organisation_id, activity_id, date) tuples."""
    return pd.DataFrame(rows, columns=["cluster", "organisation_id", "activity_id", "date"])


def paid(*rows) -> pd.DataFrame:
    """(cluster, organisation_id, kind, year, first_start) tuples."""
    return pd.DataFrame(rows, columns=["cluster", "organisation_id", "kind", "year", "first_start"])


def test_the_docstring_examples_hold():
    result = doctest.testmod(participation, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10
    assert result.failed == 0


# --- activity degree ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second_date", "active"),
    [
        ("2018-12-31", False),  # exactly 12 months before: outside
        ("2019-01-01", True),  # the first day inside
        ("2019-12-31", True),  # the reference date itself counts
        ("2020-01-01", False),  # after the reference date
    ],
)
def test_active_member_on_the_12_month_boundary(second_date, active):
    members = pd.DataFrame({"cluster": ["A"], "organisation_id": [1]})
    seen = participations(("A", 1, "x", "2019-06-15"), ("A", 1, "y", second_date))
    degree = activity_degree(seen, members, "2019-12-31")
    assert degree["active"].tolist() == [active]
    assert degree["n_activities"].tolist() == [2 if active else 1]


def test_window_ignores_the_time_of_day():
    members = pd.DataFrame({"cluster": ["A"], "organisation_id": [1]})
    seen = participations(("A", 1, "x", "2019-12-31 18:00"), ("A", 1, "y", "2019-02-01"))
    assert activity_degree(seen, members, "2019-12-31 09:00")["active"].tolist() == [True]


def test_only_distinct_activities_of_the_cluster_by_members_count():
    members = pd.DataFrame(
        {"cluster": ["A", "A", "A", "B"], "organisation_id": [1, 2, 2, 2], "size_class": "small"}
    )
    seen = participations(
        ("A", 1, "x", "2019-03-01"),
        ("A", 1, "x", "2019-03-01"),  # the same activity twice
        ("B", 1, "j", "2019-04-01"),  # another cluster's activity: 1 is no member of B
        ("A", 2, "x", "2019-03-01"),
        ("A", 2, "j", "2019-04-01"),  # a joint activity of A and B counts for both
        ("B", 2, "j", "2019-04-01"),
        ("A", 99, "x", "2019-03-01"),  # a guest
        ("A", 99, "j", "2019-04-01"),
    )
    degree = activity_degree(seen, members, "2019-12-31")
    assert degree[["cluster", "organisation_id", "n_activities", "active"]].values.tolist() == [
        ["A", 1, 1, False],
        ["A", 2, 2, True],
        ["B", 2, 1, False],
    ]
    assert degree["size_class"].tolist() == ["small"] * 3  # profile columns are kept


def test_active_share_per_cluster_profile_and_programme():
    degree = pd.DataFrame(
        {
            "cluster": ["A", "A", "A", "B", "B"],
            "organisation_id": [1, 2, 3, 1, 4],
            "size_class": ["large", "micro", None, "large", "micro"],
            "embedding": ["gevestigd"] * 3 + ["zelfstandig"] * 2,
            "active": [True, True, False, False, True],
        }
    )
    overall = active_share(degree)
    assert overall.values.tolist() == [
        ["A", 3, 2, 2 / 3],
        ["B", 2, 1, 0.5],
        [PROGRAMME, 5, 3, 0.6],  # organisation 1 counts once in A and once in B
    ]
    sizes = active_share(degree, ["size_class"])
    programme = sizes[sizes["cluster"] == PROGRAMME]
    assert programme["size_class"].tolist() == ["micro", "large", "unknown"]
    assert programme["n_members"].tolist() == [2, 2, 1]
    assert programme["share"].tolist() == [1.0, 0.5, 0.0]
    both = active_share(degree, ["embedding", "size_class"])
    assert len(both[both["cluster"] == PROGRAMME]) == 5


# --- KPI 1 and KPI 2 -----------------------------------------------------------------------


@pytest.fixture
def payments():
    return paid(
        ("A", "before", "company", 2017, "2014-05-01"),  # member since before the agreement
        ("A", "before", "company", 2018, "2014-05-01"),
        ("A", "on", "company", 2016, AGREEMENT_START),  # starts on the agreement start
        ("A", "after", "company", 2019, "2018-02-01"),
        ("A", "day-before", "company", 2017, "2016-09-30"),
        ("A", "early", "company", 2015, "2015-01-01"),  # paid only before the agreement
        ("A", "late", "company", 2020, "2020-01-01"),  # paid only after the reporting date
        ("A", "uni", "knowledge institution", 2018, "2018-01-01"),
        ("B", "after", "company", 2018, "2017-06-01"),  # the same company in cluster B
        ("B", "before", "company", 2018, "2012-01-01"),
    )


def test_kpi1_kpi2_on_memberships_before_on_and_after_the_agreement_start(payments):
    kpis = kpi1_kpi2(payments, {"A": AGREEMENT_START, "B": "2017-01-01"}, REPORTING_DATE)
    assert kpis[["cluster", "kpi1", "kpi2"]].values.tolist() == [["A", 4, 2], ["B", 2, 1]]
    companies = kpi_companies(payments, {"A": AGREEMENT_START, "B": "2017-01-01"}, REPORTING_DATE)
    a = companies[companies["cluster"] == "A"].set_index("organisation_id")
    assert sorted(a.index) == ["after", "before", "day-before", "on"]
    assert a["new"].to_dict() == {
        "after": True,
        "before": False,
        "day-before": False,
        "on": True,
    }
    assert a.loc["before", ["first_paid_year", "last_paid_year", "n_paid_years"]].tolist() == [
        2017,
        2018,
        2,
    ]


def test_kpi_programme_counts_per_cluster_and_distinct(payments):
    companies = kpi_companies(payments, AGREEMENT_START, REPORTING_DATE)
    assert kpi_programme(companies) == {
        "kpi1_sum_over_clusters": 6,  # "after" and "before" count in A and in B
        "kpi2_sum_over_clusters": 3,
        "kpi1_distinct_companies": 4,
        "kpi2_distinct_companies": 2,
    }


def test_agreement_start_as_scalar_series_or_column(payments):
    starts = {"A": AGREEMENT_START, "B": AGREEMENT_START}
    expected = kpi1_kpi2(payments, AGREEMENT_START, REPORTING_DATE)
    pd.testing.assert_frame_equal(kpi1_kpi2(payments, pd.Series(starts), REPORTING_DATE), expected)
    with_column = payments.assign(agreement_start=AGREEMENT_START)
    pd.testing.assert_frame_equal(kpi1_kpi2(with_column, None, REPORTING_DATE), expected)
    with pytest.raises(ValueError, match="B"):
        kpi1_kpi2(payments, {"A": AGREEMENT_START}, REPORTING_DATE)


def test_an_unknown_first_start_is_not_new():
    rows = paid(("A", 1, "company", 2018, None))
    companies = kpi_companies(rows, AGREEMENT_START, REPORTING_DATE)
    assert companies["new"].tolist() == [False]


def test_kpi_by_year_is_cumulative(payments):
    by_year = kpi_by_year(payments, AGREEMENT_START, REPORTING_DATE)
    a = by_year[by_year["cluster"] == "A"]
    assert a[["year", "kpi1", "kpi2"]].values.tolist() == [
        [2016, 1, 1],
        [2017, 3, 1],
        [2018, 3, 1],
        [2019, 4, 2],
    ]
