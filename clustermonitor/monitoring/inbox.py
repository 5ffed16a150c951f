"""The inbox of the home page: what needs this person's action today, and their KPI cards.

Computed from the records on every visit, never stored: an item goes as soon as its cause
is dealt with (a report reviewed, an import committed, a follow-up closed). Each source
reads only the clusters the person follows:

- a cluster manager: the clusters they manage (reports returned or due, warnings,
  attendee rows "to check" counted per cluster, imports they left half-way, bank
  statement lines that wait for a decision);
- an account manager: the clusters whose account manager they are (reports to review,
  warnings, their attention points);
- a programme manager: every cluster (reports to review, warnings by kind, attention
  points, open survey waves, bank statement lines that wait for a decision);
- the evaluator: open survey waves.

Apps above monitoring add items of their own (the public portal's join requests): each
registers a source, `(user, clusters, today) -> [Item]`, in its `AppConfig.ready()`
(`register`); a source reads only the clusters it is given.

Every item has a severity (high: late or blocking someone; medium: due soon; low: to
know), a date when it has one, and the page where it is dealt with.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.accountmanagement.selectors import open_attention_points
from clustermonitor.accounts import access
from clustermonitor.activities.models import Participation
from clustermonitor.banking.models import StatementLine
from clustermonitor.core import i18n
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.monitoring.models import ProgressReport, State
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme
from clustermonitor.surveys.models import Wave, member_waves

# monitoring.dashboard, monitoring.warnings and analysis.trajectory (pandas, matplotlib)
# are imported inside the functions that read them: the apps register their sources here
# from AppConfig.ready(), so this module is imported by every process at start-up.

#: A draft report comes into the inbox this many days before it is due.
DUE_NOTICE_DAYS = 30
#: Imports left half-way are shown this long.
IMPORT_NOTICE_DAYS = 30
#: A bank statement line that waits longer than this for a decision is urgent (a member
#: has paid and its invoice still shows open; reminders would go out).
BANK_LINE_URGENT_DAYS = 14
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}

#: Item sources of the apps above monitoring (see the module), in registration order.
SOURCES: list = []


def register(source) -> None:
    """Add a source of items (an app above monitoring, from its AppConfig.ready())."""
    if source not in SOURCES:
        SOURCES.append(source)


#: Tile sources of the apps above monitoring: `(user, today) -> [Tile]` (the economic
#: effects' tile of impact), shown below the KPI cards in registration order.
TILE_SOURCES: list = []


def register_tiles(source) -> None:
    """Add a source of home-page tiles (an app above monitoring, from its ready())."""
    if source not in TILE_SOURCES:
        TILE_SOURCES.append(source)


@dataclass(frozen=True)
class Tile:
    """One figure on the home page with the page it comes from."""

    key: str
    title: str
    value: str  # the figure as shown (formatted by its app)
    detail: str
    url: str


def tiles(user, today: datetime.date | None = None) -> list[Tile]:
    """The tiles the registered sources give this person (each decides who sees what)."""
    today = today or datetime.date.today()
    return [tile for source in TILE_SOURCES for tile in source(user, today)]


@dataclass(frozen=True)
class Item:
    #: review | returned | due | overdue | warning | attention | import | rows | wave | bank,
    #: or a registered source's (join)
    kind: str
    severity: str  # high | medium | low
    title: str
    detail: str
    url: str
    date: datetime.date | None = None
    cluster: str = ""  # the cluster's code, when the item is about one


def _registered(user, clusters, today: datetime.date) -> list[Item]:
    return [item for source in SOURCES for item in source(user, clusters, today)]


def _sorted(items: list[Item]) -> list[Item]:
    far = datetime.date.max
    return sorted(
        items,
        key=lambda i: (SEVERITY_ORDER[i.severity], i.date or far, i.cluster, i.kind, i.title),
    )


def followed_clusters(user, today: datetime.date):
    """The clusters whose work lands in this person's inbox (see the module)."""
    clusters = Cluster.objects.select_related("cluster_type", "account_manager")
    if access.is_programme_manager(user):
        return clusters.order_by("code")
    managed = list(user.managed_cluster_ids)
    if managed:
        return clusters.filter(pk__in=managed).order_by("code")
    if access.is_agency(user):
        return clusters.filter(account_manager=user).order_by("code")
    return clusters.none()


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _due(report: str, day: datetime.date) -> str:
    return _("%(report)s, due %(date)s") % {"report": report, "date": _fmt(day)}


