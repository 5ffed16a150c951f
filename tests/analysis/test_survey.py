"""Worked examples for the survey analysis (issue 7): the effect matrix by hand, means and
intervals, the tests against scipy, raking on a 2 × 2 case with a closed-form answer,
suppression at n = 4 and 5, the non-response table."""

import doctest
import math
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clustermonitor.analysis import survey
from clustermonitor.surveys import instrument

SVG = "{http://www.w3.org/2000/svg}"
N = None  # no answer

# Ten responses, three effects. Respondent 4 does not want effect 1 (q3 = 0) but answered
# Q5/Q6 anyway (an inconsistent import): those answers must not count.
RESPONSES = pd.DataFrame(
    {
        "q3_e1": [2, 2, 1, 1, 0, 0, 2, 1, 0, 2],
        "q5_e1": [2, 1, 1, 0, 2, N, 2, 2, N, 1],
        "q6_e1": [100, 50, 75, 0, 100, N, 100, 50, N, 25],
        "q3_e6": [0, 0, 0, 1, 1, 2, N, 0, 0, 0],
        "q5_e6": [N, N, N, 2, 2, N, N, N, N, N],
        "q6_e6": [N, N, N, 25, 75, 50, N, N, N, N],
        "q3_e10": [2] * 10,
        "q5_e10": [0] * 10,
        "q6_e10": [0] * 5 + [100] * 5,
    }
)
EFFECTS = {1: "collaboration", 6: "networking", 10: "leverage"}


def test_the_module_examples_hold():
    assert doctest.testmod(survey).failed == 0


def test_the_copied_instrument_constants_agree_with_the_instrument():
    # One definition, in the analysis package (which imports nothing outside itself);
    # surveys/instrument.py takes it from there.
    assert survey.EFFECTS == instrument.EFFECTS
    assert survey.EFFECT_GROUPS == instrument.EFFECT_GROUPS
    assert survey.PROFILES == instrument.PROFILES
    assert survey.Q9_WITHIN_3Y == instrument.Q9_WITHIN_3Y
    assert survey.MIN_CELL == instrument.MIN_CELL
    assert [instrument.wish(3), instrument.realisation(3), instrument.contribution(3)] == [
        "q3_e3",
        "q5_e3",
        "q6_e3",
    ]


def test_it_computes_the_realisation_matrix_by_hand():
    matrix = survey.effect_matrix(RESPONSES, EFFECTS, kind="realisation")
    points = matrix["points"].set_index("effect")
    # Effect 1: x = (2+2+1+1+0+0+2+1+0+2)/10 = 1.1 over all 10; 7 want it (q3 > 0):
    # their Q5 = 2, 1, 1, 0, 2, 2, 1 → 9/7. Respondent 4's "2" is left out.
    assert points.loc[1, "x"] == pytest.approx(1.1)
    assert points.loc[1, "n_x"] == 10
    assert points.loc[1, "y"] == pytest.approx(9 / 7)
    assert points.loc[1, "n_y"] == 7
    # Effect 6: 9 answered the wish, sum 4 → 4/9; 3 want it, 2 of them answered Q5.
    assert points.loc[6, "x"] == pytest.approx(4 / 9)
    assert (points.loc[6, "n_x"], points.loc[6, "n_y"]) == (9, 2)
    assert points.loc[6, "y"] == pytest.approx(2.0)
    # Effect 10: everybody wants it strongly, nobody realised it.
    assert (points.loc[10, "x"], points.loc[10, "y"]) == (2.0, 0.0)
    assert list(points["group"]) == ["collaboration", "networking", "leverage"]
    # Cross-hairs: the mean of the three points, each effect once.
    assert matrix["x_mean"] == pytest.approx((1.1 + 4 / 9 + 2) / 3)
    assert matrix["y_mean"] == pytest.approx((9 / 7 + 2 + 0) / 3)


def test_it_computes_the_contribution_matrix_by_hand():
    matrix = survey.effect_matrix(RESPONSES, EFFECTS, kind="contribution")
    points = matrix["points"].set_index("effect")
    # Effect 1: (100+50+75+0+100+50+25)/7; effect 6: (25+75+50)/3; effect 10: 500/10.
    assert points.loc[1, "y"] == pytest.approx(400 / 7)
    assert (points.loc[6, "y"], points.loc[6, "n_y"]) == (50.0, 3)
    assert (points.loc[10, "y"], points.loc[10, "n_y"]) == (50.0, 10)
    assert points.loc[1, "x"] == pytest.approx(1.1)  # x is the same in both matrices
    assert matrix["y_mean"] == pytest.approx((400 / 7 + 50 + 50) / 3)


