"""The web questionnaire behind a personal link (/s/<token>/): which invitation a token
opens, which pages a respondent sees, and saving a page.

- The token is looked up by its SHA-256 only. An unknown token and a wave that is not
  open (before `opens_on`, after `closes_on`) are the same to the caller: None.
- Every group of the form is a page. A page is shown when its own `relevant` holds and
  it has a question whose `relevant` holds (a page of notes only is always shown).
  Answers to questions that are no longer relevant are dropped on every save.
- One response per invitation, created at the first save (not when the link is only
  opened: mail scanners open links too). Its profile is the invitation's.
- Every save carries the revision the page was shown with (the response's
  `last_saved_at`). A save from an older revision is refused, so a tab left open on the
  phone cannot overwrite what was answered later at the office.
- Time taken: each save adds the seconds since its page was shown, at most
  ACTIVE_CAP_SECONDS per page (a page left open over lunch counts as 15 minutes).
  `duration_seconds` holds this running active time; it is final once `completed_at`
  is set. `started_at` is when the first saved page was shown.
- After Submit the response is closed: further posts change nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clustermonitor.core import audit
from clustermonitor.surveys import expressions
from clustermonitor.surveys import forms_respond as values
from clustermonitor.surveys.models import Invitation, Response, hash_token

ACTOR = audit.Actor.system("survey")
ACTIVE_CAP_SECONDS = 15 * 60
TOKEN_LENGTH = (8, 200)

# -- finding the invitation -----------------------------------------------------------


def find_open_invitation(token: str, today: datetime.date | None = None) -> Invitation | None:
    """The invitation of `token` if its wave is open today, else None (unknown, not yet
    open and closed alike)."""
    if not token or not TOKEN_LENGTH[0] <= len(token) <= TOKEN_LENGTH[1]:
        return None
    invitation = (
        Invitation.objects.select_related("wave__questionnaire", "cluster")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        return None
    if not invitation.wave.is_open(today or timezone.localdate()):
        return None
    if not invitation.wave.questionnaire.definition.get("groups"):
        return None  # not a questionnaire of the web (nothing to show)
    return invitation


def response_of(invitation: Invitation) -> Response | None:
    return Response.objects.filter(invitation=invitation).first()


def revision(response: Response | None) -> str:
    """The version of the stored answers a page was shown with."""
    if response is None:
        return "0"
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return str((response.last_saved_at - epoch) // datetime.timedelta(microseconds=1))


# -- pages and relevance --------------------------------------------------------------


def _holds(expression: str, answers: dict) -> bool:
    return not expression or expressions.evaluate(expression, answers)


def groups(definition: dict) -> list[dict]:
    return definition.get("groups", [])


def questions_by_name(definition: dict) -> dict[str, dict]:
    return {q["name"]: q for q in definition.get("questions", [])}


def visible_questions(definition: dict, group: dict, answers: dict) -> list[dict]:
    if not _holds(group.get("relevant", ""), answers):
        return []
    by_name = questions_by_name(definition)
    return [
        by_name[name]
        for name in group["questions"]
        if _holds(by_name[name].get("relevant", ""), answers)
    ]


def page_is_shown(definition: dict, group: dict, answers: dict) -> bool:
    shown = visible_questions(definition, group, answers)
    by_name = questions_by_name(definition)
    answerable = [n for n in group["questions"] if by_name[n]["type"] != "note"]
    if answerable:
        return any(q["type"] != "note" for q in shown)
    return bool(shown)


def pages(definition: dict, answers: dict) -> list[dict]:
    """The pages the respondent sees with these answers, in order."""
    return [g for g in groups(definition) if page_is_shown(definition, g, answers)]


def prune(definition: dict, answers: dict) -> dict:
    """`answers` without those to questions that are no longer relevant."""
    kept = dict(answers)
    by_group = {g["name"]: g for g in groups(definition)}
    for _pass in range(2):  # a second pass settles references to later questions
        for question in definition.get("questions", []):
            name = question["name"]
            if name not in kept:
                continue
            group = by_group.get(question.get("group")) or {}
            if not (
                _holds(group.get("relevant", ""), kept)
                and _holds(question.get("relevant", ""), kept)
            ):
                kept.pop(name)
    return kept


def first_gap(definition: dict, answers: dict) -> tuple[dict, dict] | None:
    """(page, question) of the first shown question that is required and unanswered or
    whose stored answer breaks its constraint; None when the response can be submitted."""
    for group in pages(definition, answers):
        for question in visible_questions(definition, group, answers):
            if question["type"] == "note":
                continue
            if values.check(question, answers.get(question["name"]), answers, "nl", require=True):
                return group, question
    return None


def resume_page(definition: dict, answers: dict) -> dict:
    """Where a returning respondent goes on: the first page with a required question
    unanswered, else the last page (with the Submit button)."""
    shown = pages(definition, answers)
    gap = first_gap(definition, answers)
    if gap is not None:
        return gap[0]
    return shown[-1] if shown else groups(definition)[0]


def page_named(definition: dict, answers: dict, name: str | None) -> dict | None:
    return next((g for g in pages(definition, answers) if g["name"] == name), None)


def reachable_page(definition: dict, answers: dict, name: str | None) -> dict:
    """The page `name` when shown and not beyond the resume page, else the resume page
    (nobody skips ahead past a required question)."""
    shown = pages(definition, answers)
    resume = resume_page(definition, answers)
    wanted = page_named(definition, answers, name)
    if wanted is None or resume not in shown:
        return resume
    return wanted if shown.index(wanted) <= shown.index(resume) else resume


def neighbour(definition: dict, answers: dict, group: dict, step: int) -> dict | None:
    shown = pages(definition, answers)
    names = [g["name"] for g in shown]
    if group["name"] not in names:
        return None
    index = names.index(group["name"]) + step
    return shown[index] if 0 <= index < len(shown) else None


def _may_be_shown(definition: dict, group: dict, answers: dict) -> bool:
    """Shown now, or hidden only for want of an answer still to be given."""
    if page_is_shown(definition, group, answers):
        return True
    by_name = questions_by_name(definition)
    conditions = [group.get("relevant", "")]
    conditions += [by_name[n].get("relevant", "") for n in group["questions"]]
    return any(
        reference not in answers
        for condition in conditions
        if condition
        for reference in expressions.parse(condition).references
    )


def progress(definition: dict, answers: dict, group: dict) -> tuple[int, int]:
    """(number of this page, number of pages): the pages shown so far, counting a page
    that depends on a question not answered yet as one to come."""
    names = [g["name"] for g in groups(definition) if _may_be_shown(definition, g, answers)]
    total = len(names)
    number = names.index(group["name"]) + 1 if group["name"] in names else 1
    return number, max(total, number)


# -- saving a page --------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of a posted page.

    kind: "saved" (go on to `next_page`), "invalid" (show the page again with `errors`),
    "more" (answers on the page made more questions appear there: show it again),
    "stale" (another window saved first: nothing changed), "missing" (Submit, but
    `next_page` still has a required question), "completed" (just submitted),
    "closed" (already submitted before: nothing changed).
    """

    kind: str
    response: Response | None = None
    answers: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    next_page: dict | None = None


