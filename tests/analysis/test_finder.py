"""The finder's ranking: worked examples computed by hand (docs/finder.md)."""

import doctest

import pytest

from clustermonitor.analysis import finder
from clustermonitor.analysis.finder import ClusterProfile, Company, Reason, match, rank

LEUVEN = (50.88, 4.70)
GHENT = (51.05, 3.72)  # about 71 km from LEUVEN

# Cluster A: 10 members in 28.99, 2 more in division 28 (28.11), 5 in 62; 3 members in
# the company's own place, 14 in Ghent.
A = ClusterProfile(
    "A",
    nace={"28990": 10, "28110": 2, "62010": 5},
    places=((*LEUVEN, 3), (*GHENT, 14)),
    keywords=("machinebouw", "drones"),
)
# Cluster B: 3 members in 28.99, 4 in 29.10; all 7 about 2 km away.
B = ClusterProfile("B", nace={"28990": 3, "29100": 4}, places=((50.90, 4.70, 7),))
# Cluster C: software only, far away.
C = ClusterProfile("C", nace={"62010": 7}, places=((*GHENT, 7),))


def test_the_doctests_hold():
    assert doctest.testmod(finder).failed == 0


def test_worked_example_by_nace_and_place():
    # A: volume min(1, (10 + 2/2) / 10) = 1; concentration 12 / √(12² + 5²) = 12/13;
    #    sector ½ + ½·12/13 = 25/26. Proximity: 3 within 20 km → 3/5.
    #    score (0.4·25/26 + 0.2·3/5) / 0.6 = 164/195.
    # B: volume 3/10; concentration 3 / √(3² + 4²) = 3/5; sector 0.15 + 0.3 = 0.45.
    #    Proximity: 7 within 20 km → 1. score (0.4·0.45 + 0.2·1) / 0.6 = 0.38/0.6.
    # C: nothing in division 28, nobody near: 0, left out.
    company = Company(nace="28990", point=LEUVEN)
    found = rank(company, [C, B, A])
    assert [m.code for m in found] == ["A", "B"]
    a, b = found
    assert a.factors == pytest.approx({"sector": 25 / 26, "proximity": 0.6})
    assert a.score == pytest.approx(164 / 195)
    assert a.reasons == [
        Reason("nace_class", 10, "28.99"),
        Reason("nace_division", 12, "28"),
        Reason("near", 3, "20"),
    ]
    assert b.factors == pytest.approx({"sector": 0.45, "proximity": 1.0})
    assert b.score == pytest.approx(0.38 / 0.6)
    # B's proximity adds 0.2 to the score, its sector 0.18: the nearness comes first.
    assert b.reasons == [Reason("near", 7, "20"), Reason("nace_class", 3, "28.99")]


def test_worked_example_by_keywords_alone():
    # The query's keys: drones, bouw. X has drones (1 of 2); Z has bouw ("drone" is
    # key "drone", not "drones"); Y's "bouwindustrie" is key "bouwin", no match.
    x = ClusterProfile("XRAY", keywords=("drones en luchtvaart", "logistiek"))
    y = ClusterProfile("YANKEE", keywords=("bouwindustrie 4.0",))
    z = ClusterProfile("ZED", keywords=("Bouw", "drone-inspecties"))
    found = rank(Company(keywords=("drones", "bouw")), [z, y, x])
    assert [(m.code, m.score) for m in found] == [("XRAY", 0.5), ("ZED", 0.5)]  # tie: by code
    assert found[0].reasons == [Reason("keywords", 1, "drones en luchtvaart")]
    assert found[1].reasons == [Reason("keywords", 1, "Bouw")]
    assert found[0].factors == {"keywords": 0.5}


def test_a_division_counts_its_members_in_full():
    # "28": 12 members in division 28 → volume min(1, 12/10) = 1; concentration 12/13.
    m = match(Company(nace="28"), A)
    assert m.factors["sector"] == pytest.approx(0.5 + 0.5 * 12 / 13)
    assert m.reasons == [Reason("nace_division", 12, "28")]


def test_all_three_factors_weigh_as_documented():
    # A by NACE, place and keyword "drones" (1 of 1 keys): 0.4·25/26 + 0.2·0.6 + 0.4·1.
    company = Company(nace="28990", point=LEUVEN, keywords=("drones",))
    m = match(company, A)
    assert m.score == pytest.approx(0.4 * 25 / 26 + 0.2 * 0.6 + 0.4)
    assert [r.kind for r in m.reasons] == ["keywords", "nace_class", "nace_division", "near"]


def test_no_input_or_no_fit_gives_nothing():
    assert rank(Company(), [A, B, C]) == []
    assert rank(Company(keywords=("de", "4.0")), [A]) == []  # no token survives
    assert rank(Company(nace="01110", point=(49.5, 5.8)), [A, B, C]) == []


def test_weights_must_name_the_three_factors():
    with pytest.raises(ValueError):
        match(Company(nace="28"), A, weights={"sector": 1})
    only_proximity = {"sector": 0, "keywords": 0, "proximity": 1}
    found = rank(Company(nace="28990", point=LEUVEN), [A, B], weights=only_proximity)
    assert [(m.code, m.score) for m in found] == [("B", 1.0), ("A", 0.6)]
