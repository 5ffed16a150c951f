"""Writes to users, roles and tokens, audited."""

from django.db import transaction

from clustermonitor.accounts.models import ApiToken, RoleAssignment, User, hash_token
from clustermonitor.core import audit


@transaction.atomic
def create_user(
    actor: audit.Actor,
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    role: str,
    cluster=None,
) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.email, user.first_name, user.last_name = email, first_name, last_name
    if password and not (user.pk and user.check_password(password)):
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    audit.save(actor, user, validate=False)
    assign_role(actor, user, role, cluster)
    return user


@transaction.atomic
def assign_role(actor: audit.Actor, user: User, role: str, cluster=None) -> RoleAssignment:
    existing = RoleAssignment.objects.filter(user=user, role=role, cluster=cluster).first()
    if existing:
        return existing
    assignment = RoleAssignment(user=user, role=role, cluster=cluster)
    audit.save(actor, assignment)
    return assignment


def record_password_change(actor: audit.Actor, user: User) -> None:
    # The hash itself is never written to the audit log.
    audit.record(actor, "update", user, None, None, note="password changed")


@transaction.atomic
def create_token(actor: audit.Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its key, which is shown this once."""
    key = ApiToken.new_key()
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_token(key))
    audit.save(actor, token)
    return token, key


def revoke_token(actor: audit.Actor, token: ApiToken) -> None:
    audit.delete(actor, token)


@transaction.atomic
def remove_role(actor: audit.Actor, assignment: RoleAssignment) -> None:
    audit.delete(actor, assignment)


@transaction.atomic
def set_active(actor: audit.Actor, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account; its tokens stop working with it."""
    user.is_active = active
    audit.save(actor, user, validate=False)


def send_invitation(user: User, site_url: str) -> str:
    """E-mail the person a link to choose their password; return the link."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse(
        "accounts:password-reset-confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    link = site_url.rstrip("/") + path
    body = render_to_string("accounts/invitation_email.txt", {"user": user, "link": link})
    subject = render_to_string("accounts/invitation_subject.txt").strip()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return link
