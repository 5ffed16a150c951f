"""The trajectory method on hand-computed examples (analysis/trajectory.py)."""

import datetime
import doctest
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import pytest

from clustermonitor.analysis import trajectory as tr

START = datetime.date(2017, 1, 1)
END = datetime.date(2019, 12, 31)  # 1,094 days after the start
YEAR1 = datetime.date(2018, 1, 1)  # 365 days
YEAR2 = datetime.date(2019, 1, 1)  # 730 days


def test_the_docstring_examples():
    assert doctest.testmod(tr).failed == 0


def test_the_days_of_the_examples():
    assert ((END - START).days, (YEAR1 - START).days, (YEAR2 - START).days) == (1094, 365, 730)


def test_one_point_gives_its_own_pace():
    # 60 after 365 days → 60/365 a day → 60 × 1,094 / 365 = 179.84 at the end.
    t = tr.trajectory([(YEAR1, 60)], START, END, 180)
    assert t.method == tr.SINGLE_POINT
    assert t.slope == Fraction(60, 365)
    assert t.forecast == Fraction(60 * 1094, 365)
    assert t.forecast_display == Decimal("179.8")
    assert t.status == tr.AT_RISK  # 179.84 < 180, ≥ 162
    assert t.percent_of_target == 100  # 99.9 % rounds to 100: the status says "at risk"


def test_least_squares_through_the_origin():
    # (365, 60), (730, 130): Σtv = 116,800, Σt² = 666,125.
    t = tr.trajectory([(YEAR1, 60), (YEAR2, 130)], START, END, 200)
    assert t.method == tr.LEAST_SQUARES
    assert t.slope == Fraction(116_800, 666_125)
    assert t.forecast == Fraction(116_800 * 1094, 666_125)  # 191.82
    assert t.forecast_display == Decimal("191.8")
    assert (t.status, t.percent_of_target) == (tr.AT_RISK, 96)
    assert tr.trajectory([(YEAR1, 60), (YEAR2, 130)], START, END, 190).status == tr.ON_TRACK
    assert tr.trajectory([(YEAR1, 60), (YEAR2, 130)], START, END, 214).status == tr.OFF_TRACK


def test_the_order_of_the_points_does_not_matter():
    a = tr.trajectory([(YEAR2, 130), (YEAR1, 60)], START, END, 200)
    b = tr.trajectory([(YEAR1, 60), (YEAR2, 130)], START, END, 200)
    assert a.forecast == b.forecast and [p.date for p in a.points] == [YEAR1, YEAR2]


def test_the_boundaries_are_exact():
    # Points on the line value = day / 10: forecast exactly 109.4 at the end.
    points = [(YEAR1, Decimal("36.5")), (YEAR2, 73)]
    assert tr.trajectory(points, START, END, Decimal("109.4")).status == tr.ON_TRACK
    # 109.4 is exactly 90 % of 121.5555…: at risk; a hair more and it is off track.
    assert tr.trajectory(points, START, END, Fraction(1094, 9)).status == tr.AT_RISK
    assert tr.trajectory(points, START, END, Fraction(1094, 9) + Fraction(1, 10**9)).status == (
        tr.OFF_TRACK
    )


def test_floats_are_taken_as_written():
    t = tr.trajectory([(YEAR1, 36.5), (YEAR2, 73.0)], START, END, 109.4)
    assert t.forecast == Fraction(1094, 10) and t.status == tr.ON_TRACK


def test_unknown_without_points_or_target():
    t = tr.trajectory([], START, END, 100)
    assert (t.status, t.method, t.forecast, t.slope) == (tr.UNKNOWN, tr.NO_POINTS, None, None)
    assert t.percent_of_target is None and t.reaches_target_on is None
    t = tr.trajectory([(YEAR1, 50)], START, END)
    assert t.status == tr.UNKNOWN and t.forecast is not None  # a forecast, nothing to judge


