"""What the public pages show: published profiles and aggregates only (no member's name,
no figure of fewer than SUPPRESS_BELOW organisations)."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Least
from django.utils.translation import get_language

from clustermonitor.analysis.reach import SIZE_CLASSES, UNKNOWN
from clustermonitor.core import badges
from clustermonitor.members.contributions import size_classes
from clustermonitor.members.models import FeeSchedule, FeeTier, Membership
from clustermonitor.portal import services
from clustermonitor.programmes.models import Call, Cluster, ClusterType, Programme
from clustermonitor.registry.models import Province

#: A count of fewer organisations than this is shown as "< 5".
SUPPRESS_BELOW = 5
SUPPRESSED = "< 5"
#: A second cell hidden so that the first cannot be worked out from the total.
HIDDEN = "…"

#: The languages of the public pages (`?lang=`, hreflang).
LANGUAGES = ("nl", "en")


def shown(value: int):
    return SUPPRESSED if value < SUPPRESS_BELOW else value


def reference_day(cluster, today: datetime.date) -> datetime.date:
    """The day a cluster's members are counted on: today, or its last day if it ended."""
    return min(today, cluster.end_date)


def _counted_on(today: datetime.date):
    day = Least(Value(today), F("end_date"))
    return Q(memberships__start_date__lte=day) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=day)
    )


@dataclass
class DirectoryRow:
    cluster: Cluster
    data: dict
    running: bool
    past: bool
    members: object  # a number or SUPPRESSED

    def text(self, name: str) -> str:
        return localised(self.data, name)


def localised(data: dict, name: str) -> str:
    """A published text in the reader's language (English falls back to Dutch)."""
    if get_language() == "en" and data.get(f"{name}_en"):
        return data[f"{name}_en"]
    return data.get(name, "")


def type_choices():
    return [(t.code, t.label) for t in ClusterType.objects.order_by("code")]


def province_choices():
    field = "name_nl"
    return [(p.nis, getattr(p, field)) for p in Province.objects.order_by(field)]


def directory(today: datetime.date, filters: dict) -> list[DirectoryRow]:
    """Every cluster with a published profile, running ones first, then the past ones.
    `filters`: q (name, domain, keywords, published texts), domain (domain and keywords),
    type (code), province (NIS code: a member located there), running (only those)."""
    clusters = (
        Cluster.objects.filter(profile__publication__isnull=False)
        .select_related("cluster_type", "profile__publication")
        .annotate(
            member_count=Count(
                "memberships__organisation", filter=_counted_on(today), distinct=True
            )
        )
        .order_by("name")
    )
    if filters.get("running"):
        clusters = clusters.filter(start_date__lte=today, end_date__gte=today)
    if filters.get("type"):
        clusters = clusters.filter(cluster_type__code=filters["type"])
    if filters.get("province"):
        located = Membership.objects.active_on(today).filter(
            organisation__municipality__province__nis=filters["province"]
        )
        clusters = clusters.filter(pk__in=located.values("cluster_id"))
    rows = [
        DirectoryRow(
            cluster=c,
            data=c.profile.publication.data,
            running=c.start_date <= today <= c.end_date,
            past=c.end_date < today,
            members=shown(c.member_count),
        )
        for c in clusters
    ]
    domain = (filters.get("domain") or "").strip().lower()
    if domain:
        rows = [r for r in rows if domain in _domain_text(r.cluster)]
    query = (filters.get("q") or "").strip().lower()
    if query:
        rows = [r for r in rows if query in _search_text(r)]
    rows.sort(key=lambda r: (not r.running, r.cluster.name.lower()))
    return rows


def _domain_text(cluster) -> str:
    return " ".join([cluster.domain, *map(str, cluster.keywords or [])]).lower()


def _search_text(row: DirectoryRow) -> str:
    texts = [row.cluster.name, row.cluster.code, _domain_text(row.cluster)]
    texts += [row.data.get(n, "") for n in ("description", "description_en", "offer", "offer_en")]
    return " ".join(texts).lower()


def members_by_size(cluster, today: datetime.date) -> dict:
    """The cluster's member organisations on its reference day by size class, each cell
    under SUPPRESS_BELOW shown as "< 5"; when exactly one cell is hidden, the smallest
    other one is hidden too (the total would give it away)."""
    day = reference_day(cluster, today)
    ids = set(
        Membership.objects.filter(cluster=cluster)
        .active_on(day)
        .values_list("organisation_id", flat=True)
    )
    counts = Counter(size_classes(ids, day.year).values())
    classes = [*SIZE_CLASSES, UNKNOWN]
    labels = dict(FeeTier.SIZE_CLASSES)
    cells = {size: counts.get(size, 0) for size in classes}
    if cells[UNKNOWN] == 0:
        del cells[UNKNOWN]  # a class no member is in, beside the four
    hidden = {size for size, n in cells.items() if n < SUPPRESS_BELOW}
    if len(hidden) == 1:
        others = [s for s in cells if s not in hidden]
        if others:
            hidden.add(min(others, key=lambda s: (cells[s], classes.index(s))))
    rows = []
    for size, n in cells.items():
        value = n
        if size in hidden:
            value = SUPPRESSED if n < SUPPRESS_BELOW else HIDDEN
        rows.append({"size": size, "label": labels[size], "value": value})
    return {"day": day, "rows": rows, "total": shown(len(ids))}


def fees(cluster, today: datetime.date) -> dict | None:
    """The cluster's latest fee schedule up to this year: the amount per size class."""
    schedule = (
        FeeSchedule.objects.filter(cluster=cluster, year__lte=today.year)
        .prefetch_related("tiers")
        .order_by("-year")
        .first()
    )
    if schedule is None:
        return None
    labels = dict(FeeTier.SIZE_CLASSES)
    order = [s for s, _label in FeeTier.SIZE_CLASSES]
    tiers = sorted(schedule.tiers.all(), key=lambda t: order.index(t.size_class))
    return {
        "year": schedule.year,
        "tiers": [{"label": labels[t.size_class], "amount": t.amount} for t in tiers],
    }


def programme():
    """The programme the public pages present (the first one set up)."""
    return Programme.objects.order_by("pk").first()


def calls(programme, today: datetime.date) -> list[dict]:
    """The programme's calls with their state today: the open and coming ones first
    (closing soonest first), then the closed ones (the latest first)."""
    rows = [
        {"call": call, "state": badges.call_state(call, today)}
        for call in Call.objects.filter(programme=programme).select_related("cluster_type")
    ]
    current = [r for r in rows if r["state"] in ("open", "closing_soon", "upcoming")]
    current.sort(key=lambda r: (r["call"].closes_on or datetime.date.max, r["call"].pk))
    past = [r for r in rows if r not in current]
    past.sort(
        key=lambda r: (r["call"].closes_on or datetime.date.min, r["call"].number, r["call"].pk),
        reverse=True,
    )
    return current + past


def front(today: datetime.date) -> dict:
    """The front page's facts: the programme manager's texts (or the defaults), the
    cluster types with their rules, the calls and how many clusters run."""
    running = Q(profile__publication__isnull=False, start_date__lte=today, end_date__gte=today)
    current = programme()
    types = ClusterType.objects.select_related("programme").order_by("code")
    if current is not None:
        types = types.filter(programme=current)
    published = Cluster.objects.filter(running).count()
    page = services.programme_page(current) if current else None
    return {
        "types": list(types),
        "running": published,
        "page": page,
        "introduction": page.text("introduction") if page else "",
        "how_to_apply": page.text("how_to_apply") if page else "",
        "calls": calls(current, today) if current else [],
    }
