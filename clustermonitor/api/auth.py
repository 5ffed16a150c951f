from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from clustermonitor.accounts.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cm_...` with a personal token (created on the profile page
    or with `clustermonitor createtoken`)."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class CompleteSessionAuth(SessionAuth):
    """The browser's session, once its sign-in is complete: a session still waiting for
    its second factor (docs/access.md) gets 401 like an anonymous one."""

    def authenticate(self, request, key):
        from clustermonitor.accounts.twofactor import session_is_complete

        user = super().authenticate(request, key)
        if user is None or not session_is_complete(request):
            return None
        return user


AUTH = [TokenAuth(), CompleteSessionAuth()]