def _active_seconds(shown_at: str | None, now: datetime.datetime) -> int:
    try:
        shown = datetime.datetime.fromtimestamp(int(shown_at), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return 0
    seconds = int((now - shown).total_seconds())
    return max(0, min(seconds, ACTIVE_CAP_SECONDS))


def read_page(
    definition: dict, group: dict, data, stored: dict, *, language: str, require: bool
) -> tuple[dict, dict, dict, list[str]]:
    """(answers, errors, raw, appeared) after reading the questions of `group` that were
    shown (the posted `shown` names) from `data`. Refused values keep what was stored.
    `appeared` names questions that became relevant on this page through these answers."""
    by_name = questions_by_name(definition)
    on_page = set(group["questions"])
    posted_shown = [n for n in data.getlist("shown") if n in on_page]
    shown = posted_shown or [q["name"] for q in visible_questions(definition, group, stored)]
    answers = dict(stored)
    errors, raw = {}, {}
    for name in shown:
        question = by_name[name]
        if question["type"] == "note":
            continue
        value, error, raw[name] = values.parse_value(question, data)
        if error:
            errors[name] = error
        elif values.empty(value):
            answers.pop(name, None)
        else:
            answers[name] = value
    answers = prune(definition, answers)
    visible = visible_questions(definition, group, answers)
    for question in visible:
        name = question["name"]
        if name not in shown or name in errors or question["type"] == "note":
            continue
        error = values.check(question, answers.get(name), answers, language, require=require)
        if error:
            errors[name] = error
            if not values.empty(answers.get(name)):
                # A value that breaks its constraint is not kept.
                if values.empty(stored.get(name)):
                    answers.pop(name, None)
                else:
                    answers[name] = stored[name]
    answers = prune(definition, answers)
    appeared = [q["name"] for q in visible if q["name"] not in shown and q["type"] != "note"]
    return answers, errors, raw, appeared


def _write(
    invitation: Invitation,
    response: Response | None,
    answers: dict,
    *,
    now: datetime.datetime,
    active: int,
    complete: bool = False,
) -> Response | None:
    if response is None:
        response = Response(
            wave=invitation.wave,
            invitation=invitation,
            source=Response.Source.WEB,
            profile=dict(invitation.profile or {}),
            started_at=now - datetime.timedelta(seconds=active),
        )
        response.duration_seconds = 0
    elif response.last_saved_at and now <= response.last_saved_at:
        now = response.last_saved_at + datetime.timedelta(microseconds=1)
    response.answers = answers
    response.last_saved_at = now
    response.duration_seconds = (response.duration_seconds or 0) + active
    note = "web questionnaire: page saved"
    if complete:
        response.completed_at = now
        if not response.duration_seconds:
            response.duration_seconds = max(1, int((now - response.started_at).total_seconds()))
        note = "web questionnaire: submitted"
    creating = response.pk is None
    try:
        with transaction.atomic():
            # answers and profile are not blank=True, but may be empty (a first save
            # of nothing yet; an invitation made without a profile).
            response.full_clean(exclude=["answers", "profile"])
            audit.save(ACTOR, response, note=note, validate=False)
    except (IntegrityError, ValidationError):
        if creating and Response.objects.filter(invitation=invitation).exists():
            return None  # another window created the response a moment earlier
        raise
    return response


@transaction.atomic
def save_page(
    invitation: Invitation,
    page_name: str,
    data,
    *,
    action: str,
    revision_seen: str,
    shown_at: str | None = None,
    language: str = "nl",
    now: datetime.datetime | None = None,
) -> Outcome:
    """Read, check and save the posted page `page_name` of `invitation`'s questionnaire.

    `action` is "next", "previous", "save" (stop for now) or "submit". Required
    questions are enforced on "next" and "submit"; values that cannot be read or
    break a constraint are refused on every action, the rest of the page is saved.
    """
    now = now or timezone.now()
    response = (
        Response.objects.select_for_update().filter(invitation=invitation).first()
        if invitation.pk
        else None
    )
    if response is not None and response.is_complete:
        return Outcome("closed", response, dict(response.answers))
    stored = dict(response.answers) if response is not None else {}
    if revision_seen != revision(response):
        return Outcome("stale", response, stored)
    definition = invitation.wave.questionnaire.definition
    group = page_named(definition, stored, page_name) or next(
        (g for g in groups(definition) if g["name"] == page_name), None
    )
    if group is None:
        return Outcome("stale", response, stored)
    require = action in ("next", "submit")
    answers, errors, raw, appeared = read_page(
        definition, group, data, stored, language=language, require=require
    )
    kind, next_page = "saved", group
    if errors:
        kind = "invalid"
    elif appeared:
        kind = "more"
    elif action == "previous":
        next_page = neighbour(definition, answers, group, -1) or group
    elif action != "save":
        following = neighbour(definition, answers, group, +1)
        next_page = following or group
        if action == "submit" and following is None:
            gap = first_gap(definition, answers)
            kind, next_page = ("missing", gap[0]) if gap else ("completed", None)
    active = _active_seconds(shown_at, now)
    if kind == "completed" or answers != stored or response is None or active:
        written = _write(
            invitation, response, answers, now=now, active=active, complete=kind == "completed"
        )
        if written is None:
            return Outcome("stale", response_of(invitation), stored)
        response = written
    return Outcome(kind, response, answers, errors, raw, next_page)
