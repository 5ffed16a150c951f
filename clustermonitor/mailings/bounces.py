"""Reading what comes back from a mailing: delivery status notifications (RFC 3464
`multipart/report; report-type=delivery-status`, what every mail server sends for an
address that does not take mail) and the `mailto:` unsubscribes of the
`List-Unsubscribe` header (a message whose subject is "unsubscribe TOKEN").

A deployment saves the bounce mailbox (the envelope sender's, and the
MAILINGS_UNSUBSCRIBE_EMAIL mailbox) as an mbox file or a folder of .eml files — fetchmail,
getmail or the provider's export — and runs `clustermonitor record-bounces FILE…`; a
provider that reports bounces as a list (a CSV export) gives a text file of one address
a line, with an optional `,hard` or `,soft`. Reading the same file again records
nothing new."""

import hashlib
import mailbox
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clustermonitor.core import audit
from clustermonitor.mailings import services
from clustermonitor.mailings.models import Bounce, Delivery

_UNSUBSCRIBE = re.compile(r"^\s*unsubscribe\s+(\S+)\s*$", re.IGNORECASE)


@dataclass
class Result:
    bounces: int = 0  # new bounces recorded
    hard: int = 0  # of which hard (suppressed everywhere)
    unsubscribes: int = 0
    known: int = 0  # read before
    skipped: list[str] = field(default_factory=list)  # "file:where: why"


def _status_kind(action: str, status: str) -> str | None:
    if status.startswith("5") or action == "failed":
        return Bounce.Kind.HARD
    if status.startswith("4") or action == "delayed":
        return Bounce.Kind.SOFT
    return None


def _reports(message: EmailMessage):
    """(recipient, action, status, diagnostic) of each per-recipient part of a DSN."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload[1:] if isinstance(payload, list) else []
        if not isinstance(payload, list):
            text = part.get_payload(decode=True) or b""
            blocks = [
                message_from_bytes(chunk, policy=policy.default)
                for chunk in re.split(rb"\r?\n\r?\n", text)[1:]
                if chunk.strip()
            ]
        for block in blocks:
            recipient = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            address = recipient.split(";", 1)[-1].strip()
            if address:
                yield (
                    address,
                    str(block.get("Action", "")).strip().lower(),
                    str(block.get("Status", "")).strip(),
                    str(block.get("Diagnostic-Code", "")).strip(),
                )


def read_message(message: EmailMessage, source: str, result: Result, actor) -> None:
    subject = str(message.get("Subject", ""))
    match = _UNSUBSCRIBE.match(subject)
    if match:
        try:
            value = services.read_token(match.group(1))
        except signing.BadSignature:
            result.skipped.append(f"{source}: unsubscribe with an invalid token")
            return
        delivery = (
            Delivery.objects.select_related("mailing__cluster").filter(pk=value).first()
            if isinstance(value, int)
            else None
        )
        if delivery is not None:
            services.unsubscribe_delivery(delivery, "mail")
            result.unsubscribes += 1
        return
    reports = list(_reports(message))
    if not reports:
        result.skipped.append(f"{source}: not a delivery status notification")
        return
    when = services.parse_date(str(message.get("Date", "")))
    ident = str(message.get("Message-ID", "")) or hashlib.sha256(message.as_bytes()).hexdigest()
    for address, action, status, diagnostic in reports:
        kind = _status_kind(action, status)
        if kind is None:
            continue  # delivered, relayed, expanded: no bounce
        fingerprint = hashlib.sha256(f"{ident}\n{address.lower()}".encode()).hexdigest()
        _record(result, address, kind, status, diagnostic, when, source, fingerprint, actor)


def _record(result, address, kind, status, diagnostic, when, source, fingerprint, actor):
    if services.record_bounce(
        address,
        kind=kind,
        status=status,
        diagnostic=diagnostic,
        received_at=when,
        source=source,
        fingerprint=fingerprint,
        actor=actor,
    ):
        result.bounces += 1
        result.hard += kind == Bounce.Kind.HARD
    else:
        result.known += 1


def read_list(path: Path, result: Result, actor) -> None:
    """A text file: one address a line, optionally `,hard` or `,soft` (hard by default)."""
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        address, _sep, kind = (part.strip() for part in text.partition(","))
        kind = (kind or "hard").lower()
        try:
            validate_email(address)
        except ValidationError:
            result.skipped.append(f"{path.name}:{number}: not an e-mail address: {address[:80]}")
            continue
        if kind not in Bounce.Kind.values:
            result.skipped.append(f"{path.name}:{number}: kind must be hard or soft: {kind[:20]}")
            continue
        fingerprint = hashlib.sha256(f"list:{path.name}:{address.lower()}".encode()).hexdigest()
        _record(result, address, kind, "", "", None, f"{path.name}:{number}", fingerprint, actor)


def read_path(path: Path, result: Result | None = None, actor=None) -> Result:
    """An mbox file, an .eml message, a folder of them, or an address list."""
    result = result or Result()
    actor = actor or audit.Actor.system("cli")
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file():
                read_path(child, result, actor)
        return result
    head = path.read_bytes()[:5]
    if head.startswith(b"From "):
        for number, item in enumerate(mailbox.mbox(path, create=False), 1):
            parsed = message_from_bytes(item.as_bytes(), policy=policy.default)
            read_message(parsed, f"{path.name}#{number}", result, actor)
    elif path.suffix.lower() == ".eml":
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        read_message(parsed, path.name, result, actor)
    else:
        read_list(path, result, actor)
    return result
