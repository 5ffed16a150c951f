"""Who may see and do what in member self-service and offers and requests (issue 18),
kept apart from access.py by concern and re-exported there: every view asks
`accounts.access`. Like access.py, it imports none of the apps whose records it guards."""

import rules
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import (
    cluster_by_code,
    is_agency,
    is_cluster_manager,
    is_member_contact,
    is_programme_manager,
    manages_cluster,
)
from clustermonitor.core.permissions import check

# A member contact acts for the one
# organisation its account is linked to (selfservice.MemberAccount) and sees nothing of
# any other company: every id in a URL or a form is looked up among that organisation's
# records. The cluster's managers invite its members' contacts, handle their erasure
# requests and see the offers and requests of their cluster; the agency reads them.
SELF_SERVICE = "selfservice.use"
SELF_SERVICE_VIEW = "selfservice.view_cluster"
SELF_SERVICE_MANAGE = "selfservice.manage_cluster"


@rules.predicate
def has_member_account(user):
    """A member contact whose account acts for a company (the relation by name)."""
    return bool(getattr(user, "pk", None)) and hasattr(user, "member_account")


rules.add_perm(SELF_SERVICE, is_member_contact & has_member_account)
rules.add_perm(SELF_SERVICE_VIEW, is_agency | manages_cluster)
rules.add_perm(SELF_SERVICE_MANAGE, is_programme_manager | manages_cluster)


def member_account(user, accounts):
    """The self-service account of `user` among `accounts` (MemberAccount.objects), with
    its organisation; 404 for anyone who is not a member contact linked to a company."""
    if not (user and user.is_authenticated and is_member_contact(user)):
        raise Http404
    account = accounts.select_related("organisation").filter(user=user).first()
    if account is None:
        raise Http404
    return account


def member_invoice(user, invoices, pk):
    """An issued invoice or credit note (`invoices`: Invoice.objects) of the company the
    self-service account of `user` acts for; 404 for anyone who is not a member contact
    linked to a company, for another company's invoice whatever the id, and for a draft
    or a cancelled draft (they have no number and were never sent). The account is
    followed by its relation's name: this module imports none of the apps it guards."""
    if not (user and user.is_authenticated and is_member_contact(user)):
        raise Http404
    if not has_member_account(user):
        raise Http404
    invoice = (
        invoices.select_related("cluster", "organisation")
        .filter(pk=pk, organisation_id=user.member_account.organisation_id)
        .exclude(number="")
        .exclude(status__in=("draft", "cancelled"))
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def own_contact(organisation, contacts, pk):
    """A contact person (`contacts`: Contact.objects) of one of `organisation`'s
    memberships; 404 for any other company's contact, whatever the id."""
    contact = (
        contacts.select_related("membership__cluster", "membership__organisation")
        .filter(pk=pk, membership__organisation=organisation)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def clusters_of_member(organisation, memberships, on):
    """The clusters `organisation` is an active member of on `on` (ids)."""
    return set(
        memberships.filter(organisation=organisation)
        .active_on(on)
        .values_list("cluster_id", flat=True)
    )


def postings_seen_by_member(postings, own_clusters: set, cross_clusters: set):
    """The offers and requests a member of `own_clusters` sees: those posted in one of its
    clusters, and those posted for all clusters in a cluster that allows cross-cluster
    matching when one of its own clusters allows it too (`cross_clusters`: the member's
    clusters that allow it)."""
    seen = models.Q(cluster_id__in=own_clusters)
    if cross_clusters:
        seen |= models.Q(reach="all", cluster__matching__allow_cross_cluster=True)
    return postings.filter(seen)


def postings_for_staff(user, postings):
    """Offers and requests of the clusters whose self-service pages `user` reads."""
    if is_agency(user):
        return postings
    if is_cluster_manager(user):
        return postings.filter(cluster_id__in=user.managed_cluster_ids)
    return postings.none()


def self_service_cluster(user, clusters, code: str, perm: str = SELF_SERVICE_VIEW):
    """The cluster `code` whose self-service page (invitations, erasure requests, offers
    and requests, the matching setting) `user` may see (404), and do `perm` (403)."""
    cluster = cluster_by_code(clusters, code, "programme")
    check(user, perm, cluster, visible=SELF_SERVICE_VIEW)
    return cluster


def contact_to_invite(user, contacts, pk):
    """A contact person the user may invite to self-service: one of a membership of a
    cluster they manage (the programme manager: any); 404 or 403 otherwise."""
    contact = get_object_or_404(
        contacts.select_related("membership__cluster", "membership__organisation"), pk=pk
    )
    check(user, SELF_SERVICE_MANAGE, contact.membership.cluster, visible=SELF_SERVICE_VIEW)
    return contact


def erasure_requests_for(user, requests):
    """Erasure requests `user` handles: the programme manager all, a cluster manager
    those of companies that are (or were) members of a cluster they manage."""
    if is_programme_manager(user):
        return requests
    if is_cluster_manager(user):
        return requests.filter(
            organisation__memberships__cluster_id__in=user.managed_cluster_ids
        ).distinct()
    return requests.none()


def erasure_request_for(user, requests, pk):
    found = erasure_requests_for(user, requests.select_related("organisation")).filter(pk=pk)
    request = found.first()
    if request is None:
        raise Http404
    return request
