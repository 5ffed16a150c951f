"""Writes of the mailings, all audited with the addresses as digests (never in clear):
drafts, test sends, sending in the background, consent, unsubscribes, suppressions and
bounces.

Who receives a mailing is decided when it is sent, in a fixed number of queries however
many people the segment names (`plan`):

1. the segment's people (core.segments) on the day, addresses normalised and
   deduplicated (the first name and a known language kept);
2. an address on the suppression list — the cluster's own (unsubscribed, added by hand)
   or everyone's (a hard bounce, a complaint) — or whose consent was withdrawn is
   *suppressed*;
3. an address with a consent record for the purpose "newsletter" (any lawful basis) is
   sent to; an address without one is sent to only when it is the contact of a running
   membership of the cluster (the membership is the lawful basis: art. 6.1.b and the
   soft opt-in for existing customers, with the one-click unsubscribe in every mail);
   anyone else — a prospect, a guest of an event, a former member — needs consent and is
   counted *without consent*.

The language of a recipient is the consent's, else the segment's, else Dutch; an English
reader gets the English version when it is written."""

import datetime
import email.policy
import email.utils
import itertools
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clustermonitor.core import audit, segments
from clustermonitor.core.models import AuditEntry
from clustermonitor.mailings import render
from clustermonitor.mailings.models import (
    Bounce,
    Consent,
    Delivery,
    Mailing,
    Suppression,
    normalise,
)
from clustermonitor.members.segments import member_contacts

#: Messages sent between two progress updates: at least CHUNK, and so many that a
#: mailing has at most PROGRESS_STEPS updates — the queries of a send are bounded by a
#: constant however many recipients it has (bench/mailings, tests/test_mailings.py).
CHUNK = 200
PROGRESS_STEPS = 20
#: Deliveries written per INSERT.
INSERT_BATCH = 5000
_SALT = "clustermonitor.mailings.unsubscribe"


# Drafts -----------------------------------------------------------------------------------


def save_draft(actor: audit.Actor, mailing: Mailing) -> Mailing:
    if mailing.status != Mailing.Status.DRAFT:
        raise ValueError("only a draft can be changed")
    if mailing.pk is None and getattr(actor.user, "pk", None):
        mailing.created_by = actor.user
    audit.save(actor, mailing)
    return mailing


# Who receives it ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    status: str  # Delivery.Status: PENDING (to send), SUPPRESSED or NO_CONSENT


def plan(mailing: Mailing, on: datetime.date) -> list[Recipient]:
    """Everyone the mailing's segment names on `on`, once per address, with what happens
    to them (the module's docstring says how)."""
    people = {}
    for person in segments.people(mailing.cluster, mailing.segment, on):
        address = normalise(person.email)
        if address and address not in people:
            people[address] = person
    cluster = mailing.cluster
    suppressed = set(
        Suppression.objects.filter(Q(cluster=cluster) | Q(cluster__isnull=True)).values_list(
            "email", flat=True
        )
    )
    consents = {
        email: (withdrawn, language)
        for email, withdrawn, language in Consent.objects.filter(
            cluster=cluster, purpose=Consent.Purpose.NEWSLETTER
        ).values_list("email", "withdrawn_on", "language")
    }
    members = {normalise(e) for e in member_contacts(cluster, on).values_list("email", flat=True)}
    out = []
    for address in sorted(people):
        consent = consents.get(address)
        language = (consent and consent[1]) or people[address].language or "nl"
        if address in suppressed or (consent and consent[0] is not None):
            status = Delivery.Status.SUPPRESSED
        elif consent or address in members:
            status = Delivery.Status.PENDING
        else:
            status = Delivery.Status.NO_CONSENT
        out.append(Recipient(address, language if language in ("nl", "en") else "nl", status))
    return out


def counts(recipients: list[Recipient]) -> dict[str, int]:
    out = {status: 0 for status in Delivery.Status.values}
    for recipient in recipients:
        out[recipient.status] += 1
    return out


# Messages ---------------------------------------------------------------------------------


def token_for(delivery_pk: int) -> str:
    """The signed token of a delivery's unsubscribe link (no expiry: a newsletter read a
    year later still unsubscribes)."""
    return signing.dumps(delivery_pk, salt=_SALT, compress=False)


def test_token(mailing: Mailing) -> str:
    return signing.dumps(["test", mailing.pk], salt=_SALT, compress=False)


def read_token(token: str):
    """The delivery pk of a token, ["test", mailing pk] for a test send's; signing's
    BadSignature when it was tampered with."""
    return signing.loads(token, salt=_SALT)


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("mailings:unsubscribe", args=[token])


def _rendered(mailing: Mailing) -> dict[str, dict]:
    """Subject, text and HTML per language, rendered once per mailing."""
    out = {}
    for language in ("nl", "en"):
        version, subject, body = mailing.version(language)
        out[language] = {
            "subject": subject,
            "text": body,
            "html": render.html(body),
            "lang": version,
        }
    return out


class _Message(EmailMultiAlternatives):
    """A message whose header lines may be as long as RFC 5322 allows (998): the
    `List-Unsubscribe` URLs must stay as they are, where the default 78 would fold
    them into RFC 2047 encoded words that no mail client reads as a URL."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def message(mailing: Mailing, version: dict, to: str, token: str, connection=None):
    """One e-mail: text and HTML, with the RFC 2369 / RFC 8058 unsubscribe headers."""
    link = unsubscribe_url(token)
    mailto = f"mailto:{settings.MAILINGS_UNSUBSCRIBE_EMAIL}?subject=unsubscribe%20{token}"
    with translation.override(version["lang"]):
        context = {"mailing": mailing, "version": version, "link": link}
        text = render_to_string("mailings/email.txt", context)
        html = render_to_string("mailings/email.html", context)
    msg = _Message(
        subject=version["subject"],
        body=text,
        from_email=email.utils.formataddr((mailing.cluster.name, settings.DEFAULT_FROM_EMAIL)),
        to=[to],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{mailing.cluster.name} <{mailing.cluster.code.lower()}.clustermonitor>",
            "Auto-Submitted": "auto-generated",
            "Precedence": "bulk",
        },
    )
    msg.attach_alternative(html, "text/html")
    return msg


def test_send(actor: audit.Actor, mailing: Mailing, to: str, language: str = "nl") -> None:
    """The mailing in one language to the manager's own address (its unsubscribe link
    only says it is a test)."""
    if not to:
        raise ValueError("no address to send the test to")
    msg = message(mailing, _rendered(mailing)[language], to, test_token(mailing))
    msg.send()
    mailing.test_sent_at = timezone.now()
    Mailing.objects.filter(pk=mailing.pk).update(test_sent_at=mailing.test_sent_at)
    audit.record(actor, AuditEntry.Action.UPDATE, mailing, note=f"test sent ({language})")


# Sending in the background --------------------------------------------------------------


@transaction.atomic
def queue(actor: audit.Actor, mailing: Mailing) -> bool:
    """Queue a draft for sending (once: a second click does nothing)."""
    from clustermonitor.mailings.tasks import send_task

    updated = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DRAFT).update(
        status=Mailing.Status.QUEUED, queued_at=timezone.now()
    )
    if not updated:
        return False
    mailing.refresh_from_db()
    audit.record(actor, AuditEntry.Action.UPDATE, mailing, note="mailing queued")
    pk = mailing.pk
    transaction.on_commit(lambda: send_task.enqueue(pk))
    return True


def send(pk: int, on: datetime.date | None = None, connection=None) -> Mailing:
    """Send a queued mailing: its deliveries written at once, then the messages over one
    connection, the progress counted after every chunk (at most PROGRESS_STEPS). A
    mailing that is not queued is left alone (a task enqueued twice sends once)."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().select_related("cluster").get(pk=pk)
        if mailing.status != Mailing.Status.QUEUED:
            return mailing
        recipients = plan(mailing, on or timezone.localdate())
        Delivery.objects.bulk_create(
            [Delivery(mailing=mailing, email=r.email, language=r.language, status=r.status)
             for r in recipients],
            batch_size=INSERT_BATCH,
        )  # fmt: skip
        tally = counts(recipients)
        mailing.status = Mailing.Status.SENDING
        mailing.n_recipients = len(recipients)
        mailing.n_suppressed = tally[Delivery.Status.SUPPRESSED]
        mailing.n_no_consent = tally[Delivery.Status.NO_CONSENT]
        mailing.save(update_fields=["status", "n_recipients", "n_suppressed", "n_no_consent"])
    versions = _rendered(mailing)
    pending = list(
        mailing.deliveries.filter(status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", "email", "language")
    )
    connection = connection or mailers.default
    try:
        connection.open()
        size = max(CHUNK, math.ceil(len(pending) / PROGRESS_STEPS))
        for chunk in itertools.batched(pending, size):
            _send_chunk(mailing, versions, chunk, connection)
    except Exception as error:
        # The mail server cannot be reached: the mailing stops, what was not sent stays
        # waiting, and the page says so (the task's own result keeps the error).
        Mailing.objects.filter(pk=mailing.pk).update(
            status=Mailing.Status.FAILED, finished_at=timezone.now()
        )
        audit.record(
            audit.Actor.system("task"),
            AuditEntry.Action.UPDATE,
            mailing,
            note=f"mailing stopped: {type(error).__name__}",
        )
        raise
    finally:
        connection.close()
    mailing.status = Mailing.Status.SENT
    mailing.finished_at = timezone.now()
    Mailing.objects.filter(pk=mailing.pk).update(
        status=mailing.status, finished_at=mailing.finished_at
    )
    mailing.refresh_from_db()
    audit.record(
        audit.Actor.system("task"),
        AuditEntry.Action.UPDATE,
        mailing,
        note=f"mailing sent: {mailing.n_sent} sent, {mailing.n_failed} failed, "
        f"{mailing.n_suppressed} suppressed, {mailing.n_no_consent} without consent",
    )
    return mailing


def _send_chunk(mailing: Mailing, versions: dict, chunk, connection) -> None:
    sent, failed = [], []
    for pk, address, language in chunk:
        msg = message(mailing, versions[language], address, token_for(pk), connection)
        try:
            connection.send_messages([msg])
        except Exception as error:  # one refused address does not stop the mailing
            failed.append(Delivery(pk=pk, status=Delivery.Status.FAILED, error=str(error)[:300]))
        else:
            sent.append(pk)
    now = timezone.now()
    with transaction.atomic():
        if sent:
            Delivery.objects.filter(pk__in=sent).update(status=Delivery.Status.SENT, sent_at=now)
        if failed:
            Delivery.objects.bulk_update(failed, ["status", "error"])
        Mailing.objects.filter(pk=mailing.pk).update(
            n_sent=F("n_sent") + len(sent), n_failed=F("n_failed") + len(failed)
        )


# Consent, unsubscribes, suppressions --------------------------------------------------------


def record_consent(
    actor: audit.Actor,
    cluster,
    address: str,
    *,
    basis: str,
    given_on: datetime.date,
    source: str,
    language: str = "",
    contact=None,
    purpose: str = Consent.Purpose.NEWSLETTER,
) -> Consent:
    """Record (or renew) the lawful basis of an address for a purpose. A new consent after
    a withdrawal lifts the cluster's unsubscribe of that address (never a bounce)."""
    address = normalise(address)
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(cluster=cluster, email=address, purpose=purpose)
            .first()
        ) or Consent(cluster=cluster, email=address, purpose=purpose)
        consent.basis, consent.given_on, consent.source = basis, given_on, source
        consent.language = language or consent.language
        consent.contact = contact or consent.contact
        consent.withdrawn_on, consent.withdrawal_source = None, ""
        audit.save(actor, consent, note="consent recorded")
        for lifted in Suppression.objects.filter(
            cluster=cluster, email=address, reason=Suppression.Reason.UNSUBSCRIBED
        ):
            before = audit.snapshot(lifted)
            audit.record(actor, AuditEntry.Action.DELETE, lifted, before, None, "consent given")
            lifted.delete()
    return consent


