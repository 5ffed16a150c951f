"""The maturity ladder and labels (issue 21): services and selectors.

- The programme manager defines the ladder's **levels** and the **labels**; a **level
  decision** (start, promotion, demotion, confirmation) places a cluster on a level. A
  promotion or demotion rests on an assessment of the cluster against the target level's
  criteria set, carries a motivation and, for a promotion, respects the minimum time at
  the current level. Every write is audited (core.audit).
- A cluster's level on D (`level_on`, batched `levels_on`): the latest decision *known*
  on D — decided on or before D and effective on or before D (core.known).
- **Label awards** (valid until awarded on + the label's validity by default) and the
  awards that expire within `EXPIRY_NOTICE_DAYS` (the inbox's warnings, registered by
  monitoring, which sits above maturity: clustermonitor/layers.py).
- **Readiness with gaps in figures**: each criterion of a level's or label's set met,
  close (not met, within `CLOSE_SHARE` of the threshold), not met, needing evidence, or
  unknown with what is missing — never zero for unknown (docs/definitions.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.core import audit, known
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.maturity import criteria
from clustermonitor.maturity.models import (
    Answer,
    Assessment,
    CriteriaSet,
    Label,
    LabelAward,
    Level,
    LevelDecision,
)
from clustermonitor.maturity.services import MaturityError, _user
from clustermonitor.programmes import rules_math

#: The inbox warns this many days before a label's validity ends (urgent after it).
EXPIRY_NOTICE_DAYS = 90
#: "Close": not met, but the value is within this share of the threshold.
CLOSE_SHARE = Decimal("0.10")

Kind = LevelDecision.Kind


# -- Levels -------------------------------------------------------------------------------


@transaction.atomic
def save_level(actor: audit.Actor, level: Level) -> Level:
    """Create or change a level of the ladder. Its criteria set is a published version of
    the programme's own sets."""
    cs = level.criteria_set
    if cs is not None and (not cs.is_published or cs.programme_id != level.programme_id):
        raise MaturityError(_("A level uses a published criteria set of its own programme."))
    audit.save(actor, level)
    return level


def levels(programme) -> list[Level]:
    return list(Level.objects.filter(programme=programme).select_related("criteria_set"))


def _known(on: datetime.date):
    return known.level_decisions(LevelDecision.objects.all(), on)


def _latest_first(queryset):
    return queryset.order_by("-effective_from", "-decided_on", "-pk")


def level_on(cluster, on: datetime.date) -> LevelDecision | None:
    """The decision that places `cluster` on its level on `on` (`.level`), or None when
    it is not on the ladder: the latest decision decided and effective by `on`."""
    return _latest_first(_known(on).filter(cluster=cluster)).select_related("level").first()


def levels_on(clusters, on: datetime.date) -> dict[int, LevelDecision]:
    """`level_on` for many clusters in one query: {cluster pk: decision}; a cluster not
    on the ladder on `on` is absent."""
    ids = [getattr(c, "pk", c) for c in clusters]
    rows = _latest_first(_known(on).filter(cluster__in=ids)).select_related("level")
    result: dict[int, LevelDecision] = {}
    for decision in rows:  # the latest of each cluster first
        result.setdefault(decision.cluster_id, decision)
    return result


def history(cluster, on: datetime.date | None = None) -> list[LevelDecision]:
    """The cluster's decisions, the latest first (those known on `on` when given)."""
    queryset = LevelDecision.objects.filter(cluster=cluster)
    if on is not None:
        queryset = known.level_decisions(queryset, on)
    return list(
        _latest_first(queryset).select_related("level", "assessment__criteria_set", "decided_by")
    )


def level_since(cluster, on: datetime.date) -> tuple[LevelDecision | None, datetime.date | None]:
    """(the current decision, the day the cluster reached its current level): the effective
    date of the first decision of the unbroken run at the current level (a confirmation
    does not restart the clock)."""
    decisions = history(cluster, on)
    if not decisions:
        return None, None
    current = decisions[0]
    since = current.effective_from
    for decision in decisions[1:]:
        if decision.level_id != current.level_id:
            break
        since = decision.effective_from
    return current, since


def promotion_possible_from(cluster, on: datetime.date) -> datetime.date | None:
    """The first day a promotion may take effect: the minimum months after reaching the
    current level (None when not on the ladder)."""
    current, since = level_since(cluster, on)
    if current is None:
        return None
    return rules_math.add_months(since, current.level.min_months)


