"""Reads for the member pages, exports and the API."""

import datetime

from django.db.models import Count

from clustermonitor.core import known
from clustermonitor.members.models import Contact, Membership
from clustermonitor.registry.selectors import search_filter


def member_rows(
    cluster, *, state: str = "active", on: datetime.date | None = None, query: str = ""
):
    """A cluster's memberships with their organisation, for the member list.

    state: 'active' on `on` (default today), 'ended' before it, or 'all'."""
    on = on or datetime.date.today()
    memberships = (
        Membership.objects.filter(cluster=cluster)
        .select_related("organisation", "organisation__municipality")
        .order_by("organisation__name", "start_date")
    )
    if state == "active":
        memberships = known.running_memberships(memberships, on)
    elif state == "ended":
        memberships = memberships.filter(end_date__lt=on)
    if query:
        memberships = memberships.filter(search_filter(query, prefix="organisation__"))
    return memberships


def _with_counts(objects, model, key: str, attribute: str) -> list:
    """The objects (one page of a list) with `attribute` = how many rows of `model` point
    at each through `key`: one query for the page rather than a count grouped over the
    whole list."""
    objects = list(objects)
    counts = dict(
        model.objects.filter(**{f"{key}__in": objects})
        .values(key)
        .annotate(n=Count("pk"))
        .values_list(key, "n")
    )
    for obj in objects:
        setattr(obj, attribute, counts.get(obj.pk, 0))
    return objects


def with_contact_counts(memberships) -> list:
    """The memberships (one page of the list) with `n_contacts`, in one query."""
    return _with_counts(memberships, Contact, "membership", "n_contacts")