def test_points_on_or_before_the_start_are_left_out():
    t = tr.trajectory(
        [(START - datetime.timedelta(days=30), 20), (START, 25), (YEAR1, 50)], START, END, 100
    )
    assert [p.date for p in t.points] == [YEAR1]
    assert [d for d, _v in t.ignored] == [START - datetime.timedelta(days=30), START]
    assert t.method == tr.SINGLE_POINT
    assert tr.trajectory([(START, 25)], START, END, 100).status == tr.UNKNOWN


def test_the_later_of_two_reports_for_one_date_wins():
    t = tr.trajectory([(YEAR1, 50), (YEAR1, 70)], START, END, 100)
    assert [p.value for p in t.points] == [70]


def test_missing_values_are_skipped():
    t = tr.trajectory([(YEAR1, None), (YEAR2, 80)], START, END, 100)
    assert [p.date for p in t.points] == [YEAR2]


def test_zero_reported_is_off_track_unless_the_target_is_zero():
    assert tr.trajectory([(YEAR1, 0)], START, END, 10).status == tr.OFF_TRACK
    assert tr.trajectory([(YEAR1, 0)], START, END, 0).status == tr.ON_TRACK


def test_a_point_after_the_end_still_sets_the_pace():
    late = datetime.date(2020, 6, 30)
    t = tr.trajectory([(late, 1276)], START, END, 100)
    days = (late - START).days
    assert t.forecast == Fraction(1276 * 1094, days)


def test_derived_figures():
    t = tr.trajectory([(YEAR1, 50)], START, END, 150)
    assert t.pace_per_year == Decimal("50.0")
    assert t.pace_needed_per_year == Decimal("50.0")  # 150 / 1,094 × 365 = 50.05
    # 150 / (50/365) = 1,095 days → 1/1/2020, one day after the end.
    assert t.reaches_target_on == datetime.date(2020, 1, 1)
    assert t.value_at(YEAR2) == 100
    assert t.last.value_display == Decimal("50")


def test_a_horizon_before_the_start_is_refused():
    with pytest.raises(ValueError, match="horizon"):
        tr.trajectory([(YEAR1, 5)], START, START, 10)


def test_whole_percent_rounds_halves_up():
    assert tr.whole_percent(1, 200) == 1  # 0.5 → 1 (Python's round would give 0)
    assert tr.whole_percent(5, 200) == 3  # 2.5 → 3 (round: 2)
    assert tr.whole_percent(Decimal("196.00"), 250) == 78
    assert tr.whole_percent(3, 0) is None


def test_statuses_sort_most_urgent_first():
    statuses = [tr.UNKNOWN, tr.ON_TRACK, tr.OFF_TRACK, tr.AT_RISK]
    assert sorted(statuses, key=tr.sort_key) == [tr.OFF_TRACK, tr.AT_RISK, tr.ON_TRACK, tr.UNKNOWN]


def test_exact_refuses_what_is_no_number():
    with pytest.raises(TypeError):
        tr.exact("12")
    with pytest.raises(ValueError):
        tr.exact(float("nan"))


def test_the_chart_is_deterministic_svg():
    t = tr.trajectory([(YEAR1, 60), (YEAR2, 130)], START, END, 200)
    svg = tr.chart(t, title="KPI 1", axis_label="bedrijven")
    assert svg == tr.chart(t, title="KPI 1", axis_label="bedrijven")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "style=" not in svg  # presentation attributes only (CSP)
    # Dutch labels by default, English on request; the texts are kept as comments.
    assert "Streefwaarde (200)" in svg and "Prognose" in svg
    assert "Target (200)" in tr.chart(t, lang="en")
    assert "191,8" in svg  # the forecast at the end, Belgian style


def test_the_chart_without_target_or_points():
    assert tr.chart(tr.trajectory([], START, END)).startswith("<svg")
    with pytest.raises(ValueError):
        tr.chart(tr.trajectory([], START, END), lang="fr")
