"""Ask to join (docs/portal.md): a company asks a cluster on the public portal, confirms
its e-mail address (double opt-in), and the cluster's manager accepts (a membership
starts) or declines with a message. Every write audited; the e-mails leave once the
write is committed.

The views check who may do what (accounts.access) and the spam guards' outcome; these
check the state. Nothing here tells the visitor whether the company is in the registry
or a member of anything: the company is looked up only once the e-mail address is
confirmed, and only the cluster's managers and the agency see what was found.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.portal.models import JoinRequest
from clustermonitor.prospects import services as prospects
from clustermonitor.prospects.models import LostReason
from clustermonitor.registry.models import Organisation

#: How long the confirmation link works.
CONFIRM_WITHIN = datetime.timedelta(days=3)
#: The rate limit: at most this many requests per e-mail address, and per client
#: address, within RATE_WINDOW (counted from the requests asked, confirmed or not).
RATE_WINDOW = datetime.timedelta(hours=1)
PER_EMAIL = 3
PER_CLIENT = 10
_SALT = "clustermonitor.portal.join-request"

#: Who writes when a visitor asks or confirms: nobody logged in, through the web.
VISITOR = audit.Actor(user=None, via="web")


class WorkflowError(Exception):
    """The request is not in a state that allows this step (the message says why)."""


class LinkError(Exception):
    """A confirmation link that cannot be used: `reason` is "invalid" or "expired"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# -- Asking ----------------------------------------------------------------------------


def client_digest(address: str | None) -> str:
    """A keyed digest of the client's address: enough to count its requests, useless
    to anyone who reads the table without the secret key."""
    if not address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"join-request:{address}".encode(), hashlib.sha256).hexdigest()


def too_many(email: str, digest: str, now: datetime.datetime | None = None) -> bool:
    """Whether this e-mail address or client asked too often within RATE_WINDOW."""
    since = (now or timezone.now()) - RATE_WINDOW
    recent = JoinRequest.objects.filter(created_at__gte=since)
    if recent.filter(email__iexact=email).count() >= PER_EMAIL:
        return True
    return bool(digest) and recent.filter(client_digest=digest).count() >= PER_CLIENT


@transaction.atomic
def ask(cluster, data: dict, *, consent_text: str, language: str, digest: str, source: str):
    """Keep the request (unconfirmed) and e-mail the confirmation link. `data`: the
    join form's cleaned data (the enterprise number as 10 digits)."""
    join = JoinRequest(
        cluster=cluster,
        source=source,
        enterprise_number=data["enterprise_number"],
        company_name=data["company_name"],
        contact_name=data["contact_name"],
        email=data["email"],
        message=data.get("message", ""),
        consent_text=consent_text,
        language=language,
        client_digest=digest,
    )
    audit.save(VISITOR, join, note="join request asked")
    link = settings.SITE_URL.rstrip("/") + reverse("portal:join-confirm", args=[token_for(join)])
    _mail(join, "portal/join_confirm_email.txt", {"link": link, "days": CONFIRM_WITHIN.days})
    return join


