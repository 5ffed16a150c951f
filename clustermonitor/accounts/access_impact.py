"""Who may see and do what with the companies' annual accounts and the economic-impact
estimate (issue 20), kept apart from access.py by concern and re-exported there: every
view asks `accounts.access`. Like access.py, it imports none of the apps whose records
it guards.

The programme manager imports annual accounts (they name companies outside every
cluster: the comparison population). Agency staff and evaluators read the programme's
estimate and its splits. A cluster's manager reads their own cluster's estimate — the
page itself shows it only when it rests on at least ten firms on each side — and never
another cluster's, nor the firms' accounts. Member contacts, reviewers and applicants
read none of it."""

import rules

from clustermonitor.accounts.access import (
    cluster_by_code,
    is_programme_manager,
    manages_cluster,
    reads_programme,
)
from clustermonitor.core.permissions import check

#: What access.py makes available as its own rules.
__all__ = [
    "IMPACT_CLUSTER",
    "IMPACT_IMPORT",
    "IMPACT_PROGRAMME",
    "impact_cluster",
    "require_impact_reader",
]

IMPACT_PROGRAMME = "impact.view_programme"
IMPACT_CLUSTER = "impact.view_cluster"
IMPACT_IMPORT = "impact.import_accounts"
rules.add_perm(IMPACT_PROGRAMME, reads_programme)
rules.add_perm(IMPACT_CLUSTER, reads_programme | manages_cluster)
rules.add_perm(IMPACT_IMPORT, is_programme_manager)


def require_impact_reader(user) -> None:
    """The programme's estimate, its splits and the accounts imports: programme readers
    (404 for everyone else)."""
    check(user, IMPACT_PROGRAMME)


def impact_cluster(user, clusters, code: str):
    """The cluster `code` of `clusters` (Cluster.objects) whose estimate `user` may read;
    404 otherwise, also for a code that does not exist."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "call")
    check(user, IMPACT_CLUSTER, cluster)
    return cluster
