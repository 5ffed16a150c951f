"""Writes of the screening and the jury (issue 19), all audited (core.audit): a call's
eligibility criteria and rubric, an application's screening (its status becomes
"in review" or "ineligible"), the jury's assignments, a reviewer's declaration of
conflicts and scores, the jury meeting's decision (the application's status, funded
amount and decision time) and the letter to the applicant."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.accounts import services as accounts
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.grants import selectors as grants_selectors
from clustermonitor.programmes.models import Application
from clustermonitor.review import eligibility, selectors
from clustermonitor.review.models import (
    AUTOMATIC_KINDS,
    Assignment,
    CheckKind,
    Decision,
    Declaration,
    EligibilityCriterion,
    Rubric,
    RubricCriterion,
    Score,
    Screening,
    ScreeningResult,
)


class ReviewError(Exception):
    """The step is not allowed in the record's present state (the message says why)."""


def _who(actor):
    return actor.user if getattr(actor.user, "pk", None) else None


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(str(m) for messages in exc.message_dict.values() for m in messages)
    return " ".join(str(m) for m in exc.messages)


def _save(actor, instance, note: str) -> None:
    try:
        with transaction.atomic():
            audit.save(actor, instance, note=note)
    except ValidationError as exc:
        raise ReviewError(_describe(exc)) from None
    except IntegrityError:
        raise ReviewError(_("This was recorded already.")) from None


# -- The call's criteria and rubric ---------------------------------------------------------


def _call_in_use(call) -> bool:
    return Screening.objects.filter(application__call=call).exists()


@transaction.atomic
def add_criterion(actor, criterion: EligibilityCriterion) -> EligibilityCriterion:
    if criterion.kind == CheckKind.MANUAL and not criterion.text.strip():
        raise ReviewError(_("A manual criterion needs its question."))
    if criterion.order == 0:
        criterion.order = EligibilityCriterion.objects.filter(call=criterion.call).count() + 1
    _save(actor, criterion, "eligibility criterion added")
    return criterion


@transaction.atomic
def add_standard_criteria(actor, call) -> int:
    """Every automatic criterion the call has not yet; answers how many were added."""
    have = set(EligibilityCriterion.objects.filter(call=call).values_list("kind", flat=True))
    added = 0
    for kind in AUTOMATIC_KINDS:
        if kind not in have:
            add_criterion(actor, EligibilityCriterion(call=call, kind=kind))
            added += 1
    return added


@transaction.atomic
def remove_criterion(actor, criterion: EligibilityCriterion) -> None:
    if ScreeningResult.objects.filter(criterion=criterion).exists():
        raise ReviewError(_("Applications were screened against this criterion: it stays."))
    audit.delete(actor, criterion, note="eligibility criterion removed")


@transaction.atomic
def save_rubric(actor, rubric: Rubric) -> Rubric:
    _save(actor, rubric, "rubric thresholds")
    return rubric


@transaction.atomic
def add_rubric_criterion(actor, criterion: RubricCriterion) -> RubricCriterion:
    if Score.objects.filter(criterion__call=criterion.call, assignment__active=True).exists():
        raise ReviewError(_("Reviewers have scored already: the rubric stays as it is."))
    if criterion.order == 0:
        criterion.order = RubricCriterion.objects.filter(call=criterion.call).count() + 1
    _save(actor, criterion, "rubric criterion added")
    return criterion


@transaction.atomic
def remove_rubric_criterion(actor, criterion: RubricCriterion) -> None:
    if Score.objects.filter(criterion=criterion).exists():
        raise ReviewError(_("Reviewers have scored this criterion: it stays."))
    audit.delete(actor, criterion, note="rubric criterion removed")


# -- Screening ------------------------------------------------------------------------------


