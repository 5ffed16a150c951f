"""The programme dashboard (Tables 5 and 7) and the trajectories (issue 6).

Who sees what (accounts/access.py): the dashboard and the programme's trajectories are
for programme readers (agency and evaluators); a cluster's own trajectories also for its
manager. Everyone else gets 404; an anonymous visitor the login page.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.accounts import access
from clustermonitor.analysis import trajectory as method
from clustermonitor.core import i18n, paging, sharedcache
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.memo import memo, memo_or_queue
from clustermonitor.core.pagecache import kept_page
from clustermonitor.monitoring import dashboard as selectors
from clustermonitor.monitoring import exports
from clustermonitor.monitoring.tasks import dashboard_task
from clustermonitor.programmes.models import Cluster, Programme
from clustermonitor.programmes.selectors import current_programme

#: The text's figures on groups of clusters (Table 5's surroundings), by key.
PUBLISHED_LABELS = {
    "table5.call1_first_14.reached_member_target_after_year_2": gettext_lazy(
        "Call 1 (the first 14 IBNs): reached the member target after year 2"
    ),
    "table5.call1_first_14.not_yet_reached_collaboration_target_end_2018": gettext_lazy(
        "Call 1: not yet at the collaboration target at the end of 2018"
    ),
    "table5.call1_first_14.collaboration_target_3y_total": gettext_lazy(
        "Call 1: collaboration targets over 3 years, together"
    ),
    "table5.subsidy_over_400k.clusters": gettext_lazy("IBNs with a subsidy over EUR 400,000"),
    "table5.subsidy_over_400k.members_end_2018": gettext_lazy("their members at the end of 2018"),
    "table5.subsidy_over_400k.share_of_total": gettext_lazy("their share of all members"),
    "table5.others_members_end_2018.clusters": gettext_lazy("the other IBNs"),
    "table5.others_members_end_2018.members": gettext_lazy("their members at the end of 2018"),
    "table5.others_members_end_2018.missing_reports": gettext_lazy("of which without a report"),
}


def _programme(request) -> Programme:
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    return programme


def _cluster_type(request, programme: Programme) -> str:
    codes = set(programme.cluster_types.values_list("code", flat=True))
    if "type" not in request.GET:
        return selectors.default_cluster_type(programme)
    value = request.GET["type"]
    return value if value in codes else ""


# -- Dashboard -----------------------------------------------------------------------


@login_required
@kept_page(access.needs("monitoring.view_dashboard"))
def dashboard(request):
    access.check(request.user, "monitoring.view_dashboard")
    programme = _programme(request)
    cluster_type = _cluster_type(request, programme)
    today = datetime.date.today()
    language = translation.get_language()
    years = _years(programme, today)
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and int(text) in years else None
    poll = int(request.GET["poll"]) if request.GET.get("poll", "").isdigit() else 0
    part = request.GET.get("part")
    arguments = (programme, year, today, cluster_type, language, years)
    if request.GET.get("format") == "xlsx" or poll >= MAX_POLLS:
        # A download never waits; nor does a page no worker answered for a minute.
        data = memo(
            "dashboard",
            lambda: selectors.dashboard_inputs(*arguments),
            lambda: selectors.compute_dashboard(*arguments),
        )
    else:
        # Every fee and collaboration of the programme: seconds at 200 clusters after a
        # change, so computed by the background worker where there is one (core.memo);
        # the page answers at once and fetches the tables when they are there.
        data = memo_or_queue(
            "dashboard",
            lambda: selectors.dashboard_inputs(*arguments),
            lambda: selectors.compute_dashboard(*arguments),
            dashboard_task,
            programme.pk,
            year,
            today.isoformat(),
            cluster_type,
            language,
        )
    context = {
        "programme": programme,
        "years": years,
        "year": year,
        "cluster_type": cluster_type,
        "cluster_types": programme.cluster_types.all(),
        "query": request.GET.urlencode(),
    }
    if data is None:
        query = request.GET.copy()
        for name in ("format", "poll", "part"):
            query.pop(name, None)
        query["part"], query["poll"] = "body", str(poll + 1)
        context.update(pending=True, poll_query=query.urlencode())
        response = render(
            request,
            "monitoring/_dashboard_body.html" if part == "body" else "monitoring/dashboard.html",
            context,
        )
        response.keep = False  # the tables are still coming
        return response
    if request.GET.get("format") == "xlsx":
        suffix = f"-{year}" if year else ""
        return xlsx_response(
            f"dashboard-{programme.slug}{suffix}.xlsx", exports.dashboard_sheets(data)
        )
    kpis = [(code, data.kpis.get(code)) for code in selectors.KPI_CODES]
    for group in [data.programme_total, *data.by_call, *data.by_embedding]:
        for total in group.ordered:
            kpi = data.kpis.get(total.code)
            total.name = kpi.label if kpi else ""
    context.update(
        {
            "data": data,
            "kpis": kpis,
            "groups": [
                ("programme", _("Programme-wide"), [data.programme_total]),
                ("by-call", _("By call"), data.by_call),
                ("by-embedding", _("By embedding"), data.by_embedding),
            ],
            "published_notes": [
                (PUBLISHED_LABELS.get(f.key, f.key), f, f.key.endswith("share_of_total"))
                for f in sorted(data.published_notes, key=_note_order)
            ],
            "on": data.until.isoformat(),
        }
    )
    return render(
        request,
        "monitoring/_dashboard_body.html" if part == "body" else "monitoring/dashboard.html",
        context,
    )


#: The placeholder asks every 2 s; after this many the page computes the tables itself.
MAX_POLLS = 30


def _years(programme: Programme, today: datetime.date) -> list[int]:
    """The programme's years (one query; none between writes with a shared cache)."""
    return sharedcache.mirrored(
        f"dashboard-years:{programme.pk}:{today.isoformat()}",
        lambda: selectors.programme_years(programme, today),
    )


