"""Matchmaking: for a cluster, the partner clusters worth talking to, and why.

A suggestion scores three things (each 0..1):

- **keyword similarity**: Jaccard index of the two clusters' keyword sets after
  normalisation (``keyword_keys``);
- **NACE similarity**: cosine similarity of the members' NACE profiles (members per NACE
  division, the 2-digit code);
- **member overlap**: Jaccard index of the two member sets (the number of shared members
  is reported too).

``score = 0.4 × keywords + 0.4 × NACE + 0.2 × members`` by default. Keywords and NACE
weigh the same: the keywords say what a cluster means to work on, the NACE profile what
its members actually do; each covers the other's blind spot (keywords are few and
free text, NACE divisions are coarse and a few — 62 IT, 71 engineering — occur
everywhere). Member overlap weighs half as much: shared members are a ready bridge
between two clusters, but clusters that already share many members know each other and
need matchmaking least, and the Jaccard index of members is small and favours clusters
of similar size. Weights are divided by their sum, so the score stays within 0..1.

Keyword normalisation (``tokens``): lowercase, accents stripped (é → e), split on anything
not a letter or digit, and dropped: a short Dutch and English stop-word list, tokens
shorter than 3 characters unless they mix letters and digits ("3d", "5g" stay), and
tokens without a letter ("4.0", "2030": they name a generation or a year, not a topic —
"bouw 4.0" and "zorg 4.0" have nothing in common but the buzzword).

Matching rule (``keyword_key``): two tokens match when they are equal or share their
first six characters; a token is reduced to its first six characters and the sets of
those keys are compared. "digitaal" and "digitalisering" match (digita), as do
"circulair" and "circular" and "energie" and "energietransitie"; "bouw" and
"bouwindustrie" do not (bouw is too short to tell a compound from a coincidence), nor do
"water" and "waterstof". Being a plain truncation the rule is transitive, and it is
crude: "internet" and "international" match too. Six rather than five characters
because five lets through many short accidental prefixes (trans-port/-itie, produ-ct/-ceer).

Reasons are data, not text: ``(code, params)`` pairs that the web layer translates, the
largest contribution to the score first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

WEIGHTS = (0.4, 0.4, 0.2)  # keywords, NACE, members
PREFIX = 6  # characters two tokens must share to match
MIN_TOKEN = 3
TOP_DIVISIONS = 3

# Dutch and English; words under MIN_TOKEN characters ("de", "en", "of") go anyway.
_STOP_WORDS = """
    aan als bij dat deze die dit door een het hun met naar onder ook over ten ter tot uit
    van voor zijn zoals
    and are for from into its our the their via with within
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_SPLIT = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Profile:
    """What matchmaking knows of a cluster.

    ``keywords`` are free text (words or phrases); ``nace`` counts members per NACE
    division (2-digit code, e.g. ``{"62": 4, "41": 2}``); ``members`` are organisation ids.
    """

    code: str
    keywords: list[str] = field(default_factory=list)
    nace: Mapping[str, int] = field(default_factory=dict)
    members: frozenset[int] = frozenset()


@dataclass
class Suggestion:
    """A partner cluster for the target, with the parts of its score and the reasons."""

    code: str
    score: float
    keyword_similarity: float
    nace_similarity: float
    member_overlap: int
    member_jaccard: float
    shared_keywords: list[str]
    shared_divisions: list[str]
    reasons: list[tuple[str, dict]]


def tokens(text: str) -> list[str]:
    """The normalised tokens of a keyword text, in order, duplicates kept.

    >>> tokens("Bouwindustrie 4.0; digitalisering van de bouw, 3D-printing & Énergie")
    ['bouwindustrie', 'digitalisering', 'bouw', '3d', 'printing', 'energie']
    """
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    found = []
    for token in _SPLIT.split(plain):
        has_letter = any(c.isalpha() for c in token)
        if not has_letter or token in STOP_WORDS:
            continue
        if len(token) < MIN_TOKEN and not any(c.isdigit() for c in token):
            continue
        found.append(token)
    return found


def keyword_key(token: str) -> str:
    """The part of a token that has to match: its first ``PREFIX`` characters.

    >>> keyword_key("digitalisering"), keyword_key("digitaal"), keyword_key("bouw")
    ('digita', 'digita', 'bouw')
    """
    return token[:PREFIX]


def keyword_keys(keywords: Iterable[str]) -> dict[str, set[str]]:
    """Match key → the tokens of ``keywords`` that reduce to it."""
    keys: dict[str, set[str]] = {}
    for text in keywords:
        for token in tokens(text):
            keys.setdefault(keyword_key(token), set()).add(token)
    return keys