def automatic_outcomes(application, version, on: datetime.date | None = None) -> dict:
    """criterion pk → analysis Outcome, for the call's automatic criteria on `version`."""
    on = on or timezone.localdate()
    cluster_type = application.call.cluster_type
    data = version.data if version is not None else {}
    return {
        c.pk: eligibility.evaluate(c, data, cluster_type, on)
        for c in selectors.criteria(application.call)
        if c.automatic
    }


def _locked(application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("call__cluster_type")
        .get(pk=application.pk)
    )


@transaction.atomic
def screen(actor, application, answers: dict, *, note: str = "", on=None) -> Screening:
    """Screen the application's latest version: the automatic criteria computed, the
    manual ones from `answers` (criterion pk → (met, reason)). Eligible when every
    criterion is met: the application goes to the jury ("in review"), else "ineligible".
    A screening is redone (replaced) as long as no reviewer has been assigned."""
    application = _locked(application)
    if application.status not in selectors.SCREENABLE + selectors.UNDER_REVIEW:
        raise ReviewError(_("Only a submitted application is screened."))
    if Assignment.objects.filter(application=application).exists():
        raise ReviewError(_("Reviewers are assigned: the screening stays as it is."))
    criteria = selectors.criteria(application.call)
    if not criteria:
        raise ReviewError(_("Set the call's eligibility criteria first."))
    version = grants_selectors.latest_version(application)
    if version is None:
        raise ReviewError(_("The application has no submitted version to screen."))
    outcomes = automatic_outcomes(application, version, on)
    results = []
    for criterion in criteria:
        if criterion.automatic:
            outcome = outcomes[criterion.pk]
            passed, reasons, details = outcome.passed, "\n".join(outcome.reasons), outcome.details
        else:
            if criterion.pk not in answers or answers[criterion.pk][0] is None:
                raise ReviewError(_("Answer every manual criterion: %s") % criterion.label)
            passed, reasons = answers[criterion.pk]
            reasons, details = (reasons or "").strip(), []
            if not passed and not reasons:
                raise ReviewError(_("Say why this criterion is not met: %s") % criterion.label)
        results.append((criterion, passed, reasons, list(details)))
    eligible = all(passed for _c, passed, _r, _d in results)
    screening = Screening.objects.filter(application=application).first() or Screening(
        application=application
    )
    screening.version = version
    screening.outcome = Screening.Outcome.ELIGIBLE if eligible else Screening.Outcome.INELIGIBLE
    screening.note = note.strip()
    screening.screened_by = _who(actor)
    screening.screened_at = timezone.now()
    _save(actor, screening, f"screened: {screening.outcome}")
    for criterion, passed, reasons, details in results:
        result = ScreeningResult.objects.filter(screening=screening, criterion=criterion).first()
        result = result or ScreeningResult(screening=screening, criterion=criterion)
        result.passed, result.reasons, result.details = passed, reasons[:4000], details
        _save(actor, result, "screening result")
    stale = ScreeningResult.objects.filter(screening=screening).exclude(
        criterion__in=[c for c, *_rest in results]
    )
    for result in stale:
        audit.delete(actor, result, note="screening result of a removed criterion")
    application.status = Application.Status.IN_REVIEW if eligible else Application.Status.INELIGIBLE
    # Screened out is a decision, known from the screening (core.known_agreements); a
    # screening redone to eligible takes it back.
    application.decided_at = None if eligible else screening.screened_at
    _save(actor, application, f"screening: {application.status}")
    return screening


# -- The jury ---------------------------------------------------------------------------------


@transaction.atomic
def assign(actor, application, reviewer: User) -> Assignment:
    """Put `reviewer` on the application's jury (again, after a removal)."""
    application = _locked(application)
    if application.status != Application.Status.IN_REVIEW:
        raise ReviewError(_("Only an application in review gets reviewers."))
    if Role.REVIEWER not in reviewer.role_set:
        raise ReviewError(_("Only a person with the reviewer role joins a jury."))
    if application.applicant_account_id is not None and (
        application.applicant_account_id == reviewer.pk
    ):
        raise ReviewError(_("The applicant does not review their own application."))
    assignment = Assignment.objects.filter(application=application, reviewer=reviewer).first()
    if assignment is not None:
        if assignment.active:
            raise ReviewError(_("This reviewer is assigned to the application already."))
        if assignment.blocked:
            raise ReviewError(_("This reviewer declared a conflict of interest."))
        assignment.active = True
        _save(actor, assignment, "assignment restored")
        return assignment
    assignment = Assignment(application=application, reviewer=reviewer, assigned_by=_who(actor))
    _save(actor, assignment, "reviewer assigned")
    return assignment


