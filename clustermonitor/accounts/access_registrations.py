"""Who may see and do what with an event's registrations and check-in (issue 18), kept
apart from access.py by concern (its rules are registered when the registrations app is
ready). Like access.py, it imports none of the apps whose records it guards."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import _related, is_agency, manages_cluster

# The object is an organising cluster. The registrants' names and e-mail addresses are
# personal data, as members' contacts are: the agency and the organising clusters'
# managers see them; only those managers open or close registration and check people in
# (on the day, for their own cluster).
REGISTRATIONS_VIEW = "registrations.view_registrations"
REGISTRATIONS_MANAGE = "registrations.manage_registrations"
rules.add_perm(REGISTRATIONS_VIEW, is_agency | manages_cluster)
rules.add_perm(REGISTRATIONS_MANAGE, manages_cluster)


def registration_activity_for(user, activities, pk, perm: str = REGISTRATIONS_VIEW):
    """The activity `pk` of `activities` and the first organising cluster through which
    `user` may do `perm` with its registrations: 404 for whoever sees the registrations
    of none of its organisers, 403 for whoever sees them but may not do `perm`."""
    activity = get_object_or_404(activities.prefetch_related("clusters"), pk=pk)
    clusters = sorted(activity.clusters.all(), key=lambda c: c.code)
    if not any(user.has_perm(REGISTRATIONS_VIEW, c) for c in clusters):
        raise Http404
    allowed = [c for c in clusters if user.has_perm(perm, c)]
    if not allowed:
        raise PermissionDenied
    return activity, allowed[0]


def registration_for(user, registrations, pk, perm: str = REGISTRATIONS_MANAGE):
    """A registration whose activity `user` may do `perm` with (through its key)."""
    registration = get_object_or_404(registrations.select_related("activity"), pk=pk)
    registration_activity_for(
        user, _related(registrations, "activity"), registration.activity_id, perm
    )
    return registration
