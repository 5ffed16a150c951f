"""Who may see and do what in a cluster's daily work with its network (issue 18): its
pipeline of prospects and its mailings. Kept apart from access.py by concern and
re-exported there: every view asks `accounts.access`. Like access.py, it imports none of
the apps whose records it guards."""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import is_agency, manages_cluster
from clustermonitor.accounts.models import Role
from clustermonitor.core.permissions import check

# Prospects (issue 18): a cluster's pipeline of companies it recruits. The object is the
# cluster. The prospects' contact persons are personal data, as members' contacts are:
# the agency and the cluster's own managers see them; only the cluster's managers keep
# the pipeline (the agency reads it).
PROSPECTS_VIEW = "prospects.view_prospects"
PROSPECTS_CHANGE = "prospects.change_prospects"
rules.add_perm(PROSPECTS_VIEW, is_agency | manages_cluster)
rules.add_perm(PROSPECTS_CHANGE, manages_cluster)


def prospects_cluster(user, clusters, code: str, perm: str = PROSPECTS_VIEW):
    """The cluster `code` of `clusters` (Cluster.objects) whose pipeline `user` may see
    (404 otherwise), and 403 when they may see but not do `perm`."""
    cluster = clusters.select_related("programme", "cluster_type").filter(code=code).first()
    if cluster is None:
        raise Http404
    check(user, perm, cluster, visible=PROSPECTS_VIEW)
    return cluster


def prospect_for(user, prospects, pk, perm: str = PROSPECTS_VIEW):
    """The prospect `pk` of `prospects` (Prospect.objects) that `user` may see (404
    otherwise), and 403 when they may see but not do `perm`."""
    prospect = get_object_or_404(
        prospects.select_related("cluster", "owner", "organisation", "membership"), pk=pk
    )
    check(user, perm, prospect.cluster, visible=PROSPECTS_VIEW)
    return prospect


def prospect_owners(users, cluster):
    """Who may own a prospect of `cluster` (an owner chosen on a form is one of these):
    the active users who manage the cluster, the people who act for it."""
    return (
        users.filter(
            is_active=True,
            role_assignments__role=Role.CLUSTER_MANAGER,
            role_assignments__cluster=cluster,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# Mailings (issue 18): a cluster's newsletters, consents and suppression list hold
# personal data, like its contacts — the agency and the cluster's own managers read
# them (evaluators and other clusters' managers get 404); only the cluster's managers
# write and send (the agency sees, 403).
MAILINGS_VIEW = "mailings.view_mailings"
MAILINGS_SEND = "mailings.send_mailings"
rules.add_perm(MAILINGS_VIEW, is_agency | manages_cluster)
rules.add_perm(MAILINGS_SEND, manages_cluster)


def mailings_cluster(user, clusters, code: str, perm: str = MAILINGS_VIEW):
    """The cluster `code` of `clusters` (Cluster.objects) whose mailings `user` may see
    (404 otherwise), and 403 when they may see but not do `perm`."""
    cluster = clusters.select_related("programme").filter(code=code).first()
    if cluster is None:
        raise Http404
    check(user, perm, cluster, visible=MAILINGS_VIEW)
    return cluster


def mailing_for(user, mailings, code: str, pk, perm: str = MAILINGS_VIEW):
    """The mailing `pk` of the cluster `code` among `mailings` that `user` may see (404
    otherwise: also a mailing of another cluster under this cluster's address), and 403
    when they may see but not do `perm`."""
    mailing = get_object_or_404(
        mailings.select_related("cluster", "cluster__programme"), pk=pk, cluster__code=code
    )
    check(user, perm, mailing.cluster, visible=MAILINGS_VIEW)
    return mailing
