"""Reads for the member pages, exports and the API."""

import contextlib
import datetime

from django.db.models import Count, Q

from clustermonitor.core import known
from clustermonitor.members.models import Contact, Membership
from clustermonitor.registry.models import Organisation


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


def with_membership_counts(organisations) -> list:
    """The organisations (one page of the list) with `n_memberships`, in one query."""
    return _with_counts(organisations, Membership, "organisation", "n_memberships")


def search_filter(query: str, prefix: str = "") -> Q:
    """Name (part), enterprise number in any notation, or postcode."""
    from clustermonitor.registry import enterprise

    query = query.strip()
    condition = Q(**{f"{prefix}name__icontains": query})
    digits = "".join(c for c in query if c.isdigit())
    if len(digits) >= 4:
        condition |= Q(**{f"{prefix}enterprise_number__contains": digits.lstrip("0")[:10]})
        with contextlib.suppress(enterprise.InvalidEnterpriseNumber):
            condition |= Q(**{f"{prefix}enterprise_number": enterprise.normalise(query)})
    if len(digits) == 4 and digits == query:
        condition |= Q(**{f"{prefix}postcode": digits})
    return condition


def organisations(queryset, query: str = ""):
    """The registry list's organisations (add `with_membership_counts` to one page)."""
    queryset = queryset.select_related("municipality", "nace_2008")
    if query:
        queryset = queryset.filter(search_filter(query))
    return queryset.order_by("name", "pk")


def registry_matches(query: str, organisations, limit: int = 10) -> list[Organisation]:
    """Organisations among `organisations` (what the user may see: access.organisations_for)
    whose name or number matches `query`."""
    if len(query.strip()) < 2:
        return []
    return list(organisations.filter(search_filter(query)).order_by("name")[:limit])
