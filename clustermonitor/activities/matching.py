"""Suggested organisations for attendees waiting for review (issue 16): an attendee whose
organisation did not match is linked by hand, and a list of a few hundred members is no
help without a hint. The best candidates among the organisations the user may choose
(the review form's own choices: nothing else is ever suggested) come first, each with why:
an enterprise number in what was typed, then the name without its legal form and
accents, compared with difflib (and the postcode as a tie-breaker)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from clustermonitor.registry import enterprise

#: Legal forms and filler words left out of a name before comparing (Dutch, French, English).
LEGAL_WORDS = frozenset(
    {
        *("nv", "sa", "bv", "srl", "bvba", "sprl", "cv", "cvba", "scrl", "scrlfs", "vof"),
        *("snc", "commv", "comm", "scs", "vzw", "asbl", "ivzw", "aisbl", "esv", "ltd"),
        *("limited", "inc", "gmbh", "ag", "de", "het", "la", "le", "les", "the"),
    }
)
#: Below this similarity (0..1) a name is no suggestion.
MINIMUM = 0.6


@dataclass(frozen=True)
class Suggestion:
    organisation: object
    score: float
    reason: str


def plain_name(text: str) -> str:
    """'Drone-Tech N.V.' -> 'drone tech': lower case, no accents, no punctuation, no
    legal form."""
    text = unicodedata.normalize("NFKD", (text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace(".", "")  # n.v. -> nv
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in LEGAL_WORDS)


def _numbers_in(*texts: str) -> set[str]:
    found = set()
    for text in texts:
        for candidate in re.findall(r"(?:BE)?\s*[01]?\d{3}[\s.\-]?\d{3}[\s.\-]?\d{3}", text or ""):
            try:
                found.add(enterprise.normalise(candidate))
            except enterprise.InvalidEnterpriseNumber:
                continue
    return found


def suggest(participation, organisations, limit: int = 3) -> list[Suggestion]:
    """The best `limit` of `organisations` (the user's choices, a list) for one
    participation waiting for review, best first."""
    numbers = _numbers_in(participation.organisation_name, participation.name)
    wanted = plain_name(participation.organisation_name)
    scored = []
    for org in organisations:
        if org.enterprise_number and org.enterprise_number in numbers:
            scored.append(Suggestion(org, 2.0, _("same enterprise number")))
            continue
        if not wanted:
            continue
        name = plain_name(org.name)
        if not name:
            continue
        same_postcode = bool(participation.postcode) and participation.postcode == org.postcode
        if name == wanted:
            score, reason = 1.5, _("same name")
        else:
            matcher = difflib.SequenceMatcher(None, wanted, name)
            if matcher.real_quick_ratio() < MINIMUM or matcher.quick_ratio() < MINIMUM:
                ratio = 0.0
            else:
                ratio = matcher.ratio()
            contained = min(len(wanted), len(name)) >= 4 and (wanted in name or name in wanted)
            if contained:
                ratio = max(ratio, 0.85)
            if ratio < MINIMUM:
                continue
            score = ratio
            reason = _("similar name (%(percent)d%%)") % {"percent": round(ratio * 100)}
        if same_postcode:
            score += 0.1
            reason = _("%(reason)s, same postcode") % {"reason": reason}
        scored.append(Suggestion(org, score, reason))
    scored.sort(key=lambda s: (-s.score, s.organisation.name, s.organisation.pk))
    return scored[:limit]


def suggestions(participations, organisations, limit: int = 3) -> dict[int, list[Suggestion]]:
    """Suggestions for each participation (by its pk)."""
    choices = list(organisations)
    return {p.pk: suggest(p, choices, limit) for p in participations}
