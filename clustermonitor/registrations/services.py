"""Writes of event registration and check-in, all audited (core.audit). The views check
who may do what (accounts.access) and the spam guards; these check the state and keep a
double click from counting twice: a registration locks its activity's settings row, a
check-in its registration row, so that two requests at the same moment are handled one
after the other and the second finds what the first wrote.

E-mails leave once the write is committed (`transaction.on_commit`)."""

import datetime
import hashlib
import hmac

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.activities import services as activities
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import audit
from clustermonitor.registrations import mail
from clustermonitor.registrations.models import Question, Registration, RegistrationSettings
from clustermonitor.registry import partners
from clustermonitor.registry.models import Organisation

#: Who writes when a visitor registers or cancels: nobody logged in, through the web.
VISITOR = audit.Actor(user=None, via="web")
#: The rate limit of the public page: registrations per e-mail address and per client
#: address within RATE_WINDOW (over all events).
RATE_WINDOW = datetime.timedelta(hours=1)
PER_EMAIL = 5
PER_CLIENT = 20

Status = Registration.Status


class RegistrationError(Exception):
    """The step is not possible in this state (the message says why, to the user)."""


# -- Settings and questions ------------------------------------------------------------


def settings_for(activity: Activity) -> RegistrationSettings | None:
    return RegistrationSettings.objects.filter(activity=activity).first()


@transaction.atomic
def save_settings(actor: audit.Actor, form) -> RegistrationSettings:
    """Open (or change) registration; more places may move people up from the waiting
    list, who are told by e-mail."""
    settings = form.save(commit=False)
    audit.save(actor, settings, validate=False)
    promote(actor, settings.activity)
    return settings


def save_question(actor: audit.Actor, form) -> Question:
    question = form.save(commit=False)
    audit.save(actor, question, validate=False)
    return question


def remove_question(actor: audit.Actor, question: Question) -> None:
    audit.delete(actor, question)


# -- Registering -----------------------------------------------------------------------


def client_digest(address: str | None) -> str:
    """A keyed digest of the client's address: enough to count its registrations,
    useless to anyone who reads the table without the secret key."""
    if not address:
        return ""
    key = django_settings.SECRET_KEY.encode()
    return hmac.new(key, f"registration:{address}".encode(), hashlib.sha256).hexdigest()


def too_many(email: str, digest: str, now: datetime.datetime | None = None) -> bool:
    since = (now or timezone.now()) - RATE_WINDOW
    recent = Registration.objects.filter(created_at__gte=since, source=Registration.Source.PUBLIC)
    if recent.filter(email__iexact=email).count() >= PER_EMAIL:
        return True
    return bool(digest) and recent.filter(client_digest=digest).count() >= PER_CLIENT


def taken(activity: Activity) -> int:
    return Registration.objects.filter(activity=activity, status=Status.REGISTERED).count()


def _locked_settings(activity: Activity) -> RegistrationSettings:
    settings = (
        RegistrationSettings.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(activity=activity)
        .first()
    )
    if settings is None:
        raise RegistrationError(_("Registration for this event is closed."))
    return settings


def _live(activity: Activity, email: str) -> Registration | None:
    return (
        Registration.objects.filter(activity=activity, email=email)
        .exclude(status=Status.CANCELLED)
        .first()
    )


def register(
    activity: Activity,
    data: dict,
    *,
    language: str,
    digest: str = "",
    actor: audit.Actor = VISITOR,
) -> tuple[Registration, bool]:
    """Register someone (the public form's cleaned data: name, email, enterprise_number
    as 10 digits or "", company_name, answers): a place while there is one, else the
    waiting list (or a refusal when the event keeps none). The same e-mail address
    again gives the registration it has (False: nothing new, no second e-mail)."""
    email = data["email"].strip().lower()
    try:
        with transaction.atomic():
            settings = _locked_settings(activity)
            existing = _live(activity, email)
            if existing is not None:
                return existing, False
            if settings.state() != "open":
                raise RegistrationError(_("Registration for this event is closed."))
            if settings.capacity is None or taken(activity) < settings.capacity:
                status = Status.REGISTERED
            elif settings.waiting_list:
                status = Status.WAITLISTED
            else:
                raise RegistrationError(_("This event is full."))
            number = data.get("enterprise_number") or ""
            registration = Registration(
                activity=activity,
                status=status,
                name=data["name"].strip(),
                email=email,
                enterprise_number=number,
                company_name=data.get("company_name", "").strip(),
                organisation=Organisation.objects.filter(enterprise_number=number).first()
                if number
                else None,
                answers=data.get("answers") or {},
                language=language,
                client_digest=digest,
            )
            audit.save(actor, registration, note=f"registered: {status}")
            transaction.on_commit(lambda: mail.confirmation(registration))
            return registration, True
    except IntegrityError:
        # Another request registered this address a moment ago (the unique constraint).
        existing = _live(activity, email)
        if existing is None:
            raise
        return existing, False


