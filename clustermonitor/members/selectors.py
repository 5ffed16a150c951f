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


def with_contact_counts(memberships) -> list:
    """The memberships (one page of the list) with `n_contacts`, in one query for the page
    rather than a count grouped over the whole list."""
    memberships = list(memberships)
    counts = dict(
        Contact.objects.filter(membership__in=memberships)
        .values("membership")
        .annotate(n=Count("pk"))
        .values_list("membership", "n")
    )
    for membership in memberships:
        membership.n_contacts = counts.get(membership.pk, 0)
    return memberships


def with_membership_counts(organisations) -> list:
    """The organisations (one page of the list) with `n_memberships`, in one query."""
    organisations = list(organisations)
    counts = dict(
        Membership.objects.filter(organisation__in=organisations)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    for organisation in organisations:
        organisation.n_memberships = counts.get(organisation.pk, 0)
    return organisations


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
