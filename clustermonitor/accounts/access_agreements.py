"""Who may see and do what with agreements, amendments, tranches and payments (issue 19,
part C), kept apart from access.py by concern and re-exported there: every view asks
`accounts.access`. Like access.py, it imports none of the apps whose records it guards.

The object of the per-cluster permissions is the cluster. The programme manager records
agreements, amendments, conditions met and payments; account managers and evaluators
read every agreement and the programme's schedule; a cluster's manager reads their own
agreement and payment schedule (nothing of another cluster's). Reviewers and applicants
read none: an applicant learns the decision from the letter (part B), not here."""

import rules
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import (
    cluster_by_code,
    is_programme_manager,
    manages_cluster,
    reads_programme,
)
from clustermonitor.core.permissions import check

#: What access.py makes available as its own rules.
__all__ = [
    "AGREEMENTS_MANAGE",
    "AGREEMENTS_PROGRAMME",
    "AGREEMENT_VIEW",
    "agreement_application",
    "agreement_cluster",
    "condition_for",
    "require_agreements_reader",
    "tranche_for",
]

AGREEMENT_VIEW = "agreements.view_agreement"
AGREEMENTS_PROGRAMME = "agreements.view_programme"
AGREEMENTS_MANAGE = "agreements.manage_agreements"
rules.add_perm(AGREEMENT_VIEW, reads_programme | manages_cluster)
rules.add_perm(AGREEMENTS_PROGRAMME, reads_programme)
rules.add_perm(AGREEMENTS_MANAGE, is_programme_manager)


def agreement_cluster(user, clusters, code: str, perm: str = AGREEMENT_VIEW):
    """The cluster `code` of `clusters` (Cluster.objects) whose agreement `user` may see
    (404 otherwise, also for a code that does not exist) and may do `perm` with (403)."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "call")
    check(user, perm, cluster, visible=AGREEMENT_VIEW)
    return cluster


def require_agreements_reader(user) -> None:
    """The programme's agreements and payment schedule: programme readers (404 else)."""
    check(user, AGREEMENTS_PROGRAMME)


def agreement_application(user, applications, pk):
    """A funded application to turn into a cluster: the programme manager (403 for who
    reads applications, 404 for everyone else)."""
    check(user, AGREEMENTS_MANAGE, visible="programmes.view_applications")
    return get_object_or_404(applications.select_related("call__cluster_type"), pk=pk)


def tranche_for(user, tranches, pk, perm: str = AGREEMENTS_MANAGE):
    """A tranche (`tranches`: Tranche.objects) whose agreement's cluster `user` may see
    (404 otherwise) and do `perm` with (403)."""
    tranche = get_object_or_404(tranches.select_related("agreement__cluster"), pk=pk)
    check(user, perm, tranche.agreement.cluster, visible=AGREEMENT_VIEW)
    return tranche


def condition_for(user, conditions, pk, perm: str = AGREEMENTS_MANAGE):
    """A condition of an agreement, as :func:`tranche_for`."""
    condition = get_object_or_404(conditions.select_related("agreement__cluster"), pk=pk)
    check(user, perm, condition.agreement.cluster, visible=AGREEMENT_VIEW)
    return condition
