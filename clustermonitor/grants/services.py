"""Writes of the online application (issue 19), all audited: a call's set-up, an
applicant's account with their first save, drafts page by page (the survey engine's
page logic, surveys/respond.py), attachments, the submission that freezes a version,
and a withdrawal.

The closing moment is `CallSetup.closes_at` to the second: a submission at or after it
is refused with the moment in Belgian time (`Late`). A draft may be saved while the call
is open; after closing it is read-only. The first submission sets the application's
status and `submitted_at`; each later one (before closing) adds a version and keeps
`submitted_at` (the call received it then).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.accounts import services as account_services
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.grants import contract, mapping, uploads
from clustermonitor.grants.models import ApplicationVersion, Attachment, CallSetup, Draft
from clustermonitor.programmes.models import Application
from clustermonitor.surveys import respond

Status = Application.Status
#: Characters no answer holds: the C0 controls but tab and line breaks, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: An applicant may change these of their application; the rest is the agency's.
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED)


class Refused(Exception):
    """The write is not allowed now; `message` says why, for the applicant."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Late(Refused):
    """After the call's closing moment."""

    def __init__(self, closes_at: datetime.datetime):
        self.closes_at = closes_at
        shown = timezone.localtime(closes_at).strftime("%d/%m/%Y %H:%M:%S")
        super().__init__(
            _("The call closed on %(moment)s (Belgian time): nothing can be submitted any more.")
            % {"moment": shown}
        )


