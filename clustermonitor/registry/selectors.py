"""Reads of the registry's organisations: the registry list, the search every member
page and lookup shares, the matches offered when a name is typed."""

import contextlib

from django.db.models import Count, Q

from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation


def with_membership_counts(organisations) -> list:
    """The organisations (one page of the list) with `n_memberships`, in one query."""
    organisations = list(organisations)
    counts = dict(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .annotate(n=Count("memberships"))
        .values_list("pk", "n")
    )
    for organisation in organisations:
        organisation.n_memberships = counts.get(organisation.pk, 0)
    return organisations


def search_filter(query: str, prefix: str = "") -> Q:
    """Name (part), enterprise number in any notation, or postcode."""
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
