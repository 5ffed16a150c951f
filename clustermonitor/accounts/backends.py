"""Django's model backend, with the signed-in user (and their roles) kept in the shared
cache for one generation of the records (core.sharedcache): a kept page is then served
without reading the user, their roles and the clusters they manage on every request.
Any committed write (a role given or taken, a password changed, an account
deactivated, through any door) starts a new generation, so the next request reads the
rows again; without a shared cache every request reads them, as Django does.

Who may do what is decided by the rules of accounts/access.py (django-rules, the backend
before this one), never by Django's per-user or per-group permission tables, which the
platform does not fill: this backend does not read them. (It read them, two queries,
on every request whose menu held one permission the user lacks.)"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from clustermonitor.core import sharedcache


class ModelBackendKeptUser(ModelBackend):
    def get_user(self, user_id):
        # With the version of the records, which every kept page asks for next: one
        # round trip to the shared cache for both.
        sharedcache.prefetch(f"user:{user_id}", "records-version")
        return sharedcache.mirrored(f"user:{user_id}", lambda: self._load(user_id))

    def _load(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            # The access checks' inputs travel with the kept user (cached properties).
            user.role_set  # noqa: B018
            user.managed_cluster_ids  # noqa: B018
        return user

    def _get_user_permissions(self, user_obj):
        return Permission.objects.none()

    def _get_group_permissions(self, user_obj):
        return Permission.objects.none()