def suppress(actor, cluster, address: str, reason: str, note: str = "") -> Suppression:
    """Put an address on a cluster's suppression list (`cluster` None: every cluster's)."""
    address = normalise(address)
    existing = Suppression.objects.filter(cluster=cluster, email=address).first()
    if existing is not None:
        return existing
    entry = Suppression(
        cluster=cluster, email=address, reason=reason, since=timezone.now(), note=note[:300]
    )
    audit.save(actor, entry, note=f"suppressed: {reason}")
    return entry


@transaction.atomic
def unsubscribe(actor: audit.Actor, cluster, address: str, via: str) -> None:
    """The address leaves the cluster's newsletter: its consent is withdrawn (kept as the
    proof of both) and it goes on the cluster's suppression list."""
    address = normalise(address)
    today = timezone.localdate()
    for consent in Consent.objects.select_for_update().filter(
        cluster=cluster, email=address, withdrawn_on__isnull=True
    ):
        consent.withdrawn_on, consent.withdrawal_source = today, via[:200]
        audit.save(actor, consent, note="consent withdrawn")
    suppress(actor, cluster, address, Suppression.Reason.UNSUBSCRIBED, note=via)


def unsubscribe_delivery(delivery: Delivery, via: str) -> None:
    unsubscribe(audit.Actor.system(via), delivery.mailing.cluster, delivery.email, via)


