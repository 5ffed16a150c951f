"""Who may see and do what with the maturity ladder, labels, benchmarking, staff records
and aftercare (issue 21), kept apart from access.py by concern and re-exported there:
every view asks `accounts.access`. Like access.py, it imports none of the apps whose
records it guards.

The programme manager defines the ladder's levels, the labels and the benchmark's
reference quartiles, decides promotions and demotions and records labels awarded and a
cluster's status after its term. Agency staff and evaluators read every cluster's level,
labels, indicators and the programme's whole distribution. A cluster's manager reads
their own cluster's level, labels, readiness and indicators against the anonymised
quartiles — never another cluster's values — keeps their own staff records and reports
the yearly follow-up after the term. The yearly cluster-manager survey's results are for
the agency only (programme and account managers)."""

import rules

from clustermonitor.accounts.access import (
    is_agency,
    is_programme_manager,
    manages_cluster,
    reads_programme,
)
from clustermonitor.core.permissions import check

#: What access.py makes available as its own rules.
__all__ = [
    "LADDER_CLUSTER",
    "LADDER_MANAGE",
    "LADDER_PROGRAMME",
    "MANAGER_SURVEY_RESULTS",
    "STAFF_CHANGE",
    "STAFF_VIEW",
    "benchmark_cluster",
    "require_benchmark_manager",
    "require_ladder_reader",
]

LADDER_PROGRAMME = "maturity.view_ladder_programme"
LADDER_CLUSTER = "maturity.view_ladder_cluster"
LADDER_MANAGE = "maturity.manage_ladder"
STAFF_VIEW = "maturity.view_staff"
STAFF_CHANGE = "maturity.change_staff"
MANAGER_SURVEY_RESULTS = "maturity.view_manager_survey"
rules.add_perm(LADDER_PROGRAMME, reads_programme)
rules.add_perm(LADDER_CLUSTER, reads_programme | manages_cluster)
rules.add_perm(LADDER_MANAGE, is_programme_manager)
rules.add_perm(STAFF_VIEW, reads_programme | manages_cluster)
rules.add_perm(STAFF_CHANGE, is_programme_manager | manages_cluster)
rules.add_perm(MANAGER_SURVEY_RESULTS, is_agency)


def require_ladder_reader(user) -> None:
    """The programme's ladder, labels and benchmark distribution: programme readers (404
    for everyone else)."""
    check(user, LADDER_PROGRAMME)


def benchmark_cluster(user, clusters, code: str):
    """The cluster `code` of `clusters` (Cluster.objects) whose benchmark `user` may read
    (LADDER_CLUSTER: programme readers and the cluster's own manager); 404 otherwise, also
    for a code that does not exist."""
    from django.http import Http404

    cluster = clusters.select_related("programme", "cluster_type").filter(code=code).first()
    if cluster is None:
        raise Http404
    check(user, LADDER_CLUSTER, cluster)
    return cluster


def require_benchmark_manager(user) -> None:
    """Loading the benchmark's reference quartiles: the programme manager; other programme
    readers see that it exists (403), everyone else gets 404."""
    check(user, LADDER_MANAGE, visible=LADDER_PROGRAMME)