def test_weighted_matrix_with_equal_weights_is_the_unweighted_one():
    weights = pd.Series(1.0, index=RESPONSES.index)
    points = survey.effect_matrix(RESPONSES, EFFECTS, weights=weights)["points"]
    assert np.allclose(points["weighted_x"], points["x"])
    assert np.allclose(points["weighted_y"], points["y"])
    # Double weight on respondent 0 (wish 2, realisation 2 for effect 1).
    weights[0] = 2.0
    points = survey.effect_matrix(RESPONSES, EFFECTS, weights=weights)["points"]
    assert points.loc[0, "weighted_x"] == pytest.approx(13 / 11)
    assert points.loc[0, "weighted_y"] == pytest.approx(11 / 8)


def test_every_effect_of_the_instrument_gets_a_point_even_without_answers():
    matrix = survey.effect_matrix(RESPONSES.iloc[:0])
    assert list(matrix["points"]["effect"]) == list(range(1, 12))
    assert matrix["points"]["n_x"].sum() == 0 and math.isnan(matrix["x_mean"])
    with pytest.raises(ValueError, match="kind"):
        survey.effect_matrix(RESPONSES, kind="wish")


def test_suppressing_a_matrix_recomputes_the_cross_hairs():
    matrix = survey.effect_matrix(RESPONSES, EFFECTS)
    shown, removed = survey.suppress_matrix(matrix, min_n=5)
    points = shown["points"].set_index("effect")
    assert removed == 1 and math.isnan(points.loc[6, "y"])  # n_y = 2
    assert points.loc[6, "x"] == pytest.approx(4 / 9)  # n_x = 9 stays
    assert shown["y_mean"] == pytest.approx((9 / 7 + 0) / 2)


def test_the_matrix_figure_is_deterministic_csp_safe_svg():
    matrix = survey.effect_matrix(RESPONSES, EFFECTS, kind="contribution")
    svg = survey.effect_matrix_svg(matrix, "en", "Contribution")
    assert svg == survey.effect_matrix_svg(matrix, "en", "Contribution")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert "style=" not in svg and "<style" not in svg
    # Two dashed cross-hairs.
    assert svg.count('stroke-dasharray="2.96,1.28"') == 2
    assert survey.effect_matrix_svg(matrix, "nl") != survey.effect_matrix_svg(matrix, "en")
    with pytest.raises(ValueError):
        survey.effect_matrix_svg(matrix, "fr")


# -- Means, distributions, tests -------------------------------------------------------


def test_mean_ci_is_the_t_interval():
    values = [3, 4, 4, 2, 5, None]
    result = survey.mean_ci(values)
    low, high = stats.t.interval(0.95, 4, loc=3.6, scale=stats.sem([3, 4, 4, 2, 5]))
    assert (result["n"], result["mean"]) == (5, pytest.approx(3.6))
    assert (result["low"], result["high"]) == (pytest.approx(low), pytest.approx(high))
    assert survey.mean_ci(["2"])["low"] is None
    assert survey.mean_ci([])["mean"] is None


def test_weighted_mean_ci_follows_the_linearised_formula():
    x, w = np.array([1.0, 2.0, 4.0]), np.array([2.0, 1.0, 1.0])
    result = survey.weighted_mean_ci(x, w)
    mean = (2 + 2 + 4) / 4
    se = math.sqrt(3 / 2 * ((w * (x - mean)) ** 2).sum() / 16)
    assert result["mean"] == pytest.approx(2.0)
    assert result["high"] - result["mean"] == pytest.approx(stats.t.ppf(0.975, 2) * se)
    assert result["n_eff"] == pytest.approx(16 / 6)


def test_distribution_counts_shares_and_weighted_shares():
    series = pd.Series(["1", 2, 2.0, None, "4"])
    table = survey.distribution(series, ["1", "2", "3", "4"], pd.Series([1, 1, 1, 1, 2.0]))
    assert table["n"].tolist() == [1, 2, 0, 1]
    assert table["share"].tolist() == [0.25, 0.5, 0.0, 0.25]
    assert table["weighted_share"].tolist() == [0.2, 0.4, 0.0, 0.4]


