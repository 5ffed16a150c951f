"""Writes to exit plans and criteria sets, each audited and in one transaction.

The rules live here, so every page, command and loader refuses the same things with the
same message: a published criteria set never changes, an exit plan is accepted by
someone else than the person who filed it, and an evidence answer is checked by someone
else than its author (DESIGN §9: no self-approval).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.maturity import criteria
from clustermonitor.maturity.models import (
    Answer,
    Assessment,
    CriteriaSet,
    Criterion,
    ExitPlan,
)


class MaturityError(ValueError):
    """A step the rules refuse; the message says why, for the person who tried."""


def _user(actor: audit.Actor):
    return actor.user if getattr(actor.user, "pk", None) else None


def _same_person(actor: audit.Actor, user_id) -> bool:
    user = _user(actor)
    return user is not None and user_id is not None and user.pk == user_id


# -- Exit plans ---------------------------------------------------------------------------

_PLAN_CONTENT = ("path", "organisation", "spc_id", "business_model", "notes")


@transaction.atomic
def save_exit_plan(actor: audit.Actor, plan: ExitPlan) -> bool:
    """Save the plan's content. A change to a filed or accepted plan takes it back to
    draft: it has to be filed (and accepted) again. Returns whether it went back."""
    stored = ExitPlan.objects.filter(pk=plan.pk).first() if plan.pk else None
    reopened = False
    if stored is not None and stored.is_filed:
        changed = any(getattr(stored, f) != getattr(plan, f) for f in _PLAN_CONTENT)
        if changed:
            _to_draft(plan)
            reopened = True
    audit.save(actor, plan, note="changed after filing: back to draft" if reopened else "")
    return reopened


def _to_draft(plan: ExitPlan) -> None:
    plan.status = ExitPlan.Status.DRAFT
    plan.filed_on = plan.filed_by = plan.accepted_on = plan.accepted_by = None


@transaction.atomic
def file_exit_plan(actor: audit.Actor, plan: ExitPlan, on: datetime.date) -> ExitPlan:
    if plan.status != ExitPlan.Status.DRAFT:
        raise MaturityError(_("This exit plan is already filed."))
    if not plan.business_model.strip():
        raise MaturityError(_("Describe the business model after the funding before filing."))
    plan.status = ExitPlan.Status.FILED
    plan.filed_on, plan.filed_by = on, _user(actor)
    audit.save(actor, plan, note="filed")
    return plan


@transaction.atomic
def accept_exit_plan(actor: audit.Actor, plan: ExitPlan, on: datetime.date) -> ExitPlan:
    if plan.status != ExitPlan.Status.FILED:
        raise MaturityError(_("Only a filed exit plan can be accepted."))
    if _same_person(actor, plan.filed_by_id):
        raise MaturityError(_("You filed this exit plan: someone else accepts it."))
    plan.status = ExitPlan.Status.ACCEPTED
    plan.accepted_on, plan.accepted_by = on, _user(actor)
    audit.save(actor, plan, note="accepted")
    return plan


@transaction.atomic
def return_exit_plan(actor: audit.Actor, plan: ExitPlan, note: str) -> ExitPlan:
    """The agency sends a filed (or accepted) plan back to draft, saying why."""
    if not plan.is_filed:
        raise MaturityError(_("Only a filed or accepted exit plan can be sent back."))
    if not note.strip():
        raise MaturityError(_("Say why the exit plan goes back to the cluster."))
    _to_draft(plan)
    audit.save(actor, plan, note=f"returned: {note.strip()}")
    return plan


# -- Criteria sets ------------------------------------------------------------------------


def _require_draft(criteria_set: CriteriaSet) -> None:
    stored = CriteriaSet.objects.filter(pk=criteria_set.pk).first() if criteria_set.pk else None
    if stored is not None and stored.is_published:
        raise MaturityError(
            _("%(set)s is published and never changes: make a new version.") % {"set": stored}
        )


@transaction.atomic
def save_criteria_set(actor: audit.Actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """Create a draft (version 1 of a new name) or change a draft's name and description."""
    _require_draft(criteria_set)
    if criteria_set.pk is None:
        criteria_set.status, criteria_set.version = CriteriaSet.Status.DRAFT, 1
        if CriteriaSet.objects.filter(
            programme=criteria_set.programme_id, name=criteria_set.name
        ).exists():
            raise MaturityError(
                _("A criteria set named “%(name)s” exists: make a new version of it instead.")
                % {"name": criteria_set.name}
            )
    elif criteria_set.previous_id:
        previous = criteria_set.previous
        if criteria_set.name != previous.name:
            raise MaturityError(_("A new version keeps the name of the set."))
    audit.save(actor, criteria_set)
    return criteria_set


@transaction.atomic
def save_criterion(actor: audit.Actor, criterion: Criterion) -> Criterion:
    """Add or change a criterion of a draft. An unknown metric is refused with the list of
    the valid ones (Criterion.clean)."""
    _require_draft(criterion.criteria_set)
    audit.save(actor, criterion)
    return criterion


def add_criterion(actor: audit.Actor, criteria_set: CriteriaSet, **values) -> Criterion:
    values.setdefault("order", (criteria_set.criteria.aggregate(m=Max("order"))["m"] or 0) + 1)
    return save_criterion(actor, Criterion(criteria_set=criteria_set, **values))


