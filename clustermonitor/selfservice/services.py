"""Writes of the member self-service and of offers and requests, all audited. Personal
data (names, e-mail addresses) reaches the audit log as a pseudonym only
(core.audit.pseudonym; Contact and User declare their personal fields)."""

import datetime
import re
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clustermonitor.accounts import services as account_services
from clustermonitor.accounts.models import Role, User
from clustermonitor.collaborations import services as collaboration_services
from clustermonitor.collaborations.models import Collaboration, Party, Stage
from clustermonitor.core import audit
from clustermonitor.core.panels import erasers
from clustermonitor.members.models import Contact
from clustermonitor.selfservice.models import (
    ClusterMatching,
    CompetenceProfile,
    ErasureRequest,
    Interest,
    MemberAccount,
    Posting,
    Technology,
)


class RefusedError(Exception):
    """A write refused with a reason the page shows."""


# -- Technologies (free tags of one shared vocabulary) -------------------------------


def technology_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def technologies(actor: audit.Actor, names: list[str]) -> list[Technology]:
    """The technologies named, those not yet known added (audited)."""
    found = []
    for name in names:
        key = technology_key(name)
        technology = Technology.objects.filter(key=key).first()
        if technology is None:
            technology = Technology(name=re.sub(r"\s+", " ", name).strip(), key=key)
            audit.save(actor, technology)
        found.append(technology)
    return found


# -- Invitation ------------------------------------------------------------------------


def _username_for(organisation) -> str:
    """A username that names the company, never the person: `acme-nv`, `acme-nv-2`..."""
    base = slugify(organisation.name)[:40].strip("-") or "member"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def invitation_link(user: User, site_url: str) -> str:
    """A signed link that expires (PASSWORD_RESET_TIMEOUT) and works once: the page where
    the invitee chooses a password (the accounts app's set-password page)."""
    path = reverse(
        "accounts:password-reset-confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    return site_url.rstrip("/") + path


@transaction.atomic
def invite(actor: audit.Actor, contact: Contact, site_url: str) -> MemberAccount:
    """Give a member company's contact person a self-service account for that company and
    e-mail the link to choose a password. An address that already has an account of
    another company, or of another role, is refused (one account acts for one company)."""
    email = contact.email.strip()
    if not email:
        raise RefusedError(_("This contact person has no e-mail address."))
    organisation = contact.membership.organisation
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        account = MemberAccount.objects.filter(user=user).first()
        if account is None or account.organisation_id != organisation.pk:
            raise RefusedError(
                _("This e-mail address already has an account that does not act for this company.")
            )
    else:
        names = contact.name.split(" ", 1)
        user = account_services.create_user(
            actor,
            username=_username_for(organisation),
            password=None,
            email=email,
            first_name=names[0],
            last_name=names[1] if len(names) > 1 else "",
            role=Role.MEMBER_CONTACT,
        )
        account = MemberAccount(
            user=user,
            organisation=organisation,
            invited_by=actor.user if getattr(actor.user, "pk", None) else None,
            cluster=contact.membership.cluster,
        )
        audit.save(actor, account, note="member contact invited")
    link = invitation_link(user, site_url)
    body = render_to_string(
        "selfservice/invitation_email.txt",
        {"user": user, "link": link, "organisation": organisation, "cluster": account.cluster},
    )
    subject = _("Your organisation's page on clustermonitor")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    audit.record(actor, "update", account, None, None, note="invitation sent")
    return account


# -- Contacts and the competence profile ------------------------------------------------


def save_contact(actor: audit.Actor, contact: Contact) -> Contact:
    audit.save(actor, contact, note="self-service")
    return contact


def delete_contact(actor: audit.Actor, contact: Contact) -> None:
    audit.delete(actor, contact, note="self-service")


@transaction.atomic
def save_profile(
    actor: audit.Actor, organisation, *, technology_names, offers, seeks, visibility
) -> CompetenceProfile:
    profile = CompetenceProfile.objects.filter(organisation=organisation).first()
    profile = profile or CompetenceProfile(organisation=organisation)
    profile.offers, profile.seeks, profile.visibility = offers, seeks, visibility
    audit.save(actor, profile, m2m={"technologies": technologies(actor, technology_names)})
    return profile


def set_matching(actor: audit.Actor, cluster, allow: bool) -> ClusterMatching:
    setting = ClusterMatching.objects.filter(cluster=cluster).first()
    setting = setting or ClusterMatching(cluster=cluster)
    setting.allow_cross_cluster = allow
    audit.save(actor, setting)
    return setting


# -- Offers and requests -----------------------------------------------------------------


@transaction.atomic
def post(
    actor: audit.Actor,
    organisation,
    cluster,
    *,
    kind: str,
    title: str,
    description: str,
    technology_names,
    reach: str,
) -> Posting:
    posting = Posting(
        organisation=organisation,
        cluster=cluster,
        kind=kind,
        title=title,
        description=description,
        reach=reach,
        created_by=actor.user,
    )
    audit.save(actor, posting, m2m={"technologies": technologies(actor, technology_names)})
    return posting


def close(actor: audit.Actor, posting: Posting) -> None:
    if posting.status == Posting.Status.OPEN:
        posting.status = Posting.Status.CLOSED
        audit.save(actor, posting, note="closed by the poster")


@transaction.atomic
def express_interest(actor: audit.Actor, posting: Posting, organisation, cluster, message):
    """Answer an open offer or request once per company (a second answer is refused)."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    if posting.status != Posting.Status.OPEN:
        raise RefusedError(_("This offer or request is no longer open."))
    if posting.organisation_id == organisation.pk:
        raise RefusedError(_("You cannot answer your own offer or request."))
    if Interest.objects.filter(posting=posting, organisation=organisation).exists():
        raise RefusedError(_("Your organisation has answered this already."))
    interest = Interest(
        posting=posting,
        organisation=organisation,
        cluster=cluster,
        message=message,
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            audit.save(actor, interest)
    except IntegrityError:
        raise RefusedError(_("Your organisation has answered this already.")) from None
    return interest


@transaction.atomic
def accept(actor: audit.Actor, interest: Interest, on: datetime.date | None = None):
    """The poster accepts one answer: a collaboration between the two companies is proposed
    at stage "idea" in their clusters (both, when the match crossed clusters), which their
    managers see among the cluster's collaborations; the other answers are not chosen."""
    posting = Posting.objects.select_for_update().get(pk=interest.posting_id)
    interest = Interest.objects.select_related("organisation", "cluster").get(pk=interest.pk)
    if posting.status != Posting.Status.OPEN or interest.status != Interest.Status.PENDING:
        raise RefusedError(_("This offer or request is no longer open."))
    clusters = sorted({posting.cluster, interest.cluster}, key=lambda c: c.code)
    collaboration = Collaboration(
        programme=posting.cluster.programme,
        title=posting.title,
        description=posting.description,
        source=_("offers and requests") + f" #{posting.pk}",
    )
    collaboration_services.create(
        actor,
        collaboration,
        clusters,
        stage=Stage.IDEA,
        on=on or timezone.localdate(),
        note="proposed by an accepted match of offers and requests",
    )
    lead, other = (
        (posting.organisation, interest.organisation)
        if posting.kind == Posting.Kind.REQUEST
        else (interest.organisation, posting.organisation)
    )
    collaboration_services.set_party(actor, collaboration, lead, Party.Role.LEAD)
    collaboration_services.set_party(actor, collaboration, other, Party.Role.PARTNER)
    interest.status, interest.collaboration = Interest.Status.ACCEPTED, collaboration
    audit.save(actor, interest, note="accepted")
    for other_interest in posting.interests.filter(status=Interest.Status.PENDING):
        other_interest.status = Interest.Status.DECLINED
        audit.save(actor, other_interest, note="another answer was accepted")
    posting.status = Posting.Status.MATCHED
    audit.save(actor, posting, note="matched")
    return collaboration


# -- Personal data: erasure --------------------------------------------------------------


@transaction.atomic
def ask_erasure(actor: audit.Actor, account: MemberAccount) -> ErasureRequest:
    user = account.user
    open_request = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN)
    if open_request.exists():
        return open_request.first()
    request = ErasureRequest(
        user=user, organisation=account.organisation, subject=audit.pseudonym(user.email)
    )
    audit.save(actor, request, note="erasure asked")
    return request