@transaction.atomic
def decide_level(
    actor: audit.Actor,
    cluster,
    *,
    level: Level,
    kind: str,
    decided_on: datetime.date,
    effective_from: datetime.date,
    motivation: str,
    assessment: Assessment | None = None,
) -> LevelDecision:
    """Place `cluster` on `level` (see the module for the rules); refuses with the reason."""
    if level.programme_id != cluster.programme_id:
        raise MaturityError(_("This level is of another programme."))
    if not (motivation or "").strip():
        raise MaturityError(_("Give the motivation of the decision."))
    if effective_from < decided_on and kind in (Kind.PROMOTION, Kind.DEMOTION):
        raise MaturityError(_("A promotion or demotion takes effect on or after its decision."))
    # The level the cluster holds when the decision takes effect, as known when deciding.
    current = level_on(cluster, min(decided_on, effective_from))
    later = LevelDecision.objects.filter(cluster=cluster, effective_from__gt=effective_from)
    if later.exists():
        raise MaturityError(_("A later decision on this cluster exists: decide after it."))
    if kind == Kind.START:
        if current is not None:
            raise MaturityError(
                _("%(cluster)s is on the ladder already (%(level)s).")
                % {"cluster": cluster.code, "level": current.level}
            )
    elif current is None:
        raise MaturityError(
            _("%(cluster)s is not on the ladder yet: start it first.") % {"cluster": cluster.code}
        )
    elif kind == Kind.CONFIRMATION:
        if level.pk != current.level_id:
            raise MaturityError(
                _("A confirmation keeps the current level (%(level)s).") % {"level": current.level}
            )
    else:
        up = kind == Kind.PROMOTION
        if up and level.order <= current.level.order:
            raise MaturityError(
                _("A promotion goes to a higher level than %(level)s.") % {"level": current.level}
            )
        if not up and level.order >= current.level.order:
            raise MaturityError(
                _("A demotion goes to a lower level than %(level)s.") % {"level": current.level}
            )
        _require_assessment(cluster, level, assessment, decided_on)
        if up:
            possible = promotion_possible_from(cluster, min(decided_on, effective_from))
            if possible is not None and effective_from < possible:
                raise MaturityError(
                    _(
                        "Too early: %(cluster)s has to stay %(months)s months at %(level)s; "
                        "a promotion is possible from %(date)s."
                    )
                    % {
                        "cluster": cluster.code,
                        "months": current.level.min_months,
                        "level": current.level,
                        "date": possible.strftime("%d/%m/%Y"),
                    }
                )
    decision = LevelDecision(
        cluster=cluster,
        level=level,
        kind=kind,
        assessment=assessment,
        decided_on=decided_on,
        effective_from=effective_from,
        motivation=motivation.strip(),
        decided_by=_user(actor),
    )
    audit.save(actor, decision, note=str(kind))
    return decision


def _require_assessment(cluster, level: Level, assessment, decided_on: datetime.date) -> None:
    if level.criteria_set_id is None:
        raise MaturityError(
            _("%(level)s has no criteria set: give it one to assess against.") % {"level": level}
        )
    if assessment is None:
        raise MaturityError(
            _("A promotion or demotion rests on an assessment against %(set)s.")
            % {"set": level.criteria_set}
        )
    if assessment.cluster_id != cluster.pk:
        raise MaturityError(_("This assessment is of another cluster."))
    if assessment.criteria_set_id != level.criteria_set_id:
        raise MaturityError(
            _("The assessment is against %(used)s; %(level)s asks for %(set)s.")
            % {"used": assessment.criteria_set, "level": level, "set": level.criteria_set}
        )
    if assessment.assessed_on > decided_on:
        raise MaturityError(_("The assessment was made after the decision."))


def level_counts(programme_levels, decisions: dict[int, LevelDecision]) -> list[tuple]:
    """[(level, number of clusters on it)] in the ladder's order."""
    counts = {}
    for decision in decisions.values():
        counts[decision.level_id] = counts.get(decision.level_id, 0) + 1
    return [(level, counts.get(level.pk, 0)) for level in programme_levels]


# -- Labels -------------------------------------------------------------------------------


@transaction.atomic
def save_label(actor: audit.Actor, label: Label) -> Label:
    cs = label.criteria_set
    if cs is not None and (not cs.is_published or cs.programme_id != label.programme_id):
        raise MaturityError(_("A label uses a published criteria set of its own programme."))
    audit.save(actor, label)
    return label


def labels(programme) -> list[Label]:
    return list(Label.objects.filter(programme=programme).select_related("criteria_set"))


def default_valid_until(label: Label, awarded_on: datetime.date) -> datetime.date:
    """Awarded on + the label's validity in months (rules_math.add_months)."""
    return rules_math.add_months(awarded_on, label.validity_months)


