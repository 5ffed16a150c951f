"""One search box over what a person may see (issue 16): clusters, organisations (by name,
enterprise number or postcode, as the registry's list searches), collaborations,
activities and progress reports.

Every kind is read through the same access functions as its own list page
(accounts/access.py): a search never finds what the person could not open. At most
`LIMIT` hits per kind, with the number found, most recent or alphabetical first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access
from clustermonitor.activities.models import Activity
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.monitoring.models import ProgressReport
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import enterprise
from clustermonitor.registry import selectors as registry_selectors
from clustermonitor.registry.models import Organisation

LIMIT = 10
MIN_LENGTH = 2


@dataclass
class Hit:
    title: str
    detail: str
    url: str


@dataclass
class Group:
    kind: str
    label: str
    total: int
    hits: list[Hit] = field(default_factory=list)


def _clusters(user, query: str) -> Group:
    found = Cluster.objects.filter(
        Q(code__icontains=query) | Q(name__icontains=query) | Q(domain__icontains=query)
    ).order_by("code")
    hits = [
        Hit(f"{c.code} – {c.name}", c.domain, reverse("programmes:cluster-detail", args=[c.code]))
        for c in found[:LIMIT]
    ]
    return Group("clusters", _("Clusters"), found.count(), hits)


def _organisations(user, query: str) -> Group:
    # The registry list's own search: name, enterprise number in any notation, postcode.
    where = registry_selectors.search_filter(query)
    found = access.organisations_for(user, Organisation.objects.filter(where)).order_by(
        "name", "pk"
    )
    hits = [
        Hit(o.name, enterprise.display(o.enterprise_number) if o.enterprise_number else "",
            reverse("registry:organisation-detail", args=[o.pk]))
        for o in found[:LIMIT]
    ]  # fmt: skip
    return Group("organisations", _("Organisations"), found.count(), hits)


def _collaborations(user, query: str) -> Group:
    found = access.collaborations_for(
        user, Collaboration.objects.filter(title__icontains=query)
    ).order_by("-start_date", "title")
    hits = [
        Hit(c.title, c.get_stage_display(),
            reverse("collaborations:collaboration-detail", args=[c.pk]))
        for c in found[:LIMIT]
    ]  # fmt: skip
    return Group("collaborations", _("Collaborations"), found.count(), hits)


def _activities(user, query: str) -> Group:
    found = access.activities_for(user, Activity.objects.filter(title__icontains=query)).order_by(
        "-date", "title"
    )
    hits = [
        Hit(a.title, a.date.strftime("%d/%m/%Y"),
            reverse("activities:activity-detail", args=[a.pk]))
        for a in found[:LIMIT]
    ]  # fmt: skip
    return Group("activities", _("Activities"), found.count(), hits)


def _reports(user, query: str) -> Group:
    clusters = [
        c
        for c in Cluster.objects.filter(Q(code__icontains=query) | Q(name__icontains=query))
        if user.has_perm("monitoring.view_reports", c)
    ]
    found = (
        ProgressReport.objects.filter(period__cluster__in=clusters)
        .select_related("period__cluster")
        .order_by("-period__end_date", "period__cluster__code")
    )
    hits = [
        Hit(str(r), r.get_state_display(), reverse("monitoring:report-detail", args=[r.pk]))
        for r in found[:LIMIT]
    ]
    return Group("reports", _("Progress reports"), found.count(), hits)


def search(user, query: str) -> list[Group]:
    """The groups with at least one hit, in a fixed order; nothing for a query shorter
    than `MIN_LENGTH` characters."""
    query = (query or "").strip()[:100]
    if len(query) < MIN_LENGTH:
        return []
    groups = [
        _clusters(user, query),
        _organisations(user, query),
        _collaborations(user, query),
        _activities(user, query),
        _reports(user, query),
    ]
    return [g for g in groups if g.total]
