"""Login throttling and lockout on top of django-axes (settings AXES_*, docs/access.md).

django-axes counts the failed logins per username and per address and refuses every
password, right or wrong, while either is locked. This module adds what the platform
needs around it: the client's address behind a proxy, the login page with a message in
the visitor's language that says nothing about whether the account exists, an audit
entry when a lock starts, the list of current locks and the programme manager's unlock.
"""

import datetime
import ipaddress
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from clustermonitor.accounts.models import User
from clustermonitor.core import audit


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The visitor's address: REMOTE_ADDR, or with TRUSTED_PROXIES = n the n-th address
    from the right of X-Forwarded-For (the one the outermost trusted proxy saw)."""
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        return remote
    return _ip(forwarded[-proxies]) or remote


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout message and 429. The same for a username
    that exists and one that does not: both are counted and locked alike."""
    form = AuthenticationForm(request, data=None)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": cooloff_minutes()},
        status=429,
    )


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    """Write the start of a lock in the audit log (not every refused try during it)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # a try refused during the lock: axes did not count it
    note = (
        f"sign-in locked for {cooloff_minutes()} min after "
        f"{request.axes_failures_since_start} failed logins "
        f"(username {str(username or '')[:60]!r}, address {ip_address})"
    )
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        audit.record(audit.Actor.system("login"), "update", user, note=note)
        return
    attempt = AccessAttempt.objects.filter(ip_address=ip_address).order_by("-attempt_time").first()
    if attempt is not None:
        audit.record(audit.Actor.system("login"), "update", attempt, note=note)


@dataclass(frozen=True)
class Lock:
    kind: str  # "username" or "address"
    value: str
    failures: int
    until: datetime.datetime


def _threshold() -> datetime.datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def current_locks() -> list[Lock]:
    """Usernames and addresses locked now, with the time each lock ends."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=_threshold())
    locks = []
    for kind, field in (("username", "username"), ("address", "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by(field)
        )
        locks += [
            Lock(kind, row[field], row["failures"], row["last"] + settings.AXES_COOLOFF_TIME)
            for row in rows
        ]
    return locks


def lock_of(username: str) -> Lock | None:
    return next((k for k in current_locks() if k.kind == "username" and k.value == username), None)


def unlock(actor: audit.Actor, *, username: str = "", address: str = "") -> int:
    """Forget the failed logins of a username (from every address) or of an address (for
    every username); audited. Returns how many records were removed."""
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    elif address:
        attempts = attempts.filter(ip_address=address)
    else:
        return 0
    first = attempts.first()
    if first is None:
        return 0
    what = f"username {username!r}" if username else f"address {address}"
    user = User.objects.filter(username=username).first() if username else None
    audit.record(actor, "update", user or first, note=f"sign-in unlocked ({what})"[:300])
    count, _ = attempts.delete()
    return count