def _note_order(figure) -> tuple[int, str]:
    order = list(PUBLISHED_LABELS)
    return (order.index(figure.key) if figure.key in order else len(order), figure.key)


# -- Trajectories --------------------------------------------------------------------


STATUS_CLASSES = {
    method.OFF_TRACK: "status danger",
    method.AT_RISK: "status status-invoiced",
    method.ON_TRACK: "status status-paid",
    method.UNKNOWN: "status status-expected",
}


def _decorate(rows) -> None:
    for row in rows:
        row.status_label = selectors.STATUS_LABELS[row.status]
        row.status_class = STATUS_CLASSES[row.status]
        row.method_label = selectors.METHOD_LABELS[row.trajectory.method]


@login_required
def trajectories(request):
    access.check(request.user, "monitoring.view_dashboard")
    programme = _programme(request)
    on = paging.date_param(request)
    cluster_type = _cluster_type(request, programme)
    rows = selectors.programme_trajectories(programme, on, cluster_type=cluster_type)
    _decorate(rows)
    counts = {status: 0 for status in method.STATUS_ORDER}
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "monitoring/trajectories.html",
        {
            "programme": programme,
            "on": on,
            "rows": rows,
            "counts": [(s, selectors.STATUS_LABELS[s], counts[s]) for s in method.STATUS_ORDER],
            "cluster_type": cluster_type,
            "cluster_types": programme.cluster_types.all(),
            "at_risk_percent": int(method.AT_RISK_SHARE * 100),
        },
    )


@login_required
def trajectories_cluster(request, code):
    cluster = (
        Cluster.objects.select_related("programme", "cluster_type", "call")
        .filter(code=code)
        .first()
    )
    if cluster is None:
        raise Http404
    access.check(
        request.user, "monitoring.view_reports", cluster, visible="monitoring.view_reports"
    )
    on = paging.date_param(request)
    rows = selectors.cluster_trajectories(cluster, on)
    _decorate(rows)
    lang = i18n.lang()
    for row in rows:
        row.chart = None
        if not row.trajectory.points and row.target is None:
            continue  # nothing to draw
        title = f"{row.code} – {row.kpi.label}" if row.kpi else row.code
        # matplotlib escapes the text it writes (the KPI's name); the rest is ours.
        # A chart takes tens of milliseconds to draw: kept by what it is drawn from
        # (core.memo), so the same trajectory is drawn once, whoever opens the page.
        axis_label = row.kpi.unit if row.kpi else None
        row.chart = mark_safe(
            memo(
                "trajectory-chart",
                (row.trajectory, lang, title, axis_label),
                lambda row=row, title=title, axis_label=axis_label: method.chart(
                    row.trajectory, lang=lang, title=title, axis_label=axis_label
                ),
            )
        )
    return render(
        request,
        "monitoring/trajectories_cluster.html",
        {
            "cluster": cluster,
            "on": on,
            "rows": rows,
            "can_see_programme": request.user.has_perm("monitoring.view_dashboard"),
            "at_risk_percent": int(method.AT_RISK_SHARE * 100),
        },
    )
