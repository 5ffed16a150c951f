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
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import (
    cluster_by_code,
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


# -- The cluster management team and aftercare (the staff helper of issue 21). ----------

#: Who reports a cluster's yearly follow-up after its term (or counts it from the
#: records): its own manager and the programme manager.
FOLLOW_UP_REPORT = "maturity.report_follow_up"
rules.add_perm(FOLLOW_UP_REPORT, is_programme_manager | manages_cluster)
__all__ += [
    "FOLLOW_UP_REPORT",
    "aftercare_cluster",
    "require_manager_survey_results",
    "staff_cluster",
    "staff_record_for",
]


def staff_cluster(user, clusters, code: str, perm: str = STAFF_VIEW):
    """The cluster `code` of `clusters` (Cluster.objects) whose team `user` sees (404
    otherwise), and 403 when they see it but may not do `perm` (STAFF_CHANGE)."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "account_manager")
    check(user, perm, cluster, visible=STAFF_VIEW)
    return cluster


def staff_record_for(user, records, pk: int, cluster_path: str, perm: str = STAFF_VIEW):
    """A staff record (a person, assignment or training of `records`) by `pk`, through
    its cluster (`cluster_path`: "cluster", "staff__cluster"): 404 for who does not see
    that cluster's team, 403 for who sees it but may not do `perm`."""
    record = get_object_or_404(records.select_related(cluster_path), pk=pk)
    cluster = record
    for step in cluster_path.split("__"):
        cluster = getattr(cluster, step)
    check(user, perm, cluster, visible=STAFF_VIEW)
    return record


def aftercare_cluster(user, clusters, code: str, perm: str = LADDER_CLUSTER):
    """The cluster `code` whose aftercare `user` sees (its labels, status and follow-ups:
    LADDER_CLUSTER, 404 otherwise); 403 for `perm` (LADDER_MANAGE, FOLLOW_UP_REPORT)
    refused to who sees it."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "account_manager")
    check(user, perm, cluster, visible=LADDER_CLUSTER)
    return cluster


def require_manager_survey_results(user) -> None:
    """The cluster-manager survey's results: the agency only (404 for everyone else,
    evaluators and cluster managers too)."""
    check(user, MANAGER_SURVEY_RESULTS)


__all__ += ["wave_results_for"]


def wave_results_for(user, waves, pk):
    """A wave whose results `user` reads: programme readers, or the agency only for a
    manager wave (the cluster-manager survey)."""
    wave = get_object_or_404(waves.select_related("questionnaire"), pk=pk)
    if wave.is_manager_wave:
        require_manager_survey_results(user)
    else:
        check(user, "surveys.view_results")
    return wave


# The ladder's pages (maturity/views_ladder.py).
__all__ += ["ladder_cluster", "require_ladder_manager"]


def require_ladder_manager(user) -> None:
    """Defining levels and labels: the programme manager (403 for the programme's other
    readers, 404 for everyone else)."""
    check(user, LADDER_MANAGE, visible=LADDER_PROGRAMME)


def ladder_cluster(user, clusters, code: str, perm: str = LADDER_CLUSTER):
    """The cluster `code` of `clusters` (Cluster.objects) whose level, labels and
    readiness `user` reads (404 otherwise); 403 when they read it but may not do `perm`."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
    check(user, perm, cluster, visible=LADDER_CLUSTER)
    return cluster


def benchmark_cluster(user, clusters, code: str):
    """The cluster `code` of `clusters` (Cluster.objects) whose benchmark `user` may read
    (LADDER_CLUSTER: programme readers and the cluster's own manager); 404 otherwise, also
    for a code that does not exist."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
    check(user, LADDER_CLUSTER, cluster)
    return cluster


def require_benchmark_manager(user) -> None:
    """Loading the benchmark's reference quartiles: the programme manager; other programme
    readers see that it exists (403), everyone else gets 404."""
    check(user, LADDER_MANAGE, visible=LADDER_PROGRAMME)
