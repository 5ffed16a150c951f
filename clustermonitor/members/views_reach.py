"""The reach analysis pages (the evaluation's Figures 2–5 and the NACE mix), per
programme and per cluster, for a chosen reference date: SVG figures, tables, .xlsx."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

from clustermonitor.accounts import access
from clustermonitor.analysis import charts, reach
from clustermonitor.core import i18n, paging
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.pagecache import kept_page
from clustermonitor.members import exports, figures_reach
from clustermonitor.members.kept import reads_members
from clustermonitor.members.reach import reach_rows
from clustermonitor.programmes import selectors as programme_selectors
from clustermonitor.programmes.models import Cluster


def _svg(result: dict, lang: str) -> dict:
    # Our own matplotlib output, text drawn as paths: safe to inline.
    return {k: mark_safe(v) for k, v in figures_reach.kept_figures(result, lang).items()}


def _render(request, rows, on, cluster=None):
    frame = figures_reach.reach_frame(rows)
    result = figures_reach.analyse(frame, on, cluster.code if cluster else None)
    if request.GET.get("format") == "xlsx":
        name = f"reach-{cluster.code if cluster else 'programme'}-{on.isoformat()}.xlsx"
        return xlsx_response(name, exports.reach_sheets(result, on))
    lang = i18n.lang()
    return render(
        request,
        "members/reach.html",
        {
            "cluster": cluster,
            "on": on,
            "result": result,
            "svg": _svg(result, lang) if result["n_memberships"] else None,
            "sizes": result["sizes"].to_dict("records"),
            "ages": result["ages"].to_dict("records"),
            "memberships": result["memberships"].to_dict("records"),
            "nace": result["nace"].to_dict("records"),
            "nace_labels": charts.nace_labels(lang),
            "labels": {
                k: charts.label(k, lang)
                for k in [
                    *reach.SIZE_CLASSES,
                    *reach.AGE_CLASSES,
                    reach.UNKNOWN,
                    "1",
                    "2",
                    "3",
                    "4+",
                ]
            },
            "query": request.GET.urlencode(),
        },
    )


@login_required
@kept_page(access.needs("registry.view_registry"))
def reach_programme(request):
    access.check(request.user, "registry.view_registry")
    on = paging.date_param(request)
    programme = programme_selectors.current_programme(request.GET.get("programme"))
    return _render(request, reach_rows(on=on, programme=programme), on)


@login_required
@kept_page(reads_members)
def reach_cluster(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    on = paging.date_param(request)
    rows = reach_rows(on=on, programme=cluster.programme, members_of=cluster)
    return _render(request, rows, on, cluster)