def _reports(user, clusters, today: datetime.date) -> list[Item]:
    items = []
    reports = (
        ProgressReport.objects.filter(period__cluster__in=clusters)
        .exclude(state=State.APPROVED)
        .select_related("period__cluster")
        .order_by("period__due_date", "pk")
    )
    for report in reports:
        cluster, period = report.period.cluster, report.period
        url = reverse("monitoring:report-detail", args=[report.pk])
        label = _("%(cluster)s, year %(n)d") % {"cluster": cluster.code, "n": period.number}
        if report.state == State.SUBMITTED:
            if user.has_perm("monitoring.review_report", cluster):
                items.append(
                    Item("review", "high", _("Progress report to review"), label, url,
                         period.due_date, cluster.code)
                )  # fmt: skip
            continue
        if not user.has_perm("monitoring.edit_report", cluster):
            continue
        if report.state == State.RETURNED:
            items.append(
                Item("returned", "high", _("Progress report returned with comments"), label, url,
                     period.due_date, cluster.code)
            )  # fmt: skip
        elif period.due_date < today:
            detail = _due(label, period.due_date)
            items.append(
                Item("overdue", "high", _("Progress report overdue"), detail, url,
                     period.due_date, cluster.code)
            )  # fmt: skip
        elif period.due_date <= today + datetime.timedelta(days=DUE_NOTICE_DAYS):
            detail = _due(label, period.due_date)
            items.append(
                Item("due", "medium", _("Progress report due soon"), detail, url,
                     period.due_date, cluster.code)
            )  # fmt: skip
    return items


def _warnings(user, clusters, today: datetime.date, *, grouped: bool) -> list[Item]:
    from clustermonitor.monitoring import warnings

    visible = [c for c in clusters if user.has_perm("monitoring.view_warnings", c)]
    if not visible:
        return []
    found = [w for w in warnings.collect(visible, today) if w.kind != "report"]  # see _reports
    index = i18n.lang_index()
    if grouped:  # the whole programme: one line per kind, the worklist has the rest
        counts = Counter(w.kind for w in found)
        high = {w.kind for w in found if w.severity == "high"}
        return [
            Item("warning", "high" if kind in high else "medium",
                 warnings.KIND_LABELS[kind][index],
                 ngettext("%(n)d warning", "%(n)d warnings", n) % {"n": n},
                 reverse("monitoring:warnings") + f"?kind={kind}")
            for kind, n in sorted(counts.items())
        ]  # fmt: skip
    return [
        Item("warning", w.severity, warnings.KIND_LABELS[w.kind][index], w.message,
             w.url or reverse("monitoring:warnings-cluster", args=[w.cluster.code]),
             w.date, w.cluster.code)
        for w in found
    ]  # fmt: skip


def _attention(user, today: datetime.date) -> list[Item]:
    if not user.has_perm("programmes.view_account"):
        return []
    points = open_attention_points(user=user, today=today, within_days=14)
    return [
        Item("attention", "high" if p.overdue else "medium", _("Follow-up"),
             f"{p.cluster.code}: {p.title}",
             reverse("programmes:account", args=[p.cluster.code]), p.follow_up_on, p.cluster.code)
        for p in points
    ]  # fmt: skip


def _imports(user, today: datetime.date) -> list[Item]:
    since = today - datetime.timedelta(days=IMPORT_NOTICE_DAYS)
    batches = (
        ImportBatch.objects.filter(
            uploaded_by=user,
            state__in=[ImportBatch.State.UPLOADED, ImportBatch.State.CHECKED],
            created_at__date__gte=since,
        )
        .select_related("cluster")
        .order_by("created_at", "pk")
    )
    return [
        Item("import", "medium", _("Import not finished"),
             f"{b.cluster.code}: {b.original_name}",
             reverse("members:import-detail", args=[b.pk]), b.created_at.date(), b.cluster.code)
        for b in batches
    ]  # fmt: skip


