"""The personal link of an invitation.

The token is derived, never stored:

    token_for(invitation) = base64url(HMAC-SHA256(SECRET_KEY, "survey:<pk>:<nonce>"))

256 bits, 43 characters without padding. Only its SHA-256 (`models.hash_token`) is kept in
`Invitation.token_hash`, so a copy of the database gives nobody a working link, while
the application can derive the same link again for a reminder or a mail merge.

The pk is part of the message, so an invitation is first saved with a temporary,
unique placeholder hash (``pending:`` + random hex: no token hashes to it) and then
given its real hash (`assign`). Generation does this for many invitations at once.

If SECRET_KEY changes, derived tokens no longer match the stored hashes: `current_token`
notices and gives the invitation a new nonce (and so a new link; the old one stops
working, the answers already saved stay with the invitation).
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from clustermonitor.surveys.models import Invitation, hash_token

PLACEHOLDER_PREFIX = "pending:"


def new_nonce() -> str:
    return secrets.token_hex(16)  # 128 random bits, 32 characters


def placeholder_hash() -> str:
    """A unique stand-in for `token_hash` until the pk is known (64 characters)."""
    return PLACEHOLDER_PREFIX + secrets.token_hex(28)


def token_for(invitation: Invitation) -> str:
    if invitation.pk is None or not invitation.nonce:
        raise ValueError("An invitation needs its pk and nonce before it has a token.")
    message = f"survey:{invitation.pk}:{invitation.nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def assign(invitation: Invitation) -> str:
    """Set the invitation's real hash (not saved); returns the token."""
    token = token_for(invitation)
    invitation.token_hash = hash_token(token)
    return token


def current_token(invitation: Invitation) -> str:
    """The invitation's token; a new one (saved) when SECRET_KEY has changed since."""
    token = token_for(invitation)
    if hash_token(token) != invitation.token_hash:
        invitation.nonce = new_nonce()
        token = assign(invitation)
        Invitation.objects.filter(pk=invitation.pk).update(
            nonce=invitation.nonce, token_hash=invitation.token_hash
        )
    return token


def path_for_token(token: str) -> str:
    try:
        return reverse("surveys:respond", args=[token])
    except NoReverseMatch:  # the respondent's pages are not wired (yet)
        return f"/s/{token}/"


def link_for(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + path_for_token(current_token(invitation))


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, or None (for the respondent's pages)."""
    if not token or len(token) > 100 or token.startswith(PLACEHOLDER_PREFIX):
        return None
    return (
        Invitation.objects.select_related("wave__questionnaire", "cluster", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