SCALE = {"name": "q2", "type": "select_one", "choices": [{"name": str(i)} for i in range(1, 5)]}
NOMINAL = {"name": "q1", "type": "select_one", "choices": [{"name": "yes"}, {"name": "no"}]}


def test_scale_cross_uses_mann_whitney_and_gives_its_direction():
    df = pd.DataFrame(
        {
            "q2": ["1", "2", "2", "3", "4", "4", "3", "1", "2", None],
            "size": ["small"] * 4 + ["medium_large"] * 4 + ["unknown", "small"],
        }
    )
    result = survey.cross(df, SCALE, "size")
    expected = stats.mannwhitneyu([1, 2, 2, 3], [4, 4, 3, 1], alternative="two-sided")
    assert result["test"] == "mann-whitney"
    assert result["statistic"] == pytest.approx(expected.statistic)
    assert result["p_value"] == pytest.approx(expected.pvalue)
    assert result["higher_in"] == "medium_large"
    assert result["direction"] == "higher in medium_large"
    table = result["table"].set_index("group")
    assert list(table.index) == ["small", "medium_large", "unknown"]  # unknown shown, untested
    assert table.loc["small", "n"] == 4 and table.loc["small", "mean"] == pytest.approx(2.0)


def test_nominal_cross_uses_chi_square_and_names_the_over_represented_cell():
    df = pd.DataFrame(
        {
            "q1": ["yes"] * 8 + ["no"] * 2 + ["yes"] * 3 + ["no"] * 7,
            "call": ["1"] * 10 + ["2"] * 10,
        }
    )
    result = survey.cross(df, NOMINAL, "call")
    expected = stats.chi2_contingency([[8, 2], [3, 7]])  # Yates-corrected on 2 × 2
    assert result["test"] == "chi-square"
    assert result["statistic"] == pytest.approx(expected.statistic)
    assert result["p_value"] == pytest.approx(expected.pvalue)
    assert result["over"] in {("yes", "1"), ("no", "2")}  # equal residuals in a 2 × 2
    table = result["table"]
    assert table[(table["group"] == "1") & (table["choice"] == "yes")]["share"].item() == 0.8


def test_multiple_choice_shares_leave_out_who_did_not_answer():
    question = {"name": "t", "type": "select_multiple", "choices": ["a", "b"]}
    df = pd.DataFrame({"t": ["a b", "a", None, ""], "size": ["small"] * 4})
    table = survey.cross(df, question, "size", pd.Series([1.0, 3.0, 1.0, 1.0]))["table"]
    assert table["n"].tolist() == [2, 2]
    assert table["share"].tolist() == [1.0, 0.5]
    assert table["weighted_share"].tolist() == [1.0, 0.25]


def test_nothing_is_tested_without_two_groups():
    df = pd.DataFrame({"q2": ["1", "2"], "activity": ["active", "active"]})
    assert survey.cross(df, SCALE, "activity")["test"] is None


def test_q9_shares_by_profile():
    df = pd.DataFrame(
        {
            "q9": ["realised", "very_short", "within_3y", "longer", "no", "dont_know", N],
            "activity": ["active"] * 3 + ["non_active"] * 4,
        }
    )
    table = survey.q9_shares(df, "activity").set_index("group")
    assert table.loc["all", "share"] == pytest.approx(3 / 6)
    assert table.loc["active", "share"] == 1.0
    assert (table.loc["non_active", "n"], table.loc["non_active", "share"]) == (3, 0.0)


# -- Non-response and raking -------------------------------------------------------------


def test_nonresponse_compares_respondents_with_the_invited():
    population = pd.DataFrame({"call": ["1"] * 60 + ["2"] * 40, "cluster": ["A"] * 100})
    respondents = pd.DataFrame({"call": ["1"] * 10 + ["2"] * 20, "cluster": ["A"] * 30})
    table = survey.nonresponse(respondents, population, ["call", "cluster"])
    call = table[table["variable"] == "call"].set_index("category")
    assert call.loc["1", "invited_share"] == 0.6
    assert call.loc["1", "respondent_share"] == pytest.approx(1 / 3)
    assert call.loc["1", "response_rate"] == pytest.approx(10 / 60)
    assert call.loc["2", "response_rate"] == 0.5
    assert table[table["variable"] == "cluster"]["response_rate"].item() == 0.3