def belgian(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S")


# -- the call ----------


def setup_of(call) -> CallSetup | None:
    return CallSetup.objects.filter(call=call).select_related("questionnaire").first()


def _open_setup(application: Application, now: datetime.datetime) -> CallSetup:
    setup = setup_of(application.call)
    if setup is None or setup.questionnaire_id is None:
        raise Refused(_("This call does not receive applications online."))
    if now >= setup.closes_at:
        raise Late(setup.closes_at)
    if now < setup.opens_at:
        raise Refused(
            _("The call opens on %(moment)s (Belgian time).") % {"moment": belgian(setup.opens_at)}
        )
    return setup


# -- the applicant and the draft ----------


@dataclass
class Started:
    """What a start on the portal did: `application` for a new account (else None: the
    address already had an account and was told so by e-mail)."""

    application: Application | None
    user: User | None


@transaction.atomic
def start(
    setup: CallSetup,
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: str,
    title: str,
    now: datetime.datetime | None = None,
) -> Started:
    """The first save of an applicant without a login: an account (Role.APPLICANT,
    no password yet) and the draft, and an e-mail with a link to choose the password.
    An address that already has an account gets an e-mail to log in instead, and no
    draft: the page answers the same either way."""
    now = now or timezone.now()
    if not setup.published or not setup.is_open(now):
        raise Late(setup.closes_at) if now >= setup.closes_at else Refused(_("Not open."))
    email = email.strip()
    actor = audit.Actor.system("grants")
    existing = User.objects.filter(email__iexact=email).first() or (
        User.objects.filter(username__iexact=email).first()
    )
    if existing is not None:
        if existing.email.lower() == email.lower():
            _mail_existing(existing, setup)
        # (an account named like the address but with another one is mailed nothing)
        return Started(None, None)
    user = account_services.create_user(
        actor,
        username=email.lower()[:150],
        password=None,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=Role.APPLICANT,
    )
    application = create_draft(
        audit.Actor(user, "web"), setup, user, organisation=organisation, title=title, now=now
    )
    _mail_welcome(user, application)
    return Started(application, user)


@transaction.atomic
def create_draft(
    actor: audit.Actor,
    setup: CallSetup,
    user: User,
    *,
    organisation: str,
    title: str,
    now: datetime.datetime | None = None,
) -> Application:
    """A new draft application of `user` to the call of `setup`."""
    now = now or timezone.now()
    if not setup.is_open(now):
        raise Late(setup.closes_at) if now >= setup.closes_at else Refused(_("Not open."))
    application = Application(
        call=setup.call,
        applicant=organisation.strip()[:200],
        title=title.strip()[:300],
        status=Status.DRAFT,
        applicant_account=user,
    )
    audit.save(actor, application, note="online application: draft started")
    draft = Draft(
        application=application,
        answers={"title": application.title, "applicant": application.applicant},
        updated_at=now,
    )
    audit.save(actor, draft, note="online application: draft started", validate=False)
    return application


def draft_of(application: Application) -> Draft:
    draft = Draft.objects.filter(application=application).first()
    if draft is None:
        draft = Draft(application=application, answers={}, updated_at=application_epoch())
    return draft


def application_epoch() -> datetime.datetime:
    return datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def revision(draft: Draft) -> str:
    return str((draft.updated_at - application_epoch()) // datetime.timedelta(microseconds=1))


def _editable(application: Application) -> None:
    if application.status not in OPEN_STATUSES:
        raise Refused(
            _("This application is %(status)s: it can no longer be changed.")
            % {"status": application.get_status_display()}
        )


@dataclass
class Outcome:
    """What became of a posted page (surveys/respond.py's kinds): "saved", "invalid",
    "more", "stale"."""

    kind: str
    answers: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    next_page: dict | None = None


@transaction.atomic
def save_page(
    actor: audit.Actor,
    application: Application,
    page_name: str,
    data,
    *,
    action: str,
    revision_seen: str,
    language: str = "nl",
    now: datetime.datetime | None = None,
) -> Outcome:
    """Read, check and save one page of the application form. `action`: "next",
    "previous" or "save". Required questions are enforced on "next"; values that cannot
    be read or break a constraint are refused on every action."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable(application)
    setup = _open_setup(application, now)
    definition = setup.questionnaire.definition
    draft = Draft.objects.filter(application=application).first() or Draft(
        application=application, answers={}, updated_at=now
    )
    stored = dict(draft.answers or {})
    if draft.pk and revision_seen != revision(draft):
        return Outcome("stale", stored)
    group = respond.page_named(definition, stored, page_name) or next(
        (g for g in respond.groups(definition) if g["name"] == page_name), None
    )
    if group is None:
        return Outcome("stale", stored)
    answers, errors, raw, appeared = respond.read_page(
        definition, group, data, stored, language=language, require=action == "next"
    )
    for name, value in list(answers.items()):
        # Control characters (a NUL cannot even be stored in PostgreSQL's JSON) are
        # refused, the stored answer kept.
        if isinstance(value, str) and CONTROL.search(value) and value != stored.get(name):
            errors[name] = _("Remove the control characters from this answer.")
            raw[name] = CONTROL.sub("", value)
            if name in stored:
                answers[name] = stored[name]
            else:
                answers.pop(name)
    kind, next_page = "saved", group
    if errors:
        kind = "invalid"
    elif appeared:
        kind = "more"
    elif action == "previous":
        next_page = respond.neighbour(definition, answers, group, -1) or group
    elif action == "next":
        next_page = respond.neighbour(definition, answers, group, +1)
    if answers != stored or draft.pk is None:
        if draft.pk and now <= draft.updated_at:
            now = draft.updated_at + datetime.timedelta(microseconds=1)
        draft.answers, draft.updated_at = answers, now
        audit.save(actor, draft, note="online application: page saved", validate=False)
        _follow_answers(actor, application, answers)
    return Outcome(kind, answers, errors, raw, next_page)


def _follow_answers(actor, application: Application, answers: dict) -> None:
    """The application's own title, applicant and amount follow the answers (the call's
    list of applications shows them)."""
    changed = False
    for key, length in (("title", 300), ("applicant", 200)):
        text = str(answers.get(key) or "").strip()[:length]
        if text and getattr(application, key) != text:
            setattr(application, key, text)
            changed = True
    try:
        requested = mapping.amount(answers["requested_amount"])
    except (KeyError, ValueError):
        requested = None
    if requested is not None and requested != application.requested_amount:
        application.requested_amount = requested
        changed = True
    if changed:
        audit.save(actor, application, note="online application: answers saved")


# -- attachments ----------


@transaction.atomic
def add_attachment(
    actor: audit.Actor, application: Application, upload, *, now: datetime.datetime | None = None
) -> Attachment:
    """Check (uploads.check: size, count, type by its content) and store a file."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable(application)
    _open_setup(application, now)
    current = Attachment.objects.filter(application=application, removed_at__isnull=True)
    try:
        content, content_type = uploads.check(upload, already=current.count())
    except uploads.UploadRefused as error:
        raise Refused(str(error)) from None
    digest = hashlib.sha256(content).hexdigest()
    name = PurePath(upload.name or "file").name[:200]
    attachment = Attachment(
        application=application,
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_at=now,
        uploaded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    audit.save(actor, attachment, note="online application: attachment added", validate=False)
    return attachment


@transaction.atomic
def remove_attachment(
    actor: audit.Actor, attachment: Attachment, *, now: datetime.datetime | None = None
) -> None:
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=attachment.application_id)
    _editable(application)
    _open_setup(application, now)
    attachment.removed_at = now
    audit.save(actor, attachment, note="online application: attachment removed")


def current_attachments(application: Application) -> list[Attachment]:
    return list(
        Attachment.objects.filter(application=application, removed_at__isnull=True).order_by(
            "uploaded_at", "pk"
        )
    )


# -- checking and submitting ----------


@dataclass
class Check:
    """The application as it would be submitted now."""

    data: dict
    problems: list[mapping.Problem]
    flags: list[mapping.Flag]
    gap: tuple[dict, dict] | None  # (page, question) of the first required answer missing
    attachments: list[Attachment]

    @property
    def ready(self) -> bool:
        return not self.problems and self.gap is None


def check(application: Application, setup: CallSetup | None = None) -> Check:
    setup = setup or setup_of(application.call)
    definition = setup.questionnaire.definition if setup and setup.questionnaire else {}
    answers = respond.prune(definition, dict(draft_of(application).answers or {}))
    data, problems = mapping.to_contract(answers)
    data = enrich(data)
    attachments = current_attachments(application)
    if attachments:
        data["attachments"] = [
            {"name": a.name, "sha256": a.sha256, "size": a.size} for a in attachments
        ]
    share = application.call.cluster_type.cofinancing_share
    gap = respond.first_gap(definition, answers) if definition else None
    return Check(data, problems, mapping.flags(data, share), gap, attachments)


def enrich(data: dict) -> dict:
    """Members without a name get theirs from the registry or the KBO lookup (built by
    the full KBO import; nothing is added when there is none)."""
    from clustermonitor.registry import kbo
    from clustermonitor.registry.models import Organisation

    rows = data.get("members") or []
    missing = [r["enterprise_number"].replace(".", "") for r in rows if not r.get("name")]
    if not missing:
        return data
    names = dict(
        Organisation.objects.filter(enterprise_number__in=missing).values_list(
            "enterprise_number", "name"
        )
    )
    for row in rows:
        digits = row["enterprise_number"].replace(".", "")
        if row.get("name"):
            continue
        name = names.get(digits)
        if not name:
            found = [
                r for r in kbo.search_lookup(digits, limit=1) if r["enterprise_number"] == digits
            ]
            name = found[0]["name"] if found else ""
        row["name"] = name or ""
    return data


@transaction.atomic
def submit(
    actor: audit.Actor,
    application: Application,
    *,
    now: datetime.datetime | None = None,
    notify: bool = True,
) -> ApplicationVersion:
    """Freeze the draft as the next version and (`notify`) e-mail the acknowledgement
    with its hash once committed. Refused (with the reason) when the call is closed — to
    the second — or the answers are incomplete or cannot be read."""
    now = now or timezone.now()
    application = (
        Application.objects.select_for_update()
        .select_related("call__cluster_type")
        .get(pk=application.pk)
    )
    _editable(application)
    setup = _open_setup(application, now)
    result = check(application, setup)
    if result.gap is not None:
        raise Refused(_("Some required questions still need an answer."))
    if result.problems:
        raise Refused(_("Some answers cannot be read: see the list on this page."))
    hashes = [a.sha256 for a in result.attachments]
    number = (
        application.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = ApplicationVersion(
        application=application,
        number=number,
        submitted_at=now,
        submitted_by=actor.user if getattr(actor.user, "pk", None) else None,
        data=result.data,
        sha256=contract.digest(result.data, hashes),
    )
    audit.save(actor, version, note=f"online application: version {number} submitted")
    if application.status == Status.DRAFT:
        application.status = Status.SUBMITTED
        application.submitted_at = now
    if result.data.get("requested_amount"):
        application.requested_amount = Decimal(result.data["requested_amount"])
    application.title = (result.data.get("title") or application.title)[:300]
    application.applicant = (result.data.get("applicant") or application.applicant)[:200]
    audit.save(actor, application, note=f"online application: version {number} submitted")
    if notify:
        transaction.on_commit(lambda: _mail_acknowledgement(version.pk))
    return version


@transaction.atomic
def withdraw(
    actor: audit.Actor, application: Application, *, now: datetime.datetime | None = None
) -> None:
    """The applicant withdraws: a draft or a submitted application not yet screened."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable(application)
    application.status = Status.WITHDRAWN
    application.withdrawn_at = now or timezone.now()
    audit.save(actor, application, note="online application: withdrawn by the applicant")


# -- e-mails ------------------------------------------------------------------------------


def _send(template: str, context: dict, to: str) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    subject = render_to_string(f"grants/{template}_subject.txt", context).strip()
    body = render_to_string(f"grants/{template}_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail_welcome(user: User, application: Application) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    link = _site(
        reverse(
            "accounts:password-reset-confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
    )
    _send(
        "welcome",
        {"user": user, "application": application, "link": link, "call": application.call},
        user.email,
    )


def _mail_existing(user: User, setup: CallSetup) -> None:
    from django.urls import reverse

    _send(
        "existing",
        {"user": user, "call": setup.call, "link": _site(reverse("accounts:login"))},
        user.email,
    )


def _mail_acknowledgement(version_pk: int) -> None:
    from django.urls import reverse

    version = ApplicationVersion.objects.select_related(
        "application__call", "application__applicant_account"
    ).get(pk=version_pk)
    account = version.application.applicant_account
    if account is None or not account.email:
        return
    _send(
        "acknowledgement",
        {
            "version": version,
            "application": version.application,
            "moment": belgian(version.submitted_at),
            "link": _site(reverse("grants:acknowledgement", args=[version.pk])),
        },
        account.email,
    )


# -- the shipped form ----------

APPLICATION_XLSFORM = Path(__file__).resolve().parent / "data" / "application_form.xlsx"


@transaction.atomic
def load_application_form(actor: audit.Actor, programme):
    """The shipped application form (grants/data/application_form.xlsx) as a
    questionnaire of `programme`; the stored one when its bytes are already there."""
    from clustermonitor.surveys import services_forms
    from clustermonitor.surveys.models import Questionnaire

    data = APPLICATION_XLSFORM.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    found = Questionnaire.objects.filter(programme=programme, sha256=digest).first()
    if found is not None:
        return found
    return services_forms.create_questionnaire(actor, programme, data, APPLICATION_XLSFORM.name)
