"""Worked examples of the benchmark's quartiles, positions and suppression
(clustermonitor/analysis/benchmark.py)."""

import doctest

import pytest

from clustermonitor.analysis import benchmark as b


def test_doctests():
    assert doctest.testmod(b).failed == 0


def test_quartiles_of_eight_clusters():
    # 8 SME shares; linear interpolation: Q1 at position 1.75, median 3.5, Q3 5.25.
    values = [0.2, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9]
    q = b.quartiles(values)
    assert q["n"] == 8
    assert q["min"] == 0.2 and q["max"] == 0.9
    assert q["q1"] == pytest.approx(0.4 + 0.75 * 0.1)  # 0.475
    assert q["median"] == pytest.approx(0.575)
    assert q["q3"] == pytest.approx(0.7 + 0.25 * 0.1)  # 0.725


def test_unknown_takes_no_part_and_is_not_zero():
    values = [b.computed(1, "m"), b.computed(2, "m"), b.unknown("no members"), None]
    assert b.quartiles(values)["n"] == 2
    assert b.quartiles(values)["min"] == 1.0  # not 0
    u = b.unknown("no staff records")
    assert u.value is None and u.source == b.UNKNOWN and u.missing == ("no staff records",)


def test_share_of_nothing_is_unknown():
    v = b.share(0, 0, "memberships", "no members on the date")
    assert v.value is None and v.missing == ("no members on the date",)
    assert b.share(0, 5, "memberships", "x").value == 0.0


def test_small_groups_suppressed():
    four = [1, 2, 3, 4]
    assert b.distribution(four) == {"n": 4, "suppressed": True}
    assert b.distribution([*four, 5])["suppressed"] is False
    assert b.distribution(four, suppress=False)["median"] == 2.5
    # unknown values do not make up the five
    assert b.distribution([*four, None, None])["suppressed"] is True
    assert b.position(4, four) == {"quartile": None, "percentile": None}


def test_position():
    values = [10, 20, 30, 40, 50, 60, 70, 80]  # Q1 27.5, median 45, Q3 62.5
    assert b.position(10, values) == {"quartile": 1, "percentile": 6.25}
    assert b.position(45, values)["quartile"] == 2
    assert b.position(60, values)["quartile"] == 3
    assert b.position(80, values)["quartile"] == 4
    assert b.position(None, values)["quartile"] is None


def test_reference_quartile():
    assert b.quartile_of(0.58, 0.4, 0.6, 0.8) == 2
    assert b.quartile_of(b.unknown("x"), 0.4, 0.6, 0.8) is None


def test_indicator_set():
    keys = [i.key for i in b.INDICATORS]
    assert len(keys) == len(set(keys))
    for i in b.INDICATORS:
        assert i.unit in (b.SHARE, b.COUNT, b.EUR, b.FTE)
        assert i.direction in (b.HIGHER, b.NONE)
        assert i.label("nl") and i.label("en")


def test_distributions_and_frame():
    table = {
        c: {"members": b.computed(n, "m"), "sme_share": b.unknown("x")}
        for c, n in zip("ABCDE", [3, 5, 7, 9, 11], strict=True)
    }
    d = b.distributions(table)
    assert d["members"]["median"] == 7.0
    assert d["sme_share"] == {"n": 0, "suppressed": True}
    f = b.frame(table)
    assert f.loc["C", "members"] == 7.0
    assert f["sme_share"].isna().all()
