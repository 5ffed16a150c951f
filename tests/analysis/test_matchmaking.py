"""Matchmaking: worked examples with similarities computed by hand."""

import doctest
import math

import pytest

from clustermonitor.analysis import matchmaking
from clustermonitor.analysis.matchmaking import (
    Profile,
    jaccard,
    keyword_key,
    keyword_similarity,
    nace_similarity,
    rank_partners,
    shared_divisions,
    suggestion,
    tokens,
)


def test_the_docstring_examples_hold():
    result = doctest.testmod(matchmaking)
    assert result.attempted >= 6
    assert result.failed == 0


# --- keywords --------------------------------------------------------------------------------


def test_tokens_are_lowercase_without_accents_stop_words_or_numbers():
    assert tokens("Coëfficiënt; CRÈME-brûlée") == ["coefficient", "creme", "brulee"]
    assert tokens("digitalisering van de bouw") == ["digitalisering", "bouw"]
    assert tokens("Smart data for the industry") == ["smart", "data", "industry"]
    # "4.0" and "2030" name no topic; two-letter words go unless they mix in a digit.
    assert tokens("Industrie 4.0 tegen 2030, AI en 3D / 5G") == ["industrie", "tegen", "3d", "5g"]
    assert tokens("bouw bouw") == ["bouw", "bouw"]
    assert tokens("") == []


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("digitaal", "digitalisering", True),  # "digita"
        ("energie", "energietransitie", True),
        ("circulair", "circular", True),  # Dutch and English
        ("internet", "international", True),  # the rule's known false friend
        ("bouw", "bouw", True),
        ("bouw", "bouwindustrie", False),  # shorter than six: only equal tokens match
        ("water", "waterstof", False),
        ("robot", "robots", False),
        ("transport", "transitie", False),  # "trans" is five
    ],
)
def test_tokens_match_on_their_first_six_characters(a, b, match):
    assert (keyword_key(a) == keyword_key(b)) is match
    assert (keyword_similarity([a], [b]) == 1.0) is match


def test_keyword_similarity_worked_examples():
    # {bouwin, digita} vs {digita, bouw}: 1 shared of 3.
    assert keyword_similarity(
        ["bouwindustrie 4.0; digitalisering"], ["digitalisering van de bouw"]
    ) == pytest.approx(1 / 3)
    # {circul, econom, kunsts} vs {circul, econom, recycl, kunsts}: 3 of 4.
    assert keyword_similarity(
        ["Circulaire economie", "kunststoffen"], ["circular economy", "recyclage van kunststof"]
    ) == pytest.approx(3 / 4)
    assert keyword_similarity([], ["bouw"]) == 0.0
    assert keyword_similarity([], []) == 0.0


# --- NACE and members ------------------------------------------------------------------------


def test_nace_similarity_is_the_cosine_of_the_division_counts():
    # (3, 4)·(4, 3) = 24; |(3, 4)| = |(4, 3)| = 5.
    assert nace_similarity({"62": 3, "71": 4}, {"62": 4, "71": 3}) == pytest.approx(24 / 25)
    # (2, 2, 0)·(1, 0, 1) = 2; √8 · √2 = 4.
    assert nace_similarity({"41": 2, "62": 2}, {"41": 1, "71": 1}) == pytest.approx(0.5)
    assert nace_similarity({"41": 2, "62": 6}, {"41": 1, "62": 3}) == 1.0  # same mix
    assert nace_similarity({"41": 2}, {"62": 2}) == 0.0
    assert nace_similarity({}, {"62": 2}) == 0.0
    assert nace_similarity({"41": 0}, {"41": 0}) == 0.0


def test_shared_divisions_by_the_smaller_count():
    a = {"62": 3, "71": 4, "41": 1, "10": 5, "43": 2, "86": 0}
    b = {"62": 9, "71": 2, "41": 1, "43": 2, "86": 4}
    # min counts: 62 → 3, 71 → 2, 43 → 2, 41 → 1; 10 and 86 are not in both.
    assert shared_divisions(a, b) == ["62", "43", "71"]
    assert shared_divisions(a, b, top=10) == ["62", "43", "71", "41"]
    assert shared_divisions(a, {}) == []


def test_member_overlap():
    assert jaccard(frozenset({1, 2, 3, 4}), frozenset({3, 4, 5})) == pytest.approx(2 / 5)
    a, b = Profile("A", members=frozenset({1, 2, 3, 4})), Profile("B", members=frozenset({3, 4, 5}))
    result = suggestion(a, b)
    assert result.member_overlap == 2
    assert result.member_jaccard == pytest.approx(0.4)
    assert jaccard(set(), set()) == 0.0


