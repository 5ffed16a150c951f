"""The member pages' check for core.pagecache.kept_page."""

from clustermonitor.accounts import access
from clustermonitor.core import sharedcache
from clustermonitor.programmes.models import Cluster


def reads_members(request, code, *args, **kwargs):
    """A `check` for kept_page: the user may read the members of cluster `code` (as
    access.get_cluster_members_for_user decides; the cluster kept for the generation of
    the records with a shared cache, so a kept member list reads no row)."""

    def load():
        return Cluster.objects.select_related("programme", "cluster_type").filter(code=code).first()

    access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, cluster=sharedcache.mirrored(f"cluster:{code}", load)
    )


def _members_mirrors(code, *args, **kwargs) -> list[str]:
    return [f"cluster:{code}"]


reads_members.mirrors = _members_mirrors  # read with the kept page (kept_page)