def _rows_to_check(user, clusters) -> list[Item]:
    """Attendee rows the import could not match, one line per cluster the user manages."""
    managed = [c for c in clusters if c.pk in set(user.managed_cluster_ids)]
    if not managed:
        return []
    counts = (
        Participation.objects.filter(needs_review=True, activity__clusters__in=managed)
        .values("activity__clusters__code")
        .annotate(rows=Count("pk", distinct=True), activities=Count("activity", distinct=True))
        .order_by("activity__clusters__code")
    )
    codes = {c.code for c in managed}
    return [
        Item("rows", "medium", _("Attendees to check"),
             _("%(code)s: %(rows)s to check in %(activities)s")
             % {"code": row["activity__clusters__code"],
                "rows": ngettext("%(n)d row", "%(n)d rows", row["rows"]) % {"n": row["rows"]},
                "activities": ngettext("%(n)d activity", "%(n)d activities", row["activities"])
                % {"n": row["activities"]}},
             reverse("activities:activity-list", args=[row["activity__clusters__code"]]),
             None, row["activity__clusters__code"])
        for row in counts
        if row["activity__clusters__code"] in codes
    ]  # fmt: skip


def _bank_lines(user, clusters, today: datetime.date) -> list[Item]:
    """Bank statement lines that wait for a decision (never matched by a guess), one line
    per cluster whose statements this person keeps (its cluster manager, the programme
    manager); high once the oldest has waited BANK_LINE_URGENT_DAYS."""
    visible = [c.pk for c in clusters if user.has_perm(access.BANKING_VIEW, c)]
    if not visible:
        return []
    rows = (
        StatementLine.objects.filter(
            statement__account__cluster_id__in=visible, status=StatementLine.Status.UNMATCHED
        )
        .values("statement__account__cluster__code")
        .annotate(n=Count("pk"), since=Min("value_date"))
        .order_by("statement__account__cluster__code")
    )
    urgent = today - datetime.timedelta(days=BANK_LINE_URGENT_DAYS)
    return [
        Item("bank", "high" if row["since"] < urgent else "medium",
             _("Bank statement lines waiting for a decision"),
             ngettext("%(code)s: %(n)d payment line waits for a decision",
                      "%(code)s: %(n)d payment lines wait for a decision", row["n"])
             % {"code": row["statement__account__cluster__code"], "n": row["n"]},
             reverse("banking:statements", args=[row["statement__account__cluster__code"]])
             + "#lines-waiting",
             row["since"], row["statement__account__cluster__code"])
        for row in rows
    ]  # fmt: skip


