"""The finder: which running clusters fit a company, ranked, and why (docs/finder.md).

The company is known by what it does (one NACE code), where it is (a point) and what it
says it works on (keywords); each cluster by aggregates of its members only — members
per NACE code, members per place (a point with a count) — and its own keywords and
domain. No member is ever named: reasons carry counts.

Three factors, each 0..1:

- **sector**: ½ · volume + ½ · concentration. *Volume* counts the members doing what the
  company does: ``min(1, (same class + ½ · same division, other class) / SECTOR_FULL)``
  (the class is the 4-digit NACE code, 28.99; the division the 2-digit one, 28; a
  company given by its division only counts its division in full). *Concentration*
  is matchmaking's NACE similarity (cosine) of the company's division against the
  cluster's members per division: how much of the cluster is about that division. The
  volume favours large clusters with many peers, the concentration small focused ones.
- **proximity**: ``min(1, members within RADIUS_KM / NEAR_FULL)``; distances are great
  circle distances between the company's point and each place of members.
- **keywords**: the share of the company's keywords (match keys, matchmaking's
  ``keyword_keys``) that the cluster's keywords and domain contain. Coverage of the
  query rather than matchmaking's Jaccard index: a visitor types two words, a cluster
  has twenty, and a Jaccard index would be small for a perfect match.

``score = Σ weight × factor / Σ weight`` over the factors the input allows (a search by
keywords alone has no sector or proximity; the score is then the keyword factor alone).
Weights ``WEIGHTS``: sector 0.4, keywords 0.4, proximity 0.2 — what a company does and
what it wants to work on count the same; being near members counts half as much,
because Flanders is small and every cluster works across it.

Reasons are data (``Reason(kind, count, value)``), the largest factor first; the web
page and the API turn them into words in the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from clustermonitor.analysis.matchmaking import keyword_keys, nace_similarity, tokens

WEIGHTS = {"sector": 0.4, "keywords": 0.4, "proximity": 0.2}
SECTOR_FULL = 10  # members in the company's class for a full volume
RADIUS_KM = 20  # "near"
NEAR_FULL = 5  # members within RADIUS_KM for a full proximity
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Company:
    """What the finder knows of the company: a NACE code without dots (2 to 7 digits),
    its point (latitude, longitude) and free keywords; each may be missing."""

    nace: str = ""
    point: tuple[float, float] | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterProfile:
    """A running cluster in aggregates: ``nace`` members per NACE code (no dots),
    ``places`` (latitude, longitude, members) per place, ``keywords`` its keywords and
    domain as written."""

    code: str
    nace: Mapping[str, int] = field(default_factory=dict)
    places: tuple[tuple[float, float, int], ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why a cluster fits: ``kind`` one of nace_class (count members in class value),
    nace_division (count members in division value, the class's included; given
    when the division has more than the class), near (count
    members within value km), keywords (count keywords matched; value the cluster's
    matching keywords, "; "-joined)."""

    kind: str
    count: int
    value: str


@dataclass
class Match:
    code: str
    score: float
    factors: dict[str, float]
    reasons: list[Reason]


def nace_class(code: str) -> str:
    """'28990' → '28.99'; '' for a code shorter than a class.

    >>> nace_class("28990"), nace_class("289"), nace_class("2899")
    ('28.99', '', '28.99')
    """
    digits = code.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}" if len(digits) >= 4 else ""


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points.

    >>> round(distance_km((51.0, 4.0), (52.0, 4.0)), 1)  # one degree of latitude
    111.2
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def sector(company_nace: str, members: Mapping[str, int]) -> tuple[float, list[Reason]]:
    """The sector factor and its reasons (module docstring)."""
    digits = company_nace.replace(".", "")
    if len(digits) < 2:
        return 0.0, []
    division, klass = digits[:2], digits[:4] if len(digits) >= 4 else ""
    in_division = sum(n for code, n in members.items() if code[:2] == division)
    in_class = sum(n for code, n in members.items() if klass and code[:4] == klass)
    others = in_division - in_class
    effective = in_class + others / 2 if klass else in_division
    volume = min(1.0, effective / SECTOR_FULL)
    divisions: dict[str, int] = {}
    for code, n in members.items():
        divisions[code[:2]] = divisions.get(code[:2], 0) + n
    concentration = nace_similarity({division: 1}, divisions)
    reasons = []
    if klass and in_class:
        reasons.append(Reason("nace_class", in_class, nace_class(klass)))
    if in_division > in_class:  # the division says more than the class
        reasons.append(Reason("nace_division", in_division, division))
    return 0.5 * volume + 0.5 * concentration, reasons


def proximity(
    point: tuple[float, float], places: Iterable[tuple[float, float, int]]
) -> tuple[float, list[Reason]]:
    """The proximity factor and its reason (module docstring)."""
    near = sum(n for lat, lon, n in places if distance_km(point, (lat, lon)) <= RADIUS_KM)
    reasons = [Reason("near", near, str(RADIUS_KM))] if near else []
    return min(1.0, near / NEAR_FULL), reasons


def keyword_match(query: Iterable[str], keywords: Iterable[str]) -> tuple[float, list[Reason]]:
    """The keyword factor: the share of the query's match keys found among the cluster's;
    the reason names the cluster's keywords (as written) that matched.

    >>> keyword_match(["drones", "bouw"], ["drones en luchtvaart", "logistiek"])
    (0.5, [Reason(kind='keywords', count=1, value='drones en luchtvaart')])
    """
    wanted = set(keyword_keys(query))
    keywords = list(keywords)
    found = wanted & set(keyword_keys(keywords))
    if not wanted or not found:
        return 0.0, []
    phrases = [k for k in keywords if set(keyword_keys([k])) & found]
    value = "; ".join(dict.fromkeys(p.strip() for p in phrases))
    return len(found) / len(wanted), [Reason("keywords", len(found), value)]


def _weights(weights: Mapping[str, float]) -> dict[str, float]:
    if set(weights) != set(WEIGHTS) or any(w < 0 for w in weights.values()):
        raise ValueError(f"weights are {sorted(WEIGHTS)}, each >= 0: {weights!r}")
    return dict(weights)


def match(company: Company, cluster: ClusterProfile, weights=WEIGHTS) -> Match:
    """How well ``cluster`` fits ``company`` (module docstring)."""
    weights = _weights(weights)
    parts: dict[str, tuple[float, list[Reason]]] = {}
    if company.nace:
        parts["sector"] = sector(company.nace, cluster.nace)
    if company.point is not None:
        parts["proximity"] = proximity(company.point, cluster.places)
    if any(tokens(k) for k in company.keywords):
        parts["keywords"] = keyword_match(company.keywords, cluster.keywords)
    total = sum(weights[name] for name in parts)
    factors = {name: value for name, (value, _) in parts.items()}
    score = sum(weights[n] * v for n, v in factors.items()) / total if total else 0.0
    order = sorted(parts, key=lambda n: (-weights[n] * factors[n], list(WEIGHTS).index(n)))
    reasons = [reason for name in order for reason in parts[name][1]]
    return Match(cluster.code, min(1.0, score), factors, reasons)


def rank(
    company: Company,
    clusters: Iterable[ClusterProfile],
    *,
    weights: Mapping[str, float] = WEIGHTS,
    top: int | None = None,
) -> list[Match]:
    """The clusters that fit ``company`` (score above 0), best first; equal scores (to
    12 decimals) by code. The first ``top`` (all when None)."""
    found = [m for m in (match(company, c, weights) for c in clusters) if m.score > 0]
    found.sort(key=lambda m: (-round(m.score, 12), m.code))
    return found if top is None else found[:top]
