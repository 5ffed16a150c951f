"""What the public pages show: published profiles and aggregates only (no member's name,
no figure of fewer than SUPPRESS_BELOW organisations)."""

import datetime
import functools
import json
from collections import Counter
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Least
from django.utils.translation import get_language

from clustermonitor.analysis import charts, disclosure, reach
from clustermonitor.analysis import finder as ranking
from clustermonitor.analysis.reach import SIZE_CLASSES, UNKNOWN
from clustermonitor.core import badges
from clustermonitor.core.memo import memo
from clustermonitor.members import finder
from clustermonitor.members.contributions import size_classes
from clustermonitor.members.models import FeeSchedule, FeeTier, Membership
from clustermonitor.portal import services
from clustermonitor.programmes.models import Call, Cluster, ClusterType, Programme
from clustermonitor.registry.models import Province

#: A count of fewer organisations than this is shown as "< 5" (analysis/disclosure.py).
SUPPRESS_BELOW = disclosure.MIN_CELL
SUPPRESSED = disclosure.SUPPRESSED
#: A second cell hidden so that the first cannot be worked out from the total.
HIDDEN = disclosure.HIDDEN

#: The languages of the public pages (`?lang=`, hreflang).
LANGUAGES = ("nl", "en")


def shown(value: int):
    return disclosure.shown(value, SUPPRESS_BELOW)


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
    type (code), province (NIS code: a member located there), nace (section: a member
    active in it), near (a point: a member within the finder's radius), running (only
    those)."""
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
    if filters.get("nace"):
        active = Membership.objects.active_on(today).filter(
            organisation__nace_2008__section=filters["nace"]
        )
        clusters = clusters.filter(pk__in=active.values("cluster_id"))
    if filters.get("near") is not None:
        clusters = clusters.filter(code__in=near(filters["near"], today))
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


def nace_choices() -> list[tuple[str, str]]:
    """The NACE sections, labelled in the reader's language."""
    labels = charts.NACE_SECTIONS["en" if get_language() == "en" else "nl"]
    return [(code, f"{code} – {label}") for code, label in sorted(labels.items())]


def near(point: tuple[float, float], today: datetime.date) -> set[str]:
    """The codes of the running clusters with a member within the finder's radius of
    `point` (the finder's kept aggregates: no query between writes)."""
    profiles, _shown = finder.kept_cluster_profiles(today)
    return {
        profile.code
        for profile in profiles
        if any(
            ranking.distance_km(point, (lat, lon)) <= ranking.RADIUS_KM
            for lat, lon, _n in profile.places
        )
    }


def members_map(clusters, today: datetime.date, draw: bool = False) -> dict:
    """Where the member organisations of `clusters` are (each cluster's members on its
    reference day), per municipality of the registered office: a municipality with
    fewer than SUPPRESS_BELOW of them is not drawn (`hidden` says how many organisations
    that leaves out). {"svg" (with `draw`, else ""), "rows" (municipality, n: largest
    first), "hidden"}: the page shows the rows, the map is a picture of its own."""
    day = Least(Value(today), F("cluster__end_date"))
    organisations = (
        Membership.objects.filter(cluster__in=clusters, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exclude(organisation__municipality=None)
        .values_list(
            "organisation_id",
            "organisation__municipality__nis",
            "organisation__municipality__name_nl",
            "organisation__municipality__province__nis",
            "organisation__latitude",
            "organisation__longitude",
        )
        .distinct()
        .order_by("organisation_id")
    )
    frame = pd.DataFrame(
        list(organisations),
        columns=[
            "organisation_id",
            "municipality_nis",
            "municipality",
            "province_nis",
            "latitude",
            "longitude",
        ],
    )
    frame["kind"] = "company"  # every member counts here, not only companies
    frame["cluster"] = ""
    places = reach.by_municipality(frame, companies_only=False)
    shown_places = places[places["n"] >= SUPPRESS_BELOW].reset_index(drop=True)
    hidden = int(places.loc[places["n"] < SUPPRESS_BELOW, "n"].sum())
    lang = "en" if get_language() == "en" else "nl"
    svg = ""
    if draw and len(shown_places):
        data = json.dumps(shown_places.round(4).to_dict("split"), sort_keys=True)
        svg = memo("portal-map", (data, lang), lambda: _drawn_map(data, lang))
    rows = [(r.municipality, int(r.n)) for r in shown_places.itertuples()]
    return {"svg": svg, "rows": rows, "hidden": hidden}


@functools.lru_cache(maxsize=64)
def _drawn_map(data: str, lang: str) -> str:
    """The map of `data` (a frame's "split" JSON), kept in the process by the data
    itself, so it can never be stale (also where core.memo is off, as in the tests)."""
    frame = pd.DataFrame(**{k: v for k, v in json.loads(data).items() if k != "index"})
    return charts.map_chart(frame, lang=lang, figsize=(8.0, 3.1))


def _domain_text(cluster) -> str:
    return " ".join([cluster.domain, *map(str, cluster.keywords or [])]).lower()


def _search_text(row: DirectoryRow) -> str:
    texts = [row.cluster.name, row.cluster.code, _domain_text(row.cluster)]
    texts += [row.data.get(n, "") for n in ("description", "description_en", "offer", "offer_en")]
    return " ".join(texts).lower()


def members_by_size(cluster, today: datetime.date) -> dict:
    """The cluster's member organisations on its reference day by size class, each cell
    under SUPPRESS_BELOW shown as "< 5"; when exactly one hidden cell has members, the
    smallest shown one is hidden too, as "…" (the total would give it away: the rule of
    analysis/disclosure.py, as the survey and the open figures)."""
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
    table = [[n] for n in cells.values()]
    primary, secondary = disclosure.hidden_cells(table, SUPPRESS_BELOW, rows=False)
    values = disclosure.shown_table(table, primary, secondary)
    rows = [
        {"size": size, "label": labels[size], "value": value[0]}
        for size, value in zip(cells, values, strict=True)
    ]
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