@transaction.atomic
def delete_criterion(actor: audit.Actor, criterion: Criterion) -> None:
    _require_draft(criterion.criteria_set)
    audit.delete(actor, criterion)


@transaction.atomic
def delete_draft(actor: audit.Actor, criteria_set: CriteriaSet) -> None:
    _require_draft(criteria_set)
    for criterion in criteria_set.criteria.all():
        audit.delete(actor, criterion)
    audit.delete(actor, criteria_set)


@transaction.atomic
def publish(actor: audit.Actor, criteria_set: CriteriaSet, on: datetime.date) -> CriteriaSet:
    """Publish a draft: from now on it never changes and clusters are assessed against it."""
    _require_draft(criteria_set)
    items = list(criteria_set.criteria.all())
    if not items:
        raise MaturityError(_("Add at least one criterion before publishing."))
    for item in items:
        try:
            item.full_clean()  # the registry may have changed since the criterion was written
        except ValidationError as error:
            raise MaturityError(
                _("Criterion “%(text)s”: %(error)s")
                % {"text": item.text, "error": " ".join(error.messages)}
            ) from error
    criteria_set.status = CriteriaSet.Status.PUBLISHED
    criteria_set.published_on, criteria_set.published_by = on, _user(actor)
    audit.save(actor, criteria_set, note="published")
    return criteria_set


@transaction.atomic
def new_version(actor: audit.Actor, source: CriteriaSet) -> CriteriaSet:
    """A draft copy of a published version, numbered after the highest version of the
    name. The source and every assessment made with it stay as they are."""
    if not source.is_published:
        raise MaturityError(_("Only a published version is copied into a new version."))
    siblings = CriteriaSet.objects.filter(programme=source.programme_id, name=source.name)
    draft = siblings.filter(status=CriteriaSet.Status.DRAFT).first()
    if draft is not None:
        raise MaturityError(
            _("Version %(version)d of this set is being drafted already: continue there.")
            % {"version": draft.version}
        )
    copy = CriteriaSet(
        programme=source.programme,
        name=source.name,
        name_en=source.name_en,
        description=source.description,
        description_en=source.description_en,
        version=siblings.aggregate(m=Max("version"))["m"] + 1,
        previous=source,
    )
    audit.save(actor, copy, note=f"new version of {source}")
    for item in source.criteria.all():
        audit.save(
            actor,
            Criterion(
                criteria_set=copy,
                order=item.order,
                text=item.text,
                text_en=item.text_en,
                kind=item.kind,
                metric=item.metric,
                operator=item.operator,
                threshold=item.threshold,
                guidance=item.guidance,
                guidance_en=item.guidance_en,
            ),
            # Copied as it was: a metric gone from the registry since is refused on
            # publishing the copy, where it can be fixed.
            validate=False,
        )
    return copy


# -- Assessments --------------------------------------------------------------------------


@transaction.atomic
def assess(actor: audit.Actor, cluster, criteria_set: CriteriaSet, on: datetime.date) -> Assessment:
    """Assess `cluster` against a published version on `on`: every computed criterion's
    value is frozen now; every evidence criterion waits for the cluster's answer."""
    if not criteria_set.is_published:
        raise MaturityError(_("Only a published version of a criteria set is assessed."))
    assessment = Assessment(
        cluster=cluster, criteria_set=criteria_set, assessed_on=on, created_by=_user(actor)
    )
    audit.save(actor, assessment)
    for item in criteria_set.criteria.all():
        answer = Answer(assessment=assessment, criterion=item)
        if item.is_computed:
            answer.value = criteria.compute(item.metric, cluster, on)
            answer.status = Answer.Status.COMPUTED
        audit.save(actor, answer)
    return assessment


@transaction.atomic
def answer_evidence(actor: audit.Actor, answer: Answer, evidence: str, on: datetime.date) -> Answer:
    """The cluster gives (or corrects) its evidence; it waits for a check again."""
    if answer.criterion.is_computed:
        raise MaturityError(_("This criterion is computed from the records."))
    if answer.status == Answer.Status.ACCEPTED:
        raise MaturityError(
            _("This evidence is accepted and stays as it is; a new assessment asks anew.")
        )
    if not evidence.strip():
        raise MaturityError(_("Give the evidence: a description, a link or a reference."))
    answer.evidence = evidence.strip()
    answer.status = Answer.Status.PENDING
    answer.answered_by, answer.answered_on = _user(actor), on
    answer.checked_by = answer.checked_on = None
    answer.check_note = ""
    audit.save(actor, answer, note="answered")
    return answer


@transaction.atomic
def check_answer(
    actor: audit.Actor, answer: Answer, *, accept: bool, note: str = "", on: datetime.date
) -> Answer:
    """The agency accepts or rejects the evidence; never its own author."""
    if answer.criterion.is_computed:
        raise MaturityError(_("This criterion is computed from the records."))
    if answer.status != Answer.Status.PENDING or not answer.evidence:
        raise MaturityError(_("Only an answer waiting for a check can be checked."))
    if _same_person(actor, answer.answered_by_id):
        raise MaturityError(_("You gave this evidence: someone else checks it."))
    if not accept and not note.strip():
        raise MaturityError(_("Say why the evidence is rejected."))
    answer.status = Answer.Status.ACCEPTED if accept else Answer.Status.REJECTED
    answer.checked_by, answer.checked_on = _user(actor), on
    answer.check_note = note.strip()
    audit.save(actor, answer, note="accepted" if accept else "rejected")
    return answer