def jaccard(a: set | frozenset, b: set | frozenset) -> float:
    """|a ∩ b| / |a ∪ b|, 0 for two empty sets.

    >>> jaccard({1, 2, 3}, {2, 3, 4})
    0.5
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def keyword_similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard index of the match keys of two keyword lists.

    >>> keyword_similarity(["bouwindustrie 4.0; digitalisering"], ["digitalisering van de bouw"])
    0.3333333333333333
    """
    return jaccard(set(keyword_keys(a)), set(keyword_keys(b)))


def nace_similarity(a: Mapping[str, int], b: Mapping[str, int]) -> float:
    """Cosine similarity of two NACE division count vectors; 0 when either is empty.

    >>> round(nace_similarity({"62": 3, "71": 4}, {"62": 1}), 2)
    0.6
    """
    dot = sum(count * b.get(division, 0) for division, count in a.items())
    squares = sum(c * c for c in a.values()) * sum(c * c for c in b.values())
    if not squares:
        return 0.0
    # One square root of the (integer) product: proportional profiles give exactly 1.0.
    return min(1.0, dot / math.sqrt(squares))


def shared_divisions(
    a: Mapping[str, int], b: Mapping[str, int], top: int = TOP_DIVISIONS
) -> list[str]:
    """The divisions both have members in, by the smaller of the two counts (high first),
    then by code; the first ``top``.

    >>> shared_divisions({"62": 3, "71": 4, "41": 1, "10": 5}, {"62": 9, "71": 2, "41": 1})
    ['62', '71', '41']
    """
    both = [(min(a[d], b[d]), d) for d in a.keys() & b.keys() if a[d] > 0 and b[d] > 0]
    return [d for _, d in sorted(both, key=lambda pair: (-pair[0], pair[1]))[:top]]


def _weights(weights) -> tuple[float, float, float]:
    if len(weights) != 3 or any(w < 0 for w in weights) or not sum(weights):
        raise ValueError(f"weights must be three non-negative numbers, not all 0: {weights!r}")
    total = float(sum(weights))
    return tuple(w / total for w in weights)


def suggestion(target: Profile, other: Profile, weights=WEIGHTS) -> Suggestion:
    """How well ``other`` fits ``target`` as a partner (see the module docstring)."""
    w_keywords, w_nace, w_members = _weights(weights)
    target_keys, other_keys = keyword_keys(target.keywords), keyword_keys(other.keywords)
    common = target_keys.keys() & other_keys.keys()
    keywords = jaccard(set(target_keys), set(other_keys))
    matched = sorted(set().union(*(target_keys[k] | other_keys[k] for k in common)))
    nace = nace_similarity(target.nace, other.nace)
    divisions = shared_divisions(target.nace, other.nace)
    overlap = len(target.members & other.members)
    members = jaccard(target.members, other.members)
    parts = [
        (w_keywords * keywords, 0, ("keywords", {"keywords": matched})),
        (w_nace * nace, 1, ("nace", {"divisions": divisions, "similarity": round(nace, 2)})),
        (w_members * members, 2, ("members", {"n": overlap})),
    ]
    reasons = [reason for part, _, reason in sorted(parts, key=lambda p: (-p[0], p[1])) if part]
    return Suggestion(
        code=other.code,
        score=min(1.0, sum(part for part, _, _ in parts)),
        keyword_similarity=keywords,
        nace_similarity=nace,
        member_overlap=overlap,
        member_jaccard=members,
        shared_keywords=matched,
        shared_divisions=divisions,
        reasons=reasons,
    )


def rank_partners(
    target: Profile,
    others: Iterable[Profile],
    *,
    weights: tuple[float, float, float] = WEIGHTS,
    top: int | None = None,
) -> list[Suggestion]:
    """Partner clusters for ``target``, best first.

    The target itself (same code) is skipped, as is every cluster with score 0. Sorted by
    score (high first; equal up to 12 decimals counts as equal), then by code; the first
    ``top`` (all when None). ``weights`` are (keywords, NACE, members), divided by their
    sum. A reason is listed for each part that adds to the score, the largest first:
    ``("keywords", {"keywords": [matched tokens of both clusters, sorted]})``,
    ``("nace", {"divisions": [up to 3 shared divisions], "similarity": cosine rounded to
    2 decimals})``, ``("members", {"n": shared members})``.
    """
    weights = _weights(weights)
    found = [suggestion(target, other, weights) for other in others if other.code != target.code]
    found = [s for s in found if s.score > 0]
    found.sort(key=lambda s: (-round(s.score, 12), s.code))
    return found if top is None else found[:top]