def _waves(user, today: datetime.date) -> list[Item]:
    if not user.has_perm(access.SURVEYS_MANAGE):
        return []
    waves = (
        Wave.objects.filter(opens_on__lte=today, closes_on__gte=today, closed_at__isnull=True)
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations",
                filter=Q(invitations__response__completed_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("closes_on", "pk")
    )
    if not user.has_perm(access.MANAGER_SURVEY_RESULTS):
        waves = member_waves(waves)  # a manager wave is the agency's only
    return [
        Item("wave", "low", _("Survey open"),
             _("%(wave)s: %(answered)d of %(invited)d answered, closes %(date)s")
             % {"wave": w.name, "answered": w.answered, "invited": w.invited,
                "date": _fmt(w.closes_on)},
             reverse("surveys:wave-detail", args=[w.pk]), w.closes_on)
        for w in waves
    ]  # fmt: skip


def items_for(user, today: datetime.date | None = None) -> list[Item]:
    """Everything in this person's inbox, most urgent first."""
    today = today or datetime.date.today()
    clusters = list(followed_clusters(user, today))
    items = _reports(user, clusters, today)
    items += _warnings(user, clusters, today, grouped=access.is_programme_manager(user))
    items += _attention(user, today)
    items += _imports(user, today)
    items += _rows_to_check(user, clusters)
    items += _bank_lines(user, clusters, today)
    items += _waves(user, today)
    items += _registered(user, clusters, today)
    return _sorted(items)


def for_cluster(user, cluster, today: datetime.date | None = None) -> list[Item]:
    """The items about one cluster (its "Today" page): reports, warnings, attendee rows,
    bank statement lines."""
    today = today or datetime.date.today()
    items = _reports(user, [cluster], today)
    items += _warnings(user, [cluster], today, grouped=False)
    items += _rows_to_check(user, [cluster])
    items += _bank_lines(user, [cluster], today)
    items += _registered(user, [cluster], today)
    return _sorted(items)


# -- KPI cards ------------------------------------------------------------------------


@dataclass
class Card:
    """One KPI of one cluster against its target, or one KPI's spread over the programme."""

    title: str
    cluster: str
    status: str  # on_track | at_risk | off_track | unknown (analysis.trajectory)
    value: object = None
    target: object = None
    url: str = ""
    spark: str = ""  # an SVG polyline's points, 0..100 × 0..24
    counts: dict = field(default_factory=dict)  # status → clusters (programme cards)

    @property
    def status_label(self) -> str:
        from clustermonitor.monitoring import dashboard

        return str(dashboard.STATUS_LABELS[self.status])

    @property
    def count_labels(self) -> list[tuple[str, str, int]]:
        """(status, label, clusters) in the trajectories' order, the statuses present."""
        from clustermonitor.analysis import trajectory
        from clustermonitor.monitoring import dashboard

        return [
            (s, str(dashboard.STATUS_LABELS[s]), self.counts[s])
            for s in trajectory.STATUS_ORDER
            if self.counts.get(s)
        ]

    @property
    def percent(self) -> int | None:
        if self.value is None or not self.target:
            return None
        return round(100 * self.value / self.target)


def sparkline(values: list, target=None, width: int = 100, height: int = 24) -> str:
    """The points of a small line through `values` (oldest first), scaled so that the
    target (when given) or the highest value touches the top."""
    numbers = [float(v) for v in values if v is not None]
    if not numbers:
        return ""
    top = max([*numbers, float(target or 0)]) or 1.0
    step = width / max(len(numbers) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - height * v / top, 1)}" for i, v in enumerate(numbers)
    )


def kpi_cards(user, today: datetime.date | None = None, *, limit: int = 4) -> list[Card]:
    """A cluster manager's or account manager's clusters, three cards each (the first
    `limit` clusters); for the programme's readers, one card per KPI with the clusters
    on track, at risk and off track."""
    from clustermonitor.monitoring import dashboard

    today = today or datetime.date.today()
    clusters = list(followed_clusters(user, today))
    if access.is_programme_manager(user) or (
        not clusters and user.has_perm("programmes.view_portfolio")
    ):
        programme = current_programme(None)
        if programme is None:
            return []
        rows = dashboard.programme_trajectories(programme, today)
        cards = []
        for code in dashboard.KPI_CODES:
            mine = [r for r in rows if r.code == code and r.running]
            counts = Counter(r.status for r in mine)
            name = next((str(r.kpi.label) for r in mine if r.kpi), code)
            worst = next(
                (s for s in ("off_track", "at_risk", "on_track") if counts.get(s)), "unknown"
            )
            cards.append(
                Card(f"{code} – {name}", "", worst, url=reverse("monitoring:trajectories"),
                     counts=dict(counts))
            )  # fmt: skip
        return cards
    cards = []
    running_first = sorted(clusters, key=lambda c: (c.end_date < today, c.code))
    for cluster in running_first[:limit]:
        if not user.has_perm("programmes.view_cluster_records", cluster):
            continue
        for row in dashboard.cluster_trajectories(cluster, today):
            values = [f.value for f in row.reported]
            target = row.target.value if row.target else None
            cards.append(
                Card(
                    f"{row.code} – {row.kpi.label}" if row.kpi else row.code,
                    cluster.code,
                    row.status,
                    value=values[-1] if values else None,
                    target=target,
                    url=reverse("monitoring:trajectories-cluster", args=[cluster.code]),
                    spark=sparkline(values, target),
                )
            )
    return cards