@transaction.atomic
def award_label(
    actor: audit.Actor,
    cluster,
    *,
    label: Label,
    awarded_on: datetime.date,
    valid_until: datetime.date | None = None,
    reference: str = "",
    note: str = "",
) -> LabelAward:
    if label.programme_id != cluster.programme_id:
        raise MaturityError(_("This label is of another programme."))
    valid_until = valid_until or default_valid_until(label, awarded_on)
    if valid_until <= awarded_on:
        raise MaturityError(_("A label is valid until a day after it was awarded."))
    award = LabelAward(
        cluster=cluster,
        label=label,
        awarded_on=awarded_on,
        valid_until=valid_until,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=_user(actor),
    )
    audit.save(actor, award)
    return award


def awards(clusters, on: datetime.date | None = None) -> list[LabelAward]:
    """The label register of `clusters` (a queryset or list), the latest award first
    (those awarded by `on` when given). One query."""
    queryset = LabelAward.objects.filter(cluster__in=clusters)
    if on is not None:
        queryset = known.label_awards(queryset, on)
    return list(
        queryset.select_related("label", "cluster").order_by("cluster__code", "-awarded_on", "pk")
    )


@dataclass(frozen=True)
class Expiry:
    award: LabelAward
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def expiring(clusters, today: datetime.date, *, notice_days: int = EXPIRY_NOTICE_DAYS):
    """Awards that end within `notice_days` of `today` or have ended, for which no later
    award of the same label exists (a renewal ends the warning). One query."""
    rows = awards(clusters, today)
    latest = {}
    for award in rows:  # the latest award of each (cluster, label) first
        latest.setdefault((award.cluster_id, award.label_id), award)
    limit = today + datetime.timedelta(days=notice_days)
    return sorted(
        (
            Expiry(a, (a.valid_until - today).days)
            for a in latest.values()
            if a.valid_until <= limit
        ),
        key=lambda e: (e.award.valid_until, e.award.cluster.code),
    )


def valid_on(award: LabelAward, on: datetime.date) -> bool:
    return award.awarded_on <= on <= award.valid_until


# -- Readiness with gaps in figures -------------------------------------------------------

MET, CLOSE, NOT_MET, EVIDENCE, UNKNOWN = "met", "close", "not_met", "evidence", "unknown"
STATUS_LABELS = {
    MET: gettext_lazy("met"),
    CLOSE: gettext_lazy("close"),
    NOT_MET: gettext_lazy("not met"),
    EVIDENCE: gettext_lazy("needs evidence"),
    UNKNOWN: gettext_lazy("unknown"),
}

#: The unit of a metric's gap ("2 more collaborations"): (one, many).
UNITS = {
    "members": (gettext_lazy("member"), gettext_lazy("members")),
    "private_companies": (gettext_lazy("company"), gettext_lazy("companies")),
    "member_kinds": (gettext_lazy("kind of organisation"), gettext_lazy("kinds of organisation")),
    "knowledge_members": (
        gettext_lazy("knowledge institution"),
        gettext_lazy("knowledge institutions"),
    ),
    "collaborations_started": (gettext_lazy("collaboration"), gettext_lazy("collaborations")),
    "kpi3": (gettext_lazy("collaboration"), gettext_lazy("collaborations")),
    "intercluster_projects": (
        gettext_lazy("intercluster project"),
        gettext_lazy("intercluster projects"),
    ),
    "activities_last_12_months": (gettext_lazy("activity"), gettext_lazy("activities")),
    "paying_members_last_year": (gettext_lazy("paying member"), gettext_lazy("paying members")),
    "agreement_years": (gettext_lazy("year"), gettext_lazy("years")),
    "management_fte_months": (gettext_lazy("FTE-month"), gettext_lazy("FTE-months")),
}

#: What is missing when a metric is unknown (the records it needs were never kept).
MISSING = {
    "members": gettext_lazy("the member list (memberships)"),
    "private_companies": gettext_lazy("the member list (memberships)"),
    "member_kinds": gettext_lazy("the member list (memberships)"),
    "knowledge_members": gettext_lazy("the member list (memberships)"),
    "collaborations_started": gettext_lazy("collaborations"),
    "kpi3": gettext_lazy("collaborations"),
    "intercluster_projects": gettext_lazy("collaborations"),
    "activities_last_12_months": gettext_lazy("activities"),
    "paying_members_last_year": gettext_lazy("the contributions of the previous year"),
}