@transaction.atomic
def unassign(actor, assignment: Assignment) -> Assignment:
    """Take a reviewer off an application (a blocked assignment, or one not scored yet);
    the assignment stays in the history, removed."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.submitted_at is not None:
        raise ReviewError(_("The reviewer has submitted their scores: the assignment stays."))
    if Decision.objects.filter(application_id=assignment.application_id).exists():
        raise ReviewError(_("The jury has decided on this application."))
    if not assignment.active:
        raise ReviewError(_("This assignment is removed already."))
    assignment.active = False
    _save(actor, assignment, "reviewer removed")
    return assignment


@transaction.atomic
def invite_reviewer(
    actor, *, email: str, first_name: str, last_name: str, site_url: str
) -> tuple[User, str]:
    """An external expert on the jury: an account with the reviewer role (a new one, named
    by the e-mail address, without a password) and an e-mail with a link to choose the
    password. An existing account of that address gets the role."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        if User.objects.filter(username=email).exists():
            raise ReviewError(_("An account with this name exists already."))
        user = accounts.create_user(
            actor,
            username=email,
            password=None,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=Role.REVIEWER,
        )
    else:
        if not user.is_active:
            raise ReviewError(_("The account of this address is deactivated."))
        accounts.assign_role(actor, user, Role.REVIEWER)
    link = accounts.send_invitation(user, site_url)
    return user, link


# -- A reviewer's declaration and scores ----------------------------------------------------


def _locked_assignment(assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
    )


@transaction.atomic
def declare(actor, assignment, *, conflict: bool, note: str = "") -> Assignment:
    """The reviewer's declaration for this assignment: no conflict (scoring opens) or a
    conflict (the assignment is blocked). A reviewer may still declare a conflict found
    later, until their scores are submitted; a declared conflict stays."""
    assignment = _locked_assignment(assignment)
    if not assignment.active:
        raise ReviewError(_("This assignment is removed."))
    if assignment.submitted_at is not None:
        raise ReviewError(_("Your scores are submitted."))
    if assignment.declaration == Declaration.CONFLICT:
        raise ReviewError(_("You declared a conflict of interest for this application."))
    if not conflict and assignment.declaration == Declaration.NONE:
        raise ReviewError(_("You declared no conflict of interest already."))
    if conflict and not note.strip():
        raise ReviewError(_("Describe the conflict of interest."))
    assignment.declaration = Declaration.CONFLICT if conflict else Declaration.NONE
    assignment.conflict_note = note.strip()[:500] if conflict else ""
    assignment.declared_at = timezone.now()
    _save(actor, assignment, f"declaration: {assignment.declaration}")
    return assignment