def registration_for_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return Registration.objects.select_related("activity").filter(token=token).first()


@transaction.atomic
def cancel(registration: Registration, actor: audit.Actor = VISITOR) -> bool:
    """Cancel a registration (the link in the e-mail, or the cluster's manager). The
    first on the waiting list moves up and is told. False when it was cancelled before."""
    _locked_settings(registration.activity)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        return False
    if registration.checked_in_at is not None:
        raise RegistrationError(_("You have been checked in already: this cannot be cancelled."))
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    audit.save(actor, registration, note="cancelled")
    promote(actor, registration.activity)
    return True


def promote(actor: audit.Actor, activity: Activity) -> list[Registration]:
    """Move people up from the waiting list, first come first served, while there are
    places; each gets an e-mail. Runs inside the caller's transaction (settings locked)."""
    settings = RegistrationSettings.objects.select_for_update().filter(activity=activity).first()
    if settings is None:
        return []
    waiting = Registration.objects.filter(activity=activity, status=Status.WAITLISTED).order_by(
        "created_at", "pk"
    )
    if settings.capacity is not None:
        free = settings.capacity - taken(activity)
        if free <= 0:
            return []
        waiting = waiting[:free]
    moved = list(waiting)
    for registration in moved:
        registration.status = Status.REGISTERED
        audit.save(actor, registration, note="moved up from the waiting list")
        transaction.on_commit(lambda r=registration: mail.moved_up(r))
    return moved


# -- Checking in -----------------------------------------------------------------------


def _organisation(actor: audit.Actor, registration: Registration) -> Organisation | None:
    """The registrant's organisation: the one linked, else the registry's with the
    enterprise number, else a new one from the KBO lookup's record (docs/kbo.md)."""
    if registration.organisation_id:
        return registration.organisation
    number = registration.enterprise_number
    if not number:
        return None
    organisation = Organisation.objects.filter(enterprise_number=number).first()
    if organisation is not None:
        return organisation
    from clustermonitor.registry import kbo

    for record in kbo.search_lookup(number, limit=1):
        if record["enterprise_number"] == number:
            return partners.organisation_for(
                actor, record, note=f"check-in at activity {registration.activity_id}"
            )
    return None


def _participation(actor: audit.Actor, registration: Registration) -> Participation:
    activity = registration.activity
    organisation = _organisation(actor, registration)
    if organisation is not None:
        registration.organisation = organisation
        found = Participation.objects.filter(
            activity=activity, organisation=organisation, name=registration.name
        ).first()
        if found is not None:
            return found
        return activities.add_participant(
            actor, activity, organisation=organisation, name=registration.name, note="check-in"
        )
    # A guest without an organisation: recorded, never counted as member participation.
    participation = Participation(
        activity=activity,
        name=registration.name,
        organisation_name=registration.company_name,
        is_guest=True,
        needs_review=False,
    )
    audit.save(actor, participation, note="check-in (guest)")
    return participation


@transaction.atomic
def check_in(actor: audit.Actor, registration: Registration) -> tuple[Registration, bool]:
    """Check someone in: their participation in the activity is written (or found) and
    the registration keeps it. Checking in twice changes nothing (False)."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity", "organisation")
        .get(pk=registration.pk)
    )
    if registration.checked_in_at is not None:
        return registration, False
    if registration.status == Status.CANCELLED:
        raise RegistrationError(_("This registration was cancelled."))
    registration.participation = _participation(actor, registration)
    registration.status = Status.REGISTERED  # someone from the waiting list who came
    registration.checked_in_at = timezone.now()
    audit.save(actor, registration, note="checked in")
    return registration, True


@transaction.atomic
def walk_in(
    actor: audit.Actor,
    activity: Activity,
    *,
    name: str,
    enterprise_number: str = "",
    company_name: str = "",
    email: str = "",
) -> tuple[Registration, bool]:
    """Someone at the door who did not register: registered and checked in at once (by
    enterprise number, or as a guest). The same e-mail address as a live registration
    checks that one in instead."""
    email = email.strip().lower()
    existing = _live(activity, email) if email else None
    if existing is not None:
        return check_in(actor, existing)
    registration = Registration(
        activity=activity,
        source=Registration.Source.WALK_IN,
        name=name.strip(),
        email=email,
        enterprise_number=enterprise_number,
        company_name=company_name.strip(),
        language="nl",
    )
    audit.save(actor, registration, note="walk-in")
    return check_in(actor, registration)