def _is_share(code: str) -> bool:
    """A metric in percent ("sme_share"): its gap reads "58 % of the 60 % required"."""
    return code.endswith(("_share", "_pct", "_percent"))


def _metric_label(code: str) -> str:
    metric = criteria.METRICS.get(code)
    return str(metric.label) if metric else code


def _unit(code: str, n: Decimal) -> str:
    one, many = UNITS.get(code, ("", ""))
    return str(one if n == 1 else many)


def _num(value: Decimal) -> str:
    return format_number(value.normalize() if value == value.to_integral() else value)


def judge(code: str, operator: str, threshold, value) -> tuple[str, str]:
    """(status, gap in words) of a computed criterion: met, close (not met but within
    CLOSE_SHARE of the threshold), not met, or unknown with what is missing."""
    if threshold is None:
        return UNKNOWN, _("unknown: the criterion has no threshold")
    if value is None:
        if code not in criteria.METRICS:
            return UNKNOWN, _("unknown, missing: the metric “%(code)s”") % {"code": code}
        missing = MISSING.get(code, _("the records of %(metric)s") % {"metric": code})
        return UNKNOWN, _("unknown, missing: %(what)s") % {"what": missing}
    outcome = criteria.compare(value, operator, threshold)
    if outcome == criteria.PASS:
        return MET, ""
    distance = abs(value - threshold)
    close = distance <= abs(threshold) * CLOSE_SHARE
    status = CLOSE if close else NOT_MET
    if _is_share(code):
        gap = _("%(metric)s %(value)s %% of the %(threshold)s %% required") % {
            "metric": _metric_label(code),
            "value": _num(value),
            "threshold": _num(threshold),
        }
    elif operator == ">=":
        unit = _unit(code, distance)
        gap = (_("%(n)s more %(unit)s") % {"n": _num(distance), "unit": unit}).strip()
    elif operator == "<=":
        unit = _unit(code, distance)
        gap = (_("%(n)s fewer %(unit)s") % {"n": _num(distance), "unit": unit}).strip()
    else:
        gap = _("%(value)s, %(threshold)s required") % {
            "value": _num(value),
            "threshold": _num(threshold),
        }
    return status, gap


@dataclass
class GapRow:
    criterion: object
    value: Decimal | None
    status: str
    gap: str
    answer: Answer | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class GapReadiness:
    cluster: object
    criteria_set: CriteriaSet
    on: datetime.date
    rows: list[GapRow]
    assessment: Assessment | None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def n_met(self) -> int:
        return self.count(MET)

    @property
    def n_close(self) -> int:
        return self.count(CLOSE)

    @property
    def ready(self) -> bool:
        return bool(self.rows) and all(r.status == MET for r in self.rows)


def gap_readiness(cluster, criteria_set: CriteriaSet, on: datetime.date) -> GapReadiness:
    """The cluster against one set as known on `on`: computed criteria from the metric
    registry on `on` (criteria.compute reads the records known then); evidence criteria
    from the latest assessment made by `on`, a check counting only once made by `on`."""
    assessment = (
        known.assessments(Assessment.objects.filter(cluster=cluster, criteria_set=criteria_set), on)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    answers = {}
    if assessment is not None:
        answers = {a.criterion_id: a for a in assessment.answers.all()}
    rows = []
    for item in criteria_set.criteria.all():
        if item.is_computed:
            value = criteria.compute(item.metric, cluster, on)
            status, gap = judge(item.metric, item.operator, item.threshold, value)
            rows.append(GapRow(item, value, status, gap))
            continue
        answer = answers.get(item.pk)
        if answer is not None and known.answer_checked(answer, on):
            if answer.status == Answer.Status.ACCEPTED:
                rows.append(GapRow(item, None, MET, "", answer))
                continue
            if answer.status == Answer.Status.REJECTED:
                rows.append(
                    GapRow(item, None, NOT_MET, _("evidence rejected: give new evidence"), answer)
                )
                continue
        if (
            answer is not None
            and answer.evidence
            and answer.answered_on
            and answer.answered_on <= on
        ):
            gap = _("evidence given, waiting for the agency's check")
        else:
            gap = item.guidance_label or _("evidence asked")
        rows.append(GapRow(item, None, EVIDENCE, gap, answer))
    return GapReadiness(cluster, criteria_set, on, rows, assessment)


def next_level(programme_levels: list[Level], current: LevelDecision | None) -> Level | None:
    """The level above the current one (the first level when not on the ladder)."""
    if current is None:
        return programme_levels[0] if programme_levels else None
    return next((lv for lv in programme_levels if lv.order > current.level.order), None)
