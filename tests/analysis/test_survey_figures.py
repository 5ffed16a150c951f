"""The survey figures of the published-vs-computed annex (issue 14)."""

import numpy as np
import pandas as pd
import pytest

from clustermonitor.analysis import survey_figures


def test_share_choosing_counts_among_those_who_answered():
    answers = pd.Series(["4", "3", 2, None, "1", 3.0])
    assert survey_figures.share_choosing(answers, ["3", "4"]) == {"n": 5, "n_hit": 3, "share": 0.6}
    assert survey_figures.share_choosing(pd.Series([None, None]), ["yes"])["share"] is None


def test_battery_means_pool_every_answer_once_per_group():
    df = pd.DataFrame(
        {
            "q7_s1": [4, 2, None, 1],
            "q7_s2": [3, None, 2, None],
            "call": ["1", "1", "2", None],
        }
    )
    table = survey_figures.battery_means(df, ["q7_s1", "q7_s2"], "call").set_index("group")
    assert table.loc["all", "mean"] == pytest.approx((4 + 3 + 2 + 2 + 1) / 5)
    assert table.loc["1", "mean"] == pytest.approx((4 + 3 + 2) / 3)  # not (3.5 + 2) / 2
    assert (table.loc["1", "n"], table.loc["1", "respondents"]) == (3, 2)
    assert table.loc["unknown", "mean"] == 1
    assert list(table.index) == ["all", "1", "2", "unknown"]
    empty = survey_figures.battery_means(df.assign(q7_s1=None, q7_s2=None), ["q7_s1", "q7_s2"])
    assert empty.loc[0, "n"] == 0 and np.isnan(empty.loc[0, "mean"])


def test_mean_minutes_leaves_out_unknown_times():
    assert survey_figures.mean_minutes([480, 600, None, float("nan")]) == {"n": 2, "mean": 9.0}
    assert survey_figures.mean_minutes([]) == {"n": 0, "mean": None}


def test_the_doctests_hold():
    import doctest

    assert doctest.testmod(survey_figures).failed == 0
