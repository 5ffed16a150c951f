"""The grant cycle's pure figures (clustermonitor/analysis/grant_review.py): the automatic
eligibility checks and the jury's ranking with its spread and flags."""

from decimal import Decimal

from clustermonitor.analysis import grant_review as g

HALF = Decimal("0.5")


def _year(year, budget, subsidy, fees, other="0"):
    return {"year": year, "budget": budget, "subsidy": subsidy, "member_fees": fees, "other": other}


def test_cofinancing_meets_the_share_each_year_or_names_the_amount_missing():
    ok = g.check_cofinancing([_year(2027, "200000", "100000", "80000", "20000")], HALF)
    assert ok.passed and ok.reasons == ()
    short = g.check_cofinancing(
        [
            _year(2027, "200000", "100000", "80000", "20000"),
            _year(2028, "200000", "120000", "79999.99"),
        ],
        HALF,
    )
    assert not short.passed
    assert short.details == ({"year": 2028, "missing": "20000.01"},)
    assert "2028" in short.reasons[0] and "EUR 20 000,01 missing" in short.reasons[0]
    assert "50 %" in short.reasons[0]


def test_cofinancing_on_the_cent_and_without_a_plan():
    exact = g.check_cofinancing([_year(2027, "100000.01", "50000", "50000.01")], HALF)
    assert exact.passed  # 50 % of 100 000,01 is 50 000,005 → 50 000,01 in cents
    assert not g.check_cofinancing([], HALF).passed
    assert not g.check_cofinancing(None, HALF).passed
    assert not g.check_cofinancing("not a list", HALF).passed
    junk = g.check_cofinancing([{"year": 2027, "budget": "=1+1"}, "x", 5], HALF)
    assert not junk.passed and "no budget" in junk.reasons[0]


def test_subsidy_caps_per_year_and_over_the_term():
    plan = [_year(2027, "400000", "150000", "250000"), _year(2028, "400000", "150000.01", "250000")]
    out = g.check_subsidy(plan, "450000", 3, Decimal("150000"))
    assert not out.passed and len(out.reasons) == 1 and "2028" in out.reasons[0]
    over = g.check_subsidy([], "450000.01", 3, Decimal("150000"))
    assert not over.passed and "EUR 0,01 too much" in over.reasons[0]
    assert g.check_subsidy([], "450000", 3, Decimal("150000")).passed
    assert not g.check_subsidy([], None, 3, Decimal("150000")).passed
    assert not g.check_subsidy([], "NaN", 3, Decimal("150000")).passed


def test_term_between_one_year_and_the_maximum():
    assert g.check_term(3, 3).passed
    assert not g.check_term(4, 3).passed
    assert not g.check_term(0, 3).passed
    assert not g.check_term("3", 3).passed
    assert not g.check_term(True, 3).passed


def test_members_in_other_running_clusters_are_listed_and_limited():
    members = [{"enterprise_number": n} for n in ("0200065765", "0403.170.701", "0200065765", "x1")]
    elsewhere = {"0200065765": ["EUKA2", "BIM2"]}
    out = g.check_duplicates(members, elsewhere, HALF)
    assert out.passed  # 1 of 3 distinct numbers
    assert out.details == ({"enterprise_number": "0200065765", "clusters": ["BIM2", "EUKA2"]},)
    assert out.reasons == ("0200065765 is a member of BIM2, EUKA2.",)
    strict = g.check_duplicates(members, elsewhere, Decimal(0))
    assert not strict.passed and strict.reasons[0].startswith("1 of 3 members")
    assert not g.check_duplicates([], {}, HALF).passed


def test_a_named_manager_and_companies_in_the_majority():
    assert g.check_cluster_manager({"name": "Ann", "email": "a@b.be"}).passed
    assert not g.check_cluster_manager({"name": " ", "email": "a@b.be"}).passed
    assert not g.check_cluster_manager({"name": "Ann"}).passed
    assert not g.check_cluster_manager("Ann").passed
    company, other = {"kind": "company"}, {"kind": "research"}
    assert g.check_steering_group([company, company, other]).passed
    assert not g.check_steering_group([company, other]).passed  # half is no majority
    assert not g.check_steering_group([]).passed


ITEMS = [
    g.RubricItem("quality", Decimal(2), 10, Decimal(5)),
    g.RubricItem("impact", Decimal(1), 10),
]


def test_a_weighted_total_is_a_percentage_of_the_maximum():
    assert g.weighted_total(ITEMS, {"quality": 10, "impact": 10}) == 100.0
    assert g.weighted_total(ITEMS, {"quality": 6, "impact": 3}) == 50.0  # (12 + 3) / 30
    assert g.weighted_total(ITEMS, {"quality": 6}) is None
    assert g.weighted_total([], {}) is None


def test_the_ranking_orders_by_mean_with_spread_and_flags():
    scores = {
        "a": {"r1": {"quality": 9, "impact": 9}, "r2": {"quality": 8, "impact": 6}},
        "b": {"r1": {"quality": 4, "impact": 10}, "r2": {"quality": 10, "impact": 10}},
        "c": {},
    }
    rows = g.rank(ITEMS, scores, threshold=Decimal(80), spread_limit=Decimal(20))
    assert [r.key for r in rows] == ["a", "b", "c"]
    a, b, c = rows
    assert (a.rank, b.rank, c.rank) == (1, 2, None)
    assert g.rounded(a.mean) == 81.7 and g.rounded(a.spread) == 16.7
    assert not a.below_threshold and not a.wide_spread and a.criteria_below == ()
    assert g.rounded(b.mean) == 80.0 and g.rounded(b.spread) == 40.0 and b.wide_spread
    assert b.criterion_means == {"quality": 7.0, "impact": 10.0}
    assert c.mean is None and c.reviewers == 0


def test_a_criterion_below_its_threshold_and_ties_are_ordered_by_key():
    scores = {"z": {"r": {"quality": 4, "impact": 10}}, "y": {"r": {"quality": 4, "impact": 10}}}
    rows = g.rank(ITEMS, scores, threshold=Decimal(61))  # 60 % exactly is below 61
    assert [r.key for r in rows] == ["y", "z"]
    assert rows[0].criteria_below == ("quality",) and rows[0].below_threshold