def token_for(join: JoinRequest) -> str:
    """The signed, expiring token of the confirmation link: the request and a digest of
    its e-mail address (a link for one address does not confirm another)."""
    return signing.dumps([join.pk, _email_digest(join.email)], salt=_SALT, compress=False)


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def request_for_token(token: str) -> JoinRequest:
    """The request a confirmation link names; LinkError when it was tampered with, has
    expired or names no request (any more)."""
    try:
        pk, digest = signing.loads(token, salt=_SALT, max_age=CONFIRM_WITHIN)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError("invalid") from None
    join = (
        JoinRequest.objects.select_related("cluster").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if join is None or _email_digest(join.email) != digest:
        raise LinkError("invalid")
    return join


# -- Confirming ------------------------------------------------------------------------


def look_up(number: str) -> tuple[str, Organisation | None, dict]:
    """Where the company of an enterprise number was found: the registry's organisation,
    else the KBO lookup's record (docs/kbo.md), else nowhere."""
    organisation = Organisation.objects.filter(enterprise_number=number).first()
    if organisation is not None:
        return JoinRequest.Found.REGISTRY, organisation, {}
    from clustermonitor.registry import kbo

    for record in kbo.search_lookup(number, limit=1):
        if record["enterprise_number"] == number:
            found = {k: v for k, v in record.items() if v not in (None, "")}
            if isinstance(found.get("start_date"), datetime.date):
                found["start_date"] = found["start_date"].isoformat()
            return JoinRequest.Found.KBO, None, found
    return JoinRequest.Found.NOWHERE, None, {}


@transaction.atomic
def confirm(join: JoinRequest) -> bool:
    """The e-mail address is confirmed: the request goes to the cluster's inbox, with the
    company looked up. False when it was confirmed before (nothing changes)."""
    join = JoinRequest.objects.select_for_update().get(pk=join.pk)
    if join.state != JoinRequest.State.UNCONFIRMED:
        return False
    join.found_in, join.organisation, join.company = look_up(join.enterprise_number)
    join.state = JoinRequest.State.OPEN
    join.confirmed_at = timezone.now()
    audit.save(VISITOR, join, note="join request confirmed")
    prospects.from_join_request(VISITOR, join)  # into the cluster's pipeline
    return True


# -- Answering -------------------------------------------------------------------------


def open_requests(clusters):
    return JoinRequest.objects.filter(cluster__in=clusters, state=JoinRequest.State.OPEN)


def visible(requests):
    """The requests a cluster sees: once the e-mail address is confirmed."""
    return requests.filter(~Q(state=JoinRequest.State.UNCONFIRMED))


@transaction.atomic
def accept(actor: audit.Actor, join: JoinRequest, start_date: datetime.date):
    """Accept the request: its prospect joins (prospects.services.join: the company's
    membership of the cluster starts on `start_date`, the registry's organisation with its
    number, or a new one), and the request is answered through the pipeline's hook
    (`PipelineHook.joined`: accepted, the company hears of it). Returns the membership."""
    join = JoinRequest.objects.select_for_update().select_related("cluster").get(pk=join.pk)
    if join.state != JoinRequest.State.OPEN:
        raise WorkflowError(_("This request has been answered already."))
    prospect = prospects.from_join_request(actor, join)
    try:
        return prospects.join(actor, prospect, start_date)
    except prospects.WorkflowError as exc:
        raise WorkflowError(str(exc)) from None


@transaction.atomic
def decline(actor: audit.Actor, join: JoinRequest, message: str) -> None:
    """Decline the request; the company gets the manager's message, and its prospect is
    lost ("join request declined")."""
    join = JoinRequest.objects.select_for_update().select_related("cluster").get(pk=join.pk)
    if join.state != JoinRequest.State.OPEN:
        raise WorkflowError(_("This request has been answered already."))
    _declined(actor, join, message)
    prospect = prospects.from_join_request(actor, join)
    if prospect.is_open:
        prospects.lose(actor, prospect, LostReason.DECLINED, note=message[:300], hooks=False)


def _accepted(actor, join: JoinRequest, membership) -> None:
    join.membership = membership
    join.organisation = membership.organisation
    _decided(actor, join, JoinRequest.State.ACCEPTED, "")
    audit.save(actor, join, note="join request accepted")
    _mail(join, "portal/join_accepted_email.txt", {"start_date": membership.start_date})


def _declined(actor, join: JoinRequest, message: str) -> None:
    _decided(actor, join, JoinRequest.State.DECLINED, message)
    audit.save(actor, join, note="join request declined")
    _mail(join, "portal/join_declined_email.txt", {})


class PipelineHook:
    """The pipeline (prospects.services) tells the portal when a prospect joined or was
    lost (registered in PortalConfig.ready()): its open join request is answered the same
    way as from the request's own page."""

    @staticmethod
    def _open(prospect):
        if not prospect.join_request_id:
            return None
        return (
            JoinRequest.objects.select_for_update()
            .select_related("cluster")
            .filter(pk=prospect.join_request_id, state=JoinRequest.State.OPEN)
            .first()
        )

    def joined(self, actor, prospect, membership) -> None:
        join = self._open(prospect)
        if join is not None:
            _accepted(actor, join, membership)

    def lost(self, actor, prospect, message: str) -> None:
        join = self._open(prospect)
        if join is not None:
            _declined(actor, join, message)


PIPELINE_HOOK = PipelineHook()


def _decided(actor, join, state, message) -> None:
    join.state = state
    join.decision_message = message
    join.decided_at = timezone.now()
    join.decided_by = actor.user if getattr(actor.user, "pk", None) else None


def _mail(join: JoinRequest, template: str, context: dict) -> None:
    """E-mail the requester in the language they asked in, once the write is committed."""
    with translation.override(join.language):
        context = {"join": join, "cluster": join.cluster, **context}
        body = render_to_string(template, context)
        subject, _blank, body = body.partition("\n\n")
    to = [join.email]
    transaction.on_commit(lambda: send_mail(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, to))


def personal_data(user) -> list[dict]:
    """The join requests asked with `user`'s e-mail address, for "download my data"
    (core.panels, member self-service): what the person typed and what became of it."""
    email = (user.email or "").strip()
    if not email:
        return []
    return [
        {
            "cluster": join.cluster.code,
            "company_name": join.company_name,
            "contact_name": join.contact_name,
            "email": join.email,
            "message": join.message,
            "asked_at": join.created_at.isoformat(),
            "state": join.state,
        }
        for join in JoinRequest.objects.filter(email__iexact=email)
        .select_related("cluster")
        .order_by("created_at", "pk")
    ]


def erase_person(actor: audit.Actor, user, email: str) -> int:
    """An erasure request (member self-service, core.panels): the join requests asked with
    `email` keep the company and what became of them, not the person's name, address or
    message. Answers how many were changed."""
    changed = 0
    for join in JoinRequest.objects.filter(email__iexact=email).order_by("pk"):
        join.contact_name, join.message = "", ""
        join.email = f"erased-{join.pk}@example.invalid"
        audit.save(actor, join, validate=False, note="erasure: contact removed")
        changed += 1
    return changed
