"""The demo's member survey (docs/demo.md): one closed wave of the default questionnaire
over the 20 IBNs that reproduces the 2020 survey — its fielding (1,065 invited, 328
started, 269 completed, 8 minutes on average) and its published answers (Q2 3.01; Q7
2.82 with the differences by call, size class, embedding and activity; Q8 by profile;
Q9; the effect matrices' cross-hairs), as `achieved()` recomputes them with
surveys/results.py and analysis/survey.py.

**Who is invited.** Like `surveys/invitations.generate`: one invitation per member
company per IBN, with the profile snapshot (`invitations.profile_for`, the registry's
headcount up to 2019) and the first contact's e-mail. The report invited the companies
on the member lists the IBNs supplied; the demo's IBNs have about 940 member companies
on the opening day, all invited, and the lists still held companies that had left in the
year before: as many of those as the published 1,065 needs are invited too (chosen with
the seeded generator).

**Who answers, and what.** Respondents are drawn per cell of call, size class and
embedding so that the completed questionnaires have the composition the published group
means imply (e.g. Q7: 2.82 = 75 % × 2.83 + 25 % × 2.79 for the calls). Answers come from
a latent model with the report's effects (activity, size, embedding, call, IBNs of more
than 70 members) and are then nudged one answer at a time (`_repair`) until the
published means hold. Started but incomplete questionnaires hold the answers of their
first pages only.

**Bulk, like writer.py.** Invitations, responses and mailings are bulk-inserted. Tokens
are the app's: a random nonce per invitation, only the SHA-256 of the HMAC-derived
token stored (`surveys/tokens.py`). Nothing per row reaches the audit log — neither
answers nor token hashes: the demo leaves one entry per kind of record (copy 1), or
its counts go into `generate`'s single entry (copies 2..N, each adding its own 20 IBNs
and its share of invitations to the same wave).

Deterministic: the same seed gives the same invitations, answers and times (numpy's
generator seeded with seed and copy); only the nonces are random, as the app's are.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
import yaml
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils import timezone

from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata.writer import BATCH, VIA, bulk_entry
from clustermonitor.members.models import Contact, Membership
from clustermonitor.monitoring.published import SURVEY_GROUPS
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.reference import REFERENCE_DIR
from clustermonitor.registry.models import Organisation
from clustermonitor.surveys import invitations as invitation_service
from clustermonitor.surveys import respond, tokens
from clustermonitor.surveys.instrument import EFFECTS, contribution, realisation, wish
from clustermonitor.surveys.models import Invitation, Questionnaire, ReminderRun, Response, Wave

WAVE_NAME = "Bevraging IBN-leden 2019"
OPENS, CLOSES = datetime.date(2019, 11, 4), datetime.date(2019, 12, 6)
REMINDERS = (datetime.date(2019, 11, 18), datetime.date(2019, 12, 2))
#: Members that left this long before the opening day were still on the IBNs' lists.
LISTS_SINCE = datetime.timedelta(days=365)
#: "IBN's met meer dan 70 leden" find the activities less relevant (chapter 3).
LARGE_IBN = 70
#: Response propensity of a company that had left, against a member's.
LEAVER_PROPENSITY = 0.4

#: Published figures keyed as in published_figures_2020.yaml → (profile, group): the
#: annex's mapping (monitoring/published.py), so that both read the report alike.
PROFILE_GROUPS = SURVEY_GROUPS
#: The annex's effect matrices (not in the YAML): the cross-hairs of the overall matrix.
MATRIX = {"x": 0.69, "realisation": 1.19, "contribution": 62.6}
#: Per effect (wish 0–2, realisation 0–2, contribution 0–100), as chapter 3 describes
#: Figure 7: knowledge exchange (7) wanted, realised and supported most; information
#: and networking (6–8) realised more; research knowledge (8), testing (9) and public
#: funding (10) wanted less; new markets (11) wanted much, realised modestly. Their
#: means are MATRIX's cross-hairs.
EFFECT_PLAN = {
    1: (0.72, 1.20, 64),
    2: (0.66, 1.14, 61),
    3: (0.70, 1.17, 63),
    4: (0.64, 1.10, 60),
    5: (0.60, 1.16, 63),
    9: (0.40, 1.02, 58),
    6: (0.68, 1.40, 64),
    7: (1.25, 1.58, 72),
    8: (0.45, 1.36, 64),
    10: (0.44, 1.05, 62),
    11: (1.05, 0.95, 58),
}
#: The report's directions without published values (the demo's own values): members
#: of hosted IBNs and larger companies are more active; relevance is slightly higher in
#: independent IBNs, higher for larger companies and active members, lower in IBNs of
#: more than 70 members; almost 80 % find the activities (very) relevant.
ACTIVE_BY = {("embedding", "zelfstandig"): 0.77, ("embedding", "gevestigd"): 0.83}
ACTIVE_BY |= {("size", "small"): 0.77, ("size", "medium_large"): 0.85}
RELEVANCE_BY = {("embedding", "zelfstandig"): 3.03, ("embedding", "gevestigd"): 2.98}
RELEVANCE_BY |= {("size", "small"): 2.96, ("size", "medium_large"): 3.16}
RELEVANCE_BY |= {("activity", "active"): 3.2, ("activity", "non_active"): 2.3}
RELEVANCE_BY |= {("large_ibn", True): 2.88, ("large_ibn", False): 3.08}
#: The spread of Q2's answers: about 78 % (very) relevant ("bijna 80%").
Q2_NOISE = 0.35
#: Q9 within 3 years: a third of them already realised or very short term (Figure 8).
Q9_WITHIN = {"realised": 0.13, "very_short": 0.20, "within_3y": 0.67}
Q9_LATER = {"longer": 0.5, "no": 0.2, "dont_know": 0.3}
#: Item offsets of Q7, Q8 and the means of Q10 (demo values).
Q7_ITEMS = (0.0, -0.05, 0.05, 0.15, -0.15)
Q8_ITEMS = (0.15, 0.0, 0.2, -0.1, 0.05, -0.3)
Q10_MEANS = (3.2, 3.0, 3.3, 3.35, 3.2, 3.25, 2.95, 2.9, 2.8)
#: Pages answered by a started but incomplete questionnaire: 1, 2, ... (weights).
DROP_OFF = (0.22, 0.2, 0.16, 0.12, 0.1, 0.08, 0.07, 0.05)


@cache
def published() -> dict:
    """The survey section of published_figures_2020.yaml."""
    text = (REFERENCE_DIR / "published_figures_2020.yaml").read_text("utf-8")
    return yaml.safe_load(text)["survey"]


def _by_group(figures: dict) -> dict[tuple, float]:
    return {PROFILE_GROUPS[key]: float(value) for key, value in figures.items()}


def _implied_share(overall: float, first: float, second: float) -> float:
    """The share of the first group that makes `overall` the mix of the two means."""
    return min(0.95, max(0.05, (overall - second) / (first - second)))


def composition() -> dict[str, float]:
    """Shares among the completed questionnaires that the published Q7 means imply:
    call 1, small companies (of those with a known size), independent IBNs, active."""
    q7, overall = (
        _by_group(published()["q7_by_profile"]),
        published()["q7_collaborative_strength_mean"],
    )
    pairs = {
        "call": (("call", "1"), ("call", "2")),
        "size": (("size", "small"), ("size", "medium_large")),
        "embedding": (("embedding", "zelfstandig"), ("embedding", "gevestigd")),
        "activity": (("activity", "active"), ("activity", "non_active")),
    }
    return {k: _implied_share(overall, q7[a], q7[b]) for k, (a, b) in pairs.items()}


# -- Who is invited ---------------------------------------------------------------------


@dataclass
class Invitee:
    membership: Membership
    cluster: Cluster
    email: str
    profile: dict
    left: bool  # left within LISTS_SINCE before the opening day
    large_ibn: bool = False  # an IBN with more than LARGE_IBN companies invited

    @property
    def key(self) -> tuple[str, str, str]:
        org = self.membership.organisation
        return (self.cluster.code, org.name, org.enterprise_number or "")


def invitees(clusters, wanted: int, rng: np.random.Generator) -> list[Invitee]:
    """The member companies of `clusters` on the opening day, one per company and
    cluster, topped up with companies that left in the year before up to `wanted`."""
    memberships = (
        Membership.objects.filter(
            cluster__in=clusters,
            organisation__kind=Organisation.Kind.COMPANY,
            start_date__lte=OPENS,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=OPENS - LISTS_SINCE))
        .select_related("organisation", "cluster__call")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("pk")))
        .order_by("cluster__code", "organisation__name", "organisation__enterprise_number", "pk")
    )
    chosen: dict[tuple[int, int], Membership] = {}
    for m in memberships:
        key = (m.organisation_id, m.cluster_id)
        active = m.end_date is None or m.end_date >= OPENS
        if key not in chosen or (active and chosen[key].end_date is not None):
            chosen[key] = m
    members = [m for m in chosen.values() if m.end_date is None or m.end_date >= OPENS]
    former = [m for m in chosen.values() if m.end_date is not None and m.end_date < OPENS]
    if len(members) >= wanted:
        picked = sorted(rng.choice(len(members), wanted, replace=False))
        members, former = [members[i] for i in picked], []
    else:
        order = rng.permutation(len(former))[: wanted - len(members)]
        former = [former[i] for i in sorted(order)]
    left = {m.pk for m in former}
    staff = invitation_service.headcounts({m.organisation_id for m in members + former}, OPENS.year)
    result = [
        Invitee(
            membership=m,
            cluster=m.cluster,
            email=next((c.email for c in m.contacts.all() if c.email), ""),
            profile=invitation_service.profile_for(m.cluster, staff.get(m.organisation_id)),
            left=m.pk in left,
        )
        for m in members + former
    ]
    per_cluster = defaultdict(int)
    for invitee in result:
        per_cluster[invitee.cluster.code] += 1
    for invitee in result:
        invitee.large_ibn = per_cluster[invitee.cluster.code] > LARGE_IBN
    return sorted(result, key=lambda i: i.key)


# -- Drawing answers ----------------------------------------------------------------------


@dataclass
class Target:
    """The mean of `values[rows][:, cols]` should be `goal`, within `tol`."""

    rows: np.ndarray
    cols: tuple[int, ...]
    goal: float
    tol: float


def _repair(rng, index: np.ndarray, levels, targets: list[Target], limit: int = 20000):
    """Move single answers one level up or down (`index` holds level indices, -1 where
    the question was not asked) until every target's mean is within its tolerance or no
    sampled move improves Σ((mean − goal)/tol)²."""
    levels = np.asarray(levels, dtype=float)
    masks, sums, counts = [], [], []
    for t in targets:
        mask = np.zeros(index.shape, dtype=bool)
        mask[np.ix_(t.rows, list(t.cols))] = True
        mask &= index >= 0
        masks.append(mask)
        sums.append(float(levels[index[mask]].sum()))
        counts.append(max(int(mask.sum()), 1))
    goals = np.array([t.goal for t in targets])
    tols = np.array([t.tol for t in targets])
    sums, counts = np.array(sums), np.array(counts, dtype=float)
    for _ in range(limit):
        errors = (sums / counts - goals) / tols
        move = None
        for worst in np.argsort(-np.abs(errors), kind="stable"):
            if abs(errors[worst]) <= 1:
                break
            move = _best_move(rng, index, levels, masks, sums, counts, goals, tols, worst)
            if move is not None:
                break
        if move is None:
            break
        i, j, step, change, hit = move
        index[i, j] += step
        sums[hit] += change
    return index


def _best_move(rng, index, levels, masks, sums, counts, goals, tols, worst):
    """The best of 48 sampled one-level moves towards target `worst`'s goal, if any
    lowers the total loss: (row, column, step, change of value, targets hit)."""
    step = -1 if sums[worst] / counts[worst] > goals[worst] else 1
    movable = masks[worst] & (index + step >= 0) & (index + step < len(levels))
    cells = np.argwhere(movable)
    if not len(cells):
        return None
    best, move = 0.0, None
    for i, j in cells[rng.integers(0, len(cells), 48)]:
        change = levels[index[i, j] + step] - levels[index[i, j]]
        hit = [k for k, mask in enumerate(masks) if mask[i, j]]
        old = (sums[hit] / counts[hit] - goals[hit]) / tols[hit]
        new = ((sums[hit] + change) / counts[hit] - goals[hit]) / tols[hit]
        delta = float((new**2).sum() - (old**2).sum())
        if delta < best:
            best, move = delta, (i, j, step, change, hit)
    return move


def _rounded(latent: np.ndarray, top: int) -> np.ndarray:
    return np.clip(np.rint(latent), 0, top).astype(int)


def _calibrated(latent: np.ndarray, top: int, rows: np.ndarray, goal: float) -> np.ndarray:
    """Level indices from `latent` shifted (bisection) so that their mean over `rows`
    (NaN cells left out) is `goal`; -1 where latent is NaN."""
    low, high = -6.0, 6.0
    present = ~np.isnan(latent)
    for _ in range(40):
        middle = (low + high) / 2
        values = np.where(present, np.clip(np.rint(latent + middle), 0, top), np.nan)
        mean = np.nanmean(values[rows]) if present[rows].any() else goal
        low, high = (middle, high) if mean < goal else (low, middle)
    shifted = np.where(present, latent + (low + high) / 2, 0)
    return np.where(present, _rounded(shifted, top), -1)


class Draw:
    """The answers of the started questionnaires, as arrays (respondents × questions);
    the calibration uses only the completed ones (`complete`)."""

    def __init__(self, rng, people: list[Invitee], complete: np.ndarray):
        self.rng, self.people, self.complete = rng, people, complete
        n = len(people)
        profile = [p.profile for p in people]
        self.group = {
            "call": np.array([p["call"] for p in profile]),
            "size": np.array([p["size"] for p in profile]),
            "embedding": np.array([p["embedding"] for p in profile]),
        }
        self.call1 = (self.group["call"] == "1").astype(float)
        self.large = (self.group["size"] == "medium_large").astype(float)
        self.hosted = (self.group["embedding"] == "gevestigd").astype(float)
        self.left = np.array([p.left for p in people], dtype=float)
        self.group["large_ibn"] = np.array([p.large_ibn for p in people])
        self.mood = rng.normal(size=n)  # satisfaction with the network
        self.ambition = rng.normal(size=n)  # how much the company wants from it
        self.n = n

    def rows(self, variable=None, value=None) -> np.ndarray:
        if variable is None:
            return self.complete
        return self.complete & (self.group[variable] == value)

    def targets(self, by: dict, cols, tol: float) -> list[Target]:
        return [Target(self.rows(v, g), tuple(cols), goal, tol) for (v, g), goal in by.items()]

    def noise(self, shape, sd: float) -> np.ndarray:
        return self.rng.normal(0, sd, size=shape)


def _activity(d: Draw, share: float) -> np.ndarray:
    latent = 0.45 * d.hosted + 0.55 * d.large - 1.2 * d.left + 0.5 * d.mood
    latent = (latent + d.rng.logistic(size=d.n) * 0.8)[:, None]
    index = _calibrated(latent - np.median(latent), 1, d.complete, share)
    n_complete = int(d.complete.sum())
    goal = round(share * n_complete) / n_complete
    targets = [Target(d.complete, (0,), goal, 0.4 / n_complete)]
    targets += d.targets(ACTIVE_BY, (0,), 0.02)
    return _repair(d.rng, index, (0, 1), targets)[:, 0] == 1


def _scale_items(d: Draw, latent, items, by: dict, overall, tol: float, noise=0.6, exact=None):
    """Items on the 1–4 scale: latent + item offsets + noise, calibrated to `overall`
    (or the mean of the group goals) and repaired to the group goals (within `tol`) and
    `overall` (within `exact`, default ¾ tol)."""
    grid = latent[:, None] + np.asarray(items)[None, :] + d.noise((d.n, len(items)), noise)
    goal = overall if overall is not None else float(np.mean(list(by.values())))
    index = _calibrated(grid, 3, d.complete, goal - 1)
    cols = range(len(items))
    targets = d.targets(by, cols, tol)
    if overall is not None:
        targets.append(Target(d.complete, tuple(cols), overall, exact or tol * 0.75))
    return _repair(d.rng, index, (1, 2, 3, 4), targets) + 1


def _binary(d: Draw, latent, by: dict, tol: float, overall=None) -> np.ndarray:
    latent = (latent + d.rng.logistic(size=d.n) * 0.7)[:, None]
    goal = overall if overall is not None else float(np.mean(list(by.values())))
    index = _calibrated(latent - np.median(latent), 1, d.complete, goal)
    targets = d.targets(by, (0,), tol)
    if overall is not None:
        targets.append(Target(d.complete, (0,), overall, 0.02))
    return _repair(d.rng, index, (0, 1), targets)[:, 0] == 1


def _effects(d: Draw, active: np.ndarray):
    """Wishes (0–2), realisation (0–2) and contribution (0–100) per effect; the latter
    two only where the effect is wanted."""
    effects = sorted(EFFECTS)
    act = active.astype(float)
    call2, zelf = 1 - d.call1, 1 - d.hosted
    wishes = np.zeros((d.n, len(effects)), dtype=int)
    for j, e in enumerate(effects):
        latent = 0.12 * call2 + 0.12 * d.large + (0.25 * d.large if e == 8 else 0)
        latent = latent + 0.3 * d.ambition + d.noise(d.n, 0.7)
        wishes[:, j] = _calibrated(latent[:, None], 2, d.complete, EFFECT_PLAN[e][0])[:, 0]
    targets = [Target(d.complete, (j,), EFFECT_PLAN[e][0], 0.004) for j, e in enumerate(effects)]
    wishes = _repair(d.rng, wishes, (0, 1, 2), targets)
    wanted = wishes > 0
    real = np.full(wishes.shape, -1)
    part = np.full(wishes.shape, -1)
    for j, e in enumerate(effects):
        base = 0.55 * act + 0.3 * d.call1 + 0.22 * zelf + 0.08 * d.large + 0.3 * d.mood
        latent = np.where(wanted[:, j], base + d.noise(d.n, 0.6), np.nan)
        real[:, j] = _calibrated(latent[:, None], 2, d.complete, EFFECT_PLAN[e][1])[:, 0]
        base = 1.2 * act + 0.3 * d.call1 + 0.3 * zelf + 0.13 * d.large + 0.3 * d.mood
        latent = base + 0.35 * (real[:, j] - 1) + d.noise(d.n, 0.7)
        latent = np.where(wanted[:, j], latent, np.nan)
        part[:, j] = _calibrated(latent[:, None], 4, d.complete, EFFECT_PLAN[e][2] / 25)[:, 0]
    real = _repair(
        d.rng,
        real,
        (0, 1, 2),
        [Target(d.complete, (j,), EFFECT_PLAN[e][1], 0.005) for j, e in enumerate(effects)],
    )
    part = _repair(
        d.rng,
        part,
        (0, 25, 50, 75, 100),
        [Target(d.complete, (j,), EFFECT_PLAN[e][2], 0.3) for j, e in enumerate(effects)],
    )
    return effects, wishes, real, part * 25


def _q9(d: Draw, active: np.ndarray) -> list[str]:
    figures = published()
    by = _by_group(figures["q9_by_activity"]) | _by_group(figures["q9_by_size"])
    latent = 1.6 * active + 0.55 * d.large + 0.3 * d.mood
    within = _binary(d, latent, by, 0.006, overall=0.62)
    answers = []
    for i in range(d.n):
        options = Q9_WITHIN if within[i] else Q9_LATER
        p = np.array(list(options.values()))
        if within[i] and active[i]:
            p = p * (1.3, 1.1, 1.0)
        if not within[i] and not active[i]:
            p = p * (0.7, 1.5, 1.2)
        answers.append(str(d.rng.choice(list(options), p=p / p.sum())))
    return answers


def draw_answers(rng, people: list[Invitee], complete: np.ndarray, definition) -> list[dict]:
    """Every started questionnaire's answers (complete ones in full, the others for their
    first pages), calibrated on the complete ones."""
    figures = published()
    d = Draw(rng, people, complete)
    active = _activity(d, composition()["activity"])
    d.group["activity"] = np.where(active, "active", "non_active")
    act = active.astype(float)
    zelf = 1 - d.hosted
    latent = 0.9 * act + 0.15 * d.large + 0.05 * zelf - 0.25 * d.group["large_ibn"] + 0.45 * d.mood
    relevance = _scale_items(
        d, latent, (0.0,), RELEVANCE_BY, figures["q2_relevance_mean"], 0.03, Q2_NOISE, 0.002
    )
    q7 = _by_group(figures["q7_by_profile"])
    latent = 0.8 * act + 0.12 * d.large - 0.1 * d.hosted + 0.05 * d.call1 + 0.35 * d.mood
    strength = _scale_items(
        d, latent, Q7_ITEMS, q7, figures["q7_collaborative_strength_mean"], 0.004
    )
    q8 = _by_group(figures["q8_benefits_by_profile"])
    latent = 0.7 * act + 0.1 * d.large - 0.12 * d.hosted + 0.12 * d.call1 + 0.35 * d.mood
    benefits = _scale_items(d, latent, Q8_ITEMS, q8, None, 0.004)
    competitiveness = _q9(d, active)
    effects, wishes, real, part = _effects(d, active)
    priorities = np.clip(
        np.rint(np.asarray(Q10_MEANS)[None, :] + 0.2 * d.mood[:, None] + d.noise((d.n, 9), 0.7)),
        1,
        4,
    ).astype(int)
    result = []
    for i, person in enumerate(people):
        answers = {"q1": "yes" if active[i] else "no", "q2": str(relevance[i, 0])}
        answers |= {wish(e): str(wishes[i, j]) for j, e in enumerate(effects)}
        for j, e in enumerate(effects):
            if wishes[i, j] > 0:
                answers[realisation(e)] = str(real[i, j])
                answers[contribution(e)] = str(part[i, j])
        answers |= {f"q7_s{k + 1}": str(v) for k, v in enumerate(strength[i])}
        answers |= {f"q8_b{k + 1}": str(v) for k, v in enumerate(benefits[i])}
        answers["q9"] = competitiveness[i]
        answers |= {f"q10_p{k + 1}": str(v) for k, v in enumerate(priorities[i])}
        if rng.random() < 0.75:
            answers["employees"] = _employees(rng, person.profile.get("employees"))
        if not complete[i]:
            answers = _first_pages(rng, definition, answers)
        result.append(answers)
    return result


def _employees(rng, registry) -> int:
    if registry is None:
        return int(max(1, round(rng.lognormal(math.log(12), 1.0))))
    return int(min(99_999, max(1, round(float(registry) * rng.lognormal(0, 0.12)))))


def _first_pages(rng, definition: dict, answers: dict) -> dict:
    """The answers of the first k pages the respondent saw: at least one, and stopping
    before a page with a required question (else the questionnaire could be submitted)."""
    shown = respond.pages(definition, answers)
    by_name = respond.questions_by_name(definition)
    stops = [
        k
        for k in range(1, min(len(shown), len(DROP_OFF) + 1))
        if any(by_name[n].get("required") for n in shown[k]["questions"])
    ]
    weights = np.asarray([DROP_OFF[k - 1] for k in stops])
    k = stops[int(rng.choice(len(stops), p=weights / weights.sum()))]
    names = {n for page in shown[:k] for n in page["questions"]}
    return {n: v for n, v in answers.items() if n in names}


# -- Who answers, and when ------------------------------------------------------------------


def choose_respondents(rng, people: list[Invitee], started: int, completed: int):
    """Indices of the completed and of the started but incomplete questionnaires. The
    completed ones are allotted to the cells of call, size class, embedding and leaving
    in proportion to propensities raked to `composition()`; companies that left answer
    less, invitations without an e-mail address not at all."""
    shares = composition()
    weight = np.array([(LEAVER_PROPENSITY if p.left else 1.0) if p.email else 0.0 for p in people])
    columns = {v: np.array([p.profile[v] for p in people]) for v in ("call", "size", "embedding")}
    goals = (("call", "1"), ("size", "small"), ("embedding", "zelfstandig"))
    for _ in range(50):
        for variable, first in goals:
            values = columns[variable]
            domain = values != "unknown" if variable == "size" else np.ones(len(people), bool)
            a, b = domain & (values == first), domain & (values != first)
            total, wa, wb = weight[domain].sum(), weight[a].sum(), weight[b].sum()
            if wa > 0 and wb > 0:
                weight[a] *= shares[variable] * total / wa
                weight[b] *= (1 - shares[variable]) * total / wb
    cells: dict[tuple, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        if weight[i] > 0:
            cells[(*(columns[v][i] for v in columns), p.left)].append(i)
    keys = sorted(cells)
    mass = np.array([weight[cells[k]].sum() for k in keys])
    room = np.array([len(cells[k]) for k in keys])
    wanted = np.minimum(completed * mass / mass.sum(), room)
    counts = np.floor(wanted).astype(int)
    for k in np.argsort(-(wanted - counts), kind="stable"):
        if counts.sum() >= min(completed, room.sum()):
            break
        counts[k] += counts[k] < room[k]
    complete = sorted(
        int(i)
        for key, k in zip(keys, counts, strict=True)
        for i in rng.choice(cells[key], int(k), replace=False)
    )
    taken = set(complete)
    rest = np.array([i for i in range(len(people)) if weight[i] > 0 and i not in taken])
    extra = min(started - len(complete), len(rest))
    p = weight[rest] / weight[rest].sum() if len(rest) else None
    incomplete = sorted(rng.choice(rest, extra, replace=False, p=p)) if extra > 0 else []
    return np.array(complete, dtype=int), np.array(incomplete, dtype=int)


def _moment(day: datetime.date, hours: float) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hours)
    return timezone.make_aware(naive)


def _times(rng, answers: list[dict], complete: np.ndarray) -> list[tuple]:
    """(started, last saved, completed or None, seconds) per respondent: started after
    the invitation or a reminder, on a working day if the period allows; about 8
    minutes for a full questionnaire, some finished on another day."""
    triggers = (OPENS, *REMINDERS)
    n_complete = int(complete.sum())
    minutes = float(published()["mean_completion_minutes"])
    spent = np.clip(rng.lognormal(math.log(minutes * 50), 0.55, size=len(answers)), 150, 8100)
    spent[complete] *= minutes * 60 / spent[complete].mean() if n_complete else 1
    closing = _moment(CLOSES, 23)
    result = []
    for i, given in enumerate(answers):
        t = int(rng.choice(3, p=(0.55, 0.3, 0.15)))
        first, last = triggers[t], (triggers[t + 1] if t < 2 else CLOSES + datetime.timedelta(1))
        last -= datetime.timedelta(days=1)
        day = first + datetime.timedelta(days=min(int(rng.exponential(2.0)), (last - first).days))
        while day.weekday() >= 5 and day < last:
            day += datetime.timedelta(days=1)
        started = _moment(day, 9.25 + rng.uniform(0, 8.5))
        if complete[i]:
            seconds = int(np.rint(spent[i]))
        else:
            share = len(given) / 62 * rng.lognormal(0, 0.4)
            seconds = max(30, int(np.rint(minutes * 60 * share)))
        wall = datetime.timedelta(seconds=seconds * rng.uniform(1.0, 1.25))
        if complete[i] and rng.random() < 0.15:  # saved and continued later
            wall += datetime.timedelta(hours=rng.uniform(2, 72))
        saved = max(min(started + wall, closing), started + datetime.timedelta(seconds=seconds))
        result.append((started, saved, saved if complete[i] else None, seconds))
    return result


def _reminders(completed_at) -> list[datetime.datetime]:
    """The reminders an invitation received: every one before it was completed."""
    moments = [_moment(day, 9) for day in REMINDERS]
    return [m for m in moments if completed_at is None or completed_at > m]


# -- Writing ------------------------------------------------------------------------------


def default_questionnaire(programme) -> Questionnaire:
    """The shipped 2020 questionnaire of the programme (loaded by load-reference)."""
    from clustermonitor.core import audit
    from clustermonitor.surveys import services_forms

    digest = services_forms.sha256(services_forms.DEFAULT_XLSFORM.read_bytes())
    found = Questionnaire.objects.filter(programme=programme, sha256=digest).first()
    return found or services_forms.load_default_questionnaire(programme, audit.Actor.system(VIA))


def demo_wave(programme=None) -> Wave | None:
    waves = Wave.objects.filter(name=WAVE_NAME).select_related("questionnaire")
    if programme is not None:
        waves = waves.filter(questionnaire__programme=programme)
    return waves.order_by("pk").first()


def load(programme, codes, *, seed: int, copy: int = 1, audit_mode: str = "stage") -> dict:
    """The demo wave's invitations and responses for the IBNs `codes` (one copy of the
    programme): creates the wave when it is not there, adds the clusters, writes in bulk.
    Writes nothing when the wave already invites members of these clusters. Returns
    what was written."""
    clusters = list(Cluster.objects.filter(code__in=codes).select_related("call").order_by("code"))
    wave = demo_wave(programme)
    if not clusters or (wave and wave.invitations.filter(cluster__in=clusters).exists()):
        return {}
    figures = published()
    rng = np.random.default_rng([seed, copy, 2019])
    people = invitees(clusters, int(figures["invited"]), rng)
    if not people:
        return {}
    ratio = len(people) / figures["invited"]
    done, partial = choose_respondents(
        rng, people, round(figures["responded"] * ratio), round(figures["completed"] * ratio)
    )
    order = np.concatenate([done, partial]).astype(int)
    complete = np.arange(len(order)) < len(done)
    questionnaire = default_questionnaire(programme)
    answers = draw_answers(rng, [people[i] for i in order], complete, questionnaire.definition)
    times = _times(rng, answers, complete)
    if wave is None:
        wave = Wave.objects.create(
            questionnaire=questionnaire, name=WAVE_NAME, opens_on=OPENS, closes_on=CLOSES
        )
    wave.clusters.add(*clusters)
    by_person = {int(i): k for k, i in enumerate(order)}
    rows = _invitations(wave, people, {i: times[k][2] for i, k in by_person.items()})
    Response.objects.bulk_create(
        [
            Response(
                wave=wave,
                invitation=rows[i],
                source=Response.Source.WEB,
                answers=answers[k],
                profile=dict(people[i].profile),
                started_at=times[k][0],
                last_saved_at=times[k][1],
                completed_at=times[k][2],
                duration_seconds=times[k][3],
            )
            for i, k in sorted(by_person.items())
        ],
        batch_size=BATCH,
    )
    mailings = _mailings(wave, rows)
    counts = {"survey invitations": len(rows), "survey responses": len(order)}
    if audit_mode == "stage":
        _audit(wave, counts | {"survey mailings": mailings}, seed, copy, int(complete.sum()))
    return counts


def _invitations(wave, people, completed_at: dict) -> list[Invitation]:
    """Bulk-created with placeholder hashes, then given their real hashes once the pks
    are known (as invitations.generate does)."""
    sent = _moment(OPENS, 9)
    rows = []
    for i, p in enumerate(people):
        reminded = _reminders(completed_at.get(i)) if p.email else []
        rows.append(
            Invitation(
                wave=wave,
                membership=p.membership,
                organisation_id=p.membership.organisation_id,
                cluster=p.cluster,
                email=p.email,
                nonce=tokens.new_nonce(),
                token_hash=tokens.placeholder_hash(),
                profile=p.profile,
                sent_at=sent if p.email else None,
                reminders=len(reminded),
                last_reminded_at=reminded[-1] if reminded else None,
            )
        )
    created = invitation_service.insert_with_tokens(wave, rows, batch_size=BATCH)
    return created


def _mailings(wave, rows: list[Invitation]) -> int:
    """The invitation mailing and the two reminders, as the wave's page lists them."""
    sent = sum(1 for r in rows if r.sent_at)
    moments = [_moment(OPENS, 9), *(_moment(day, 9) for day in REMINDERS)]
    counts = [sent, *(sum(1 for r in rows if r.reminders > k) for k in range(len(REMINDERS)))]
    kinds = [ReminderRun.Kind.INVITATION] + [ReminderRun.Kind.REMINDER] * len(REMINDERS)
    runs = ReminderRun.objects.bulk_create(
        [ReminderRun(wave=wave, kind=k, count=c) for k, c in zip(kinds, counts, strict=True)]
    )
    for run, moment in zip(runs, moments, strict=True):  # sent_at is auto_now_add
        ReminderRun.objects.filter(pk=run.pk).update(sent_at=moment)
    return len(runs)


def _audit(wave, counts: dict, seed: int, copy: int, completed: int) -> None:
    """One entry for the wave and one per kind of record (writer.py's convention): counts
    and the seed only — no answers, no token hashes."""
    note = f"demo data, seed {seed}, copy {copy} (clustermonitor.demodata.survey)"
    kind = ContentType.objects.get_for_model
    entries = [
        AuditEntry(
            via=VIA,
            action=AuditEntry.Action.CREATE,
            content_type=kind(Wave),
            object_id=str(wave.pk),
            object_repr=f"{wave.name} (demo data, copy {copy})"[:200],
            after={
                "name": wave.name,
                "opens_on": OPENS.isoformat(),
                "closes_on": CLOSES.isoformat(),
                "clusters": wave.clusters.count(),
                "seed": seed,
            },
            note=note,
        )
    ]
    for model, what in (
        (Invitation, "survey invitations"),
        (Response, "survey responses"),
        (ReminderRun, "survey mailings"),
    ):
        after = {"count": counts[what], "seed": seed, "copy": copy}
        if model is Response:
            after["completed"] = completed
        entries.append(
            bulk_entry(model, f"{counts[what]} × {what} (demo data, copy {copy})", after, note)
        )
    AuditEntry.objects.bulk_create(entries)