def _erased_username(user: User) -> str:
    return f"erased-{user.pk}-{secrets.token_hex(3)}"


@transaction.atomic
def carry_out_erasure(actor: audit.Actor, request: ErasureRequest) -> dict:
    """Remove what is kept about the person, keep what the law requires (docs/user-guide.md,
    "What personal data is kept"):

    - removed: their contact-person records (every membership's contact with their e-mail
      address), the name as given on the attendance records linked to those contacts (the
      attendance stays, as the company's, for the subsidy's justification), their
      self-service account (names, e-mail, password, two-factor devices, roles: the
      account is closed and renamed);
    - kept: the company's fees and payments (accounting law), the company's attendance
      and collaborations (the agency's justification of the subsidy), the company's offers
      and requests, and the audit log, which holds personal fields as pseudonyms only.
    """
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == ErasureRequest.Status.DONE:
        return request.outcome
    user = request.user
    outcome = {"contacts": 0, "attendance_names": 0, "account": False}
    if user is not None:
        email = user.email.strip()
        contacts = list(Contact.objects.filter(email__iexact=email)) if email else []
        for contact in contacts:
            for participation in contact.participations.all():
                # Written without its before (which would hold the name): the entry says
                # what happened; the placeholder keeps (activity, organisation, name) unique.
                participation.name = f"#{participation.pk}"
                participation.contact = None
                participation.save(update_fields=["name", "contact"])
                audit.record(actor, "update", participation, note="erasure: name removed")
                outcome["attendance_names"] += 1
            audit.delete(actor, contact, note=f"erasure request #{request.pk}")
            outcome["contacts"] += 1
        for eraser in erasers():  # what other apps keep (core.panels.register_eraser)
            outcome[eraser.key] = eraser.erase(actor, user, email) if email else 0
        from django_otp import devices_for_user

        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
        for assignment in list(user.role_assignments.all()):
            account_services.remove_role(actor, assignment)
        MemberAccount.objects.filter(user=user).delete()
        user.username = _erased_username(user)
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.is_active = False
        audit.save(actor, user, validate=False, note=f"erasure request #{request.pk}")
        outcome["account"] = True
    request.status = ErasureRequest.Status.DONE
    request.handled_by = actor.user if getattr(actor.user, "pk", None) else None
    request.handled_at = timezone.now()
    request.outcome = outcome
    audit.save(actor, request, note="erasure carried out")
    return outcome