# Bounces ---------------------------------------------------------------------------------


def record_bounce(
    address: str,
    *,
    kind: str,
    status: str = "",
    diagnostic: str = "",
    received_at: datetime.datetime | None = None,
    source: str = "",
    fingerprint: str,
    actor: audit.Actor | None = None,
) -> bool:
    """Record a bounce once (the same notification again changes nothing); a hard bounce
    puts the address on every cluster's suppression list. Whether it was new."""
    actor = actor or audit.Actor.system("cli")
    if Bounce.objects.filter(fingerprint=fingerprint).exists():
        return False
    with transaction.atomic():
        bounce = Bounce(
            email=normalise(address),
            kind=kind,
            status=status[:16],
            diagnostic=diagnostic[:300],
            received_at=received_at or timezone.now(),
            source=source[:200],
            fingerprint=fingerprint,
        )
        audit.save(actor, bounce, note=f"bounce recorded: {kind}")
        if kind == Bounce.Kind.HARD:
            suppress(actor, None, address, Suppression.Reason.HARD_BOUNCE, note=status)
    return True


def parse_date(value: str) -> datetime.datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


# Erasure (member self-service: core.panels.register_eraser) --------------------------------

ERASURE = "erasure request"


def erased_address(pk: int, kind: str) -> str:
    """What an erased address on a delivery or a bounce becomes: no one's, unique."""
    return f"erased-{kind}-{pk}@example.invalid"


@transaction.atomic
def erase_address(actor: audit.Actor, address: str) -> int:
    """What an erasure request does to the mailing records of an address (its person
    asked that their data be removed); answers how many records it changed.

    - Kept, because the law requires it: the suppression entries (the address, the
      reason, since when), and every consent record with its withdrawal — the cluster
      must be able to prove the consent it mailed on (GDPR art. 7.1) and must honour the
      objection to direct marketing for good (art. 21.3, Code of Economic Law art.
      XII.13): without the address on the suppression list, a contact list typed in again
      would mail the person anew. A consent still running is withdrawn ("erasure
      request") and the address goes on the suppression list of every cluster that kept
      a consent of it or mailed it; a new consent lifts it, as after an unsubscribe.
    - Removed: the consents' language and link to a contact row, the address on the
      deliveries of the mailings sent to it (their counts stay) and on the bounces
      recorded for it, with the bounce's diagnostic (which often quotes it).
    """
    address = normalise(address)
    if not address:
        return 0
    changed = 0
    today = timezone.localdate()
    clusters = {}
    for consent in (
        Consent.objects.select_for_update().select_related("cluster").filter(email=address)
    ):
        clusters[consent.cluster_id] = consent.cluster
        if consent.withdrawn_on is None:
            consent.withdrawn_on, consent.withdrawal_source = today, ERASURE
        consent.language, consent.contact = "", None
        changed += audit.save(actor, consent, note=f"{ERASURE}: consent kept as proof, withdrawn")
    deliveries = list(
        Delivery.objects.select_for_update()
        .select_related("mailing__cluster")
        .filter(email=address)
        .order_by("pk")
    )
    for delivery in deliveries:
        clusters[delivery.mailing.cluster_id] = delivery.mailing.cluster
    for cluster_id in sorted(clusters):
        if not Suppression.objects.filter(cluster_id=cluster_id, email=address).exists():
            suppress(actor, clusters[cluster_id], address, Suppression.Reason.UNSUBSCRIBED, ERASURE)
            changed += 1
    for delivery in deliveries:
        delivery.email = erased_address(delivery.pk, "delivery")
        changed += audit.save(actor, delivery, note=f"{ERASURE}: address removed")
    for bounce in Bounce.objects.select_for_update().filter(email=address).order_by("pk"):
        bounce.email, bounce.diagnostic = erased_address(bounce.pk, "bounce"), ""
        changed += audit.save(actor, bounce, note=f"{ERASURE}: address removed")
    return changed