# --- ranking ---------------------------------------------------------------------------------

TARGET = Profile("T", ["digitalisering", "bouw"], {"41": 2, "62": 2}, frozenset({1, 2, 3, 4}))
OTHERS = [
    # keywords {digita, bouwen, bim} vs {digita, bouw}: 1 of 4 → 0.25 (bouw ≠ bouwen);
    # NACE 0.5 (above); members {3, 4} of {1, …, 5} → 0.4.
    # Score 0.4 · 0.25 + 0.4 · 0.5 + 0.2 · 0.4 = 0.1 + 0.2 + 0.08 = 0.38.
    Profile("BIM", ["digitaal bouwen", "BIM"], {"41": 1, "71": 1}, frozenset({3, 4, 5})),
    # Keywords only: {digita} vs {digita, bouw} → 0.5, score 0.2.
    Profile("Y", ["Digitalisering"]),
    Profile("X", ["digitalisering"]),
    # Members only: the same four → 1.0, score 0.2.
    Profile("M", [], {}, frozenset({1, 2, 3, 4})),
    # Nothing in common: score 0, dropped.
    Profile("Z", ["zorg"], {"86": 5}, frozenset({9})),
    # The target itself.
    Profile("T", ["digitalisering", "bouw"], {"41": 2, "62": 2}, frozenset({1, 2, 3, 4})),
]


def test_partners_are_ranked_by_score_then_code():
    ranked = rank_partners(TARGET, OTHERS)
    assert [s.code for s in ranked] == ["BIM", "M", "X", "Y"]
    assert [s.score for s in ranked] == pytest.approx([0.38, 0.2, 0.2, 0.2])
    assert [s.code for s in rank_partners(TARGET, OTHERS, top=2)] == ["BIM", "M"]
    assert rank_partners(TARGET, []) == []


def test_the_parts_of_a_suggestion():
    best = rank_partners(TARGET, OTHERS)[0]
    assert best.keyword_similarity == pytest.approx(0.25)
    assert best.nace_similarity == pytest.approx(0.5)
    assert best.member_overlap == 2
    assert best.member_jaccard == pytest.approx(0.4)
    assert best.shared_keywords == ["digitaal", "digitalisering"]
    assert best.shared_divisions == ["41"]


def test_reasons_are_codes_with_parameters_largest_contribution_first():
    by_code = {s.code: s for s in rank_partners(TARGET, OTHERS)}
    # Contributions: NACE 0.2, keywords 0.1, members 0.08.
    assert by_code["BIM"].reasons == [
        ("nace", {"divisions": ["41"], "similarity": 0.5}),
        ("keywords", {"keywords": ["digitaal", "digitalisering"]}),
        ("members", {"n": 2}),
    ]
    assert by_code["M"].reasons == [("members", {"n": 4})]
    assert by_code["X"].reasons == [("keywords", {"keywords": ["digitalisering"]})]


def test_the_nace_reason_rounds_the_similarity():
    target = Profile("A", nace={"62": 3, "71": 4})
    (only,) = rank_partners(target, [Profile("B", nace={"62": 1})])
    assert only.nace_similarity == pytest.approx(0.6)
    assert only.reasons == [("nace", {"divisions": ["62"], "similarity": 0.6})]
    (only,) = rank_partners(target, [Profile("B", nace={"62": 2, "71": 1})])
    # (3·2 + 4·1) / (5 · √5) = 10 / 11.18 = 0.894…
    assert only.nace_similarity == pytest.approx(10 / (5 * math.sqrt(5)))
    assert only.reasons[0][1]["similarity"] == 0.89


def test_weights_change_the_ranking_and_are_normalised():
    keywords_only = rank_partners(TARGET, OTHERS, weights=(1, 0, 0))
    assert [(s.code, s.score) for s in keywords_only] == [("X", 0.5), ("Y", 0.5), ("BIM", 0.25)]
    assert keywords_only[2].reasons == [("keywords", {"keywords": ["digitaal", "digitalisering"]})]
    doubled = rank_partners(TARGET, OTHERS, weights=(2, 2, 1))
    assert [s.score for s in doubled] == pytest.approx([0.38, 0.2, 0.2, 0.2])
    for bad in [(0, 0, 0), (1, -1, 1), (1, 1)]:
        with pytest.raises(ValueError):
            rank_partners(TARGET, OTHERS, weights=bad)


def test_scores_stay_within_zero_and_one():
    twin = Profile("U", TARGET.keywords, TARGET.nace, TARGET.members)
    (only,) = rank_partners(TARGET, [twin])
    assert only.score == pytest.approx(1.0)
    assert only.score <= 1.0
