"""Who may see and do what in a cluster's daily work with its network (issue 18): its
pipeline of prospects, its mailings, its invoices and its bank statements. Kept apart
from access.py by concern and re-exported there: every view asks `accounts.access`. Like
access.py, it imports none of the apps whose records it guards."""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import (
    cluster_by_code,
    is_agency,
    is_programme_manager,
    manages_cluster,
)
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
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
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
    cluster = cluster_by_code(clusters, code, "programme")
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


# Invoices (issue 18): read and changed as the cluster's contributions are.
def invoice_for(user, invoices, pk, perm="members.view_members"):
    """The invoice `pk` of `invoices` (Invoice.objects): 404 for whoever may not see its
    cluster's member records, 403 for whoever may see them but not do `perm`."""
    invoice = get_object_or_404(
        invoices.select_related("cluster", "organisation", "credited_invoice"), pk=pk
    )
    check(user, perm, invoice.cluster, visible="members.view_members")
    return invoice


# Bank statements (issue 18): the object is the cluster. A cluster's accounts, statements
# and the payers on them are its own: its managers and the programme manager see them,
# import statements and decide on the lines that wait; the rest of the agency and the
# evaluators do not see them (404).
BANKING_VIEW = "banking.view_statements"
BANKING_CHANGE = "banking.change_statements"
rules.add_perm(BANKING_VIEW, is_programme_manager | manages_cluster)
rules.add_perm(BANKING_CHANGE, is_programme_manager | manages_cluster)


def banking_cluster(user, clusters, code: str, perm: str = BANKING_VIEW):
    """The cluster `code` of `clusters` (Cluster.objects) whose bank statements `user`
    may see (404 otherwise), and 403 when they may see but not do `perm`."""
    cluster = cluster_by_code(clusters, code, "programme")
    check(user, perm, cluster, visible=BANKING_VIEW)
    return cluster


def statement_for(user, statements, pk, perm: str = BANKING_VIEW):
    """The statement `pk` of `statements` (Statement.objects) of a cluster whose
    statements `user` may see (404 otherwise; 403 without `perm`)."""
    statement = get_object_or_404(statements.select_related("account", "account__cluster"), pk=pk)
    check(user, perm, statement.account.cluster, visible=BANKING_VIEW)
    return statement


def statement_line_for(user, lines, pk, perm: str = BANKING_VIEW):
    """The statement line `pk` of `lines` (StatementLine.objects), as statement_for."""
    line = get_object_or_404(
        lines.select_related("statement", "statement__account", "statement__account__cluster"),
        pk=pk,
    )
    check(user, perm, line.statement.account.cluster, visible=BANKING_VIEW)
    return line


def invoice_of_cluster(invoices, cluster, pk):
    """An invoice named in a form (a decision on a bank line): only one of `cluster`'s
    (`invoices` are the caller's choices); anything else is refused as not found."""
    invoice = invoices.filter(cluster=cluster, pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice
