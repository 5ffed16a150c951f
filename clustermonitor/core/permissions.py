"""The one way a permission refusal is answered (docs/access.md): 404 to whoever may not
see the object at all (they learn nothing, not even that it exists), 403 to whoever may
see it but not do this with it. The rules themselves — who holds which permission — are
accounts.access's; this mechanism sits in core so that core's own pages (the audit log,
the import wizard) use it without importing the layer above."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def check(user, perm: str, obj=None, *, visible: str | None = None) -> None:
    """Raise 404 when `user` may not see `obj` (per `visible`), 403 when they may see it
    but lack `perm`."""
    if visible is not None and not user.has_perm(visible, obj):
        raise Http404
    if not user.has_perm(perm, obj):
        if visible is None:
            raise Http404
        raise PermissionDenied