# Sample of 10 on two variables A and B, cells (a1 b1, a1 b2, a2 b1, a2 b2) = (4, 2, 1, 3);
# targets 50/50 on both. Raking preserves the sample's odds ratio (4·3)/(2·1) = 6, so the
# weighted table is [[m, 5−m], [5−m, m]] with m²/(5−m)² = 6: m = 5√6/(1+√6) ≈ 3.5505.
# Weight per person = weighted cell total / cell size:
#   a1 b1: m/4 ≈ 0.8876, a1 b2: (5−m)/2 ≈ 0.7247, a2 b1: 5−m ≈ 1.4495, a2 b2: m/3 ≈ 1.1835.
TWO_BY_TWO = pd.DataFrame(
    [("a1", "b1")] * 4 + [("a1", "b2")] * 2 + [("a2", "b1")] + [("a2", "b2")] * 3,
    columns=["A", "B"],
)
HALVES = {"A": {"a1": 0.5, "a2": 0.5}, "B": {"b1": 0.5, "b2": 0.5}}


def test_raking_a_two_by_two_case_gives_the_closed_form_weights():
    result = survey.rake(TWO_BY_TWO, HALVES)
    m = 5 * math.sqrt(6) / (1 + math.sqrt(6))
    expected = [m / 4] * 4 + [(5 - m) / 2] * 2 + [5 - m] + [m / 3] * 3
    assert result["converged"] and result["iterations"] < 100
    assert result["weights"].tolist() == pytest.approx(expected, abs=1e-7)
    assert result["weights"].mean() == pytest.approx(1.0)
    assert result["max_error"] < 1e-8
    weighted = TWO_BY_TWO.assign(w=result["weights"])
    assert weighted.groupby("A")["w"].sum().tolist() == pytest.approx([5, 5])
    assert weighted.groupby("B")["w"].sum().tolist() == pytest.approx([5, 5])


def test_raking_reports_when_it_does_not_converge():
    result = survey.rake(TWO_BY_TWO, HALVES, max_iter=2)
    assert not result["converged"] and result["iterations"] == 2


def test_raking_refuses_a_category_without_respondents():
    with pytest.raises(ValueError, match="no respondents with A = a3"):
        survey.rake(TWO_BY_TWO, {"A": {"a1": 0.4, "a2": 0.4, "a3": 0.2}})
    with pytest.raises(ValueError, match="targets lack"):
        survey.rake(TWO_BY_TWO, {"A": {"a1": 1.0}})


def test_raked_weights_reproduce_the_population_in_the_nonresponse_table():
    population = pd.DataFrame({"size": ["small"] * 70 + ["medium_large"] * 30})
    respondents = pd.DataFrame({"size": ["small"] * 10 + ["medium_large"] * 10})
    targets = survey.raking_targets(population, ["size"])
    weights = survey.rake(respondents, targets)["weights"]
    table = survey.nonresponse(respondents, population, ["size"], weights)
    assert table["weighted_share"].tolist() == pytest.approx(table["invited_share"].tolist())


# -- Suppression ---------------------------------------------------------------------------


def test_a_cell_of_four_respondents_is_suppressed_and_one_of_five_is_not():
    table = pd.DataFrame(
        {"group": ["four", "five"], "n": [4, 5], "mean": [2.5, 3.0], "share": [0.25, 0.4]}
    )
    shown, count = survey.suppress(table, "n", min_n=5)
    assert count == 1
    assert shown.iloc[0].tolist() == ["four", "< 5", "< 5", "< 5"]
    assert shown.iloc[1].tolist() == ["five", 5, 3.0, 0.4]


def test_secondary_suppression_hides_the_group_that_would_give_a_small_one_away():
    table = pd.DataFrame({"group": ["a", "b", "c"], "n": [3, 40, 12], "mean": [1.0, 2.0, 3.0]})
    shown, count = survey.suppress(table, secondary=True)
    assert count == 2 and shown["mean"].tolist() == ["< 5", 2.0, "< 5"]
    # An empty group gives nothing away: no secondary suppression.
    empty = pd.DataFrame({"group": ["a", "b"], "n": [0, 40], "mean": [None, 2.0]})
    assert survey.suppress(empty, secondary=True)[1] == 1