@transaction.atomic
def save_scores(actor, assignment, values: dict, *, submit: bool = False) -> Assignment:
    """Keep the reviewer's scores (criterion pk → (score or None, comment)) as a draft,
    or submit them: every criterion scored, and nothing changes afterwards."""
    assignment = _locked_assignment(assignment)
    if not assignment.active or assignment.declaration == Declaration.CONFLICT:
        raise ReviewError(_("This assignment is blocked: no scoring."))
    if assignment.declaration != Declaration.NONE:
        raise ReviewError(_("Declare your conflicts of interest first."))
    if assignment.submitted_at is not None:
        raise ReviewError(_("Your scores are submitted and do not change any more."))
    criteria = selectors.rubric_criteria(assignment.application.call)
    if not criteria:
        raise ReviewError(_("The call has no rubric yet."))
    known = {c.pk: c for c in criteria}
    if set(values) - set(known):
        raise ReviewError(_("A criterion of another call was sent."))
    for pk, (score, comment) in values.items():
        criterion = known[pk]
        if score is not None and not 0 <= score <= criterion.max_score:
            raise ReviewError(
                _("%(criterion)s: a score from 0 to %(max)d.")
                % {"criterion": criterion.label, "max": criterion.max_score}
            )
        row = Score.objects.filter(assignment=assignment, criterion=criterion).first()
        row = row or Score(assignment=assignment, criterion=criterion)
        row.score, row.comment = score, (comment or "").strip()[:4000]
        _save(actor, row, "score")  # an unchanged score writes nothing
    if submit:
        scored = dict(
            Score.objects.filter(assignment=assignment).values_list("criterion_id", "score")
        )
        missing = [c.label for c in criteria if scored.get(c.pk) is None]
        if missing:
            raise ReviewError(_("Score every criterion before submitting: %s") % ", ".join(missing))
        assignment.submitted_at = timezone.now()
        _save(actor, assignment, "scores submitted")
    return assignment


# -- The jury meeting's decision ------------------------------------------------------------


@transaction.atomic
def decide(
    actor,
    application,
    *,
    outcome: str,
    funded_amount: Decimal | None,
    motivation: str,
    meeting_date: datetime.date,
) -> Decision:
    """Record the jury meeting's decision. Refused unless every active assignment without
    a conflict has its scores submitted and at least two reviewers scored. Sets the
    application's status, funded amount and decision time."""
    application = _locked(application)
    if application.status != Application.Status.IN_REVIEW:
        raise ReviewError(_("Only an application in review is decided on."))
    if Decision.objects.filter(application=application).exists():
        raise ReviewError(_("The jury has decided on this application already."))
    ready = selectors.readiness(application)
    if ready.open:
        raise ReviewError(
            _("%(n)d reviewer(s) have not submitted their scores yet.") % {"n": ready.open}
        )
    if ready.submitted < 2:
        raise ReviewError(_("A decision rests on the scores of at least two reviewers."))
    if outcome not in Decision.Outcome.values:
        raise ReviewError(_("Choose funded or rejected."))
    if not motivation.strip():
        raise ReviewError(_("Give the jury's motivation."))
    if meeting_date > timezone.localdate():
        raise ReviewError(_("The jury meeting cannot lie in the future."))
    if outcome == Decision.Outcome.FUNDED:
        if funded_amount is None or funded_amount <= 0:
            raise ReviewError(_("A funded application needs its amount."))
        cap = application.call.cluster_type.max_total_subsidy
        if funded_amount > cap:
            raise ReviewError(
                _("The funded amount is above the cluster type's maximum of EUR %(cap)s.")
                % {"cap": cap}
            )
    else:
        funded_amount = None
    now = timezone.now()
    decision = Decision(
        application=application,
        outcome=outcome,
        funded_amount=funded_amount,
        motivation=motivation.strip(),
        meeting_date=meeting_date,
        decided_by=_who(actor),
        decided_at=now,
    )
    _save(actor, decision, f"jury decision: {outcome}")
    application.status = outcome
    application.funded_amount = funded_amount
    application.decided_at = now
    _save(actor, application, f"decided: {outcome}")
    return decision


@transaction.atomic
def send_letter(actor, decision: Decision) -> str:
    """Mail the decision letter (a Dutch PDF) to the applicant's account; answers the
    address, or "" when the application has no account with an address."""
    from clustermonitor.review import letters

    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    account = decision.application.applicant_account
    email = (account.email if account is not None else "") or ""
    if not email:
        return ""
    letters.mail(decision, email)
    decision.letter_sent_at = timezone.now()
    decision.letter_sent_to = email
    _save(actor, decision, "decision letter sent")
    return email
