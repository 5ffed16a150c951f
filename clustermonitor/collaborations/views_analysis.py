"""Figures from the collaboration records: KPI 3 per cluster and programme-wide with
the typology breakdowns, the intercluster overview (Table 10), the collaboration
network and matchmaking between clusters."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from clustermonitor.accounts import access
from clustermonitor.collaborations import exports, selectors
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.core import known, paging
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.programmes.models import KPI, Cluster, Programme, ReportedFigure, Target

VIEW = access.COLLABORATIONS_VIEW
PROGRAMME = access.COLLABORATIONS_PROGRAMME


def get_cluster(user, code: str, perm: str = VIEW):
    return access.get_cluster_collaborations_for_user(user, Cluster.objects, code, perm)


def _programme(request) -> Programme:
    return access.get_collaborations_programme_for_user(request.user, Programme.objects)


@login_required
def kpi3_cluster(request, code):
    cluster = get_cluster(request.user, code, VIEW)
    on = paging.date_param(request)
    kpi3 = selectors.cluster_kpi3(cluster, on)
    for verdict in kpi3.verdicts:
        verdict.label = selectors.reason_label(verdict.reason)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"kpi3-{cluster.code}-{on:%Y-%m-%d}.xlsx", exports.kpi3_cluster_sheets(kpi3)
        )
    reported = (
        known.reported_figures(
            ReportedFigure.objects.filter(cluster=cluster, metric=ReportedFigure.Metric.KPI3), on
        )
        .order_by("-source_date", "-pk")
        .first()
    )
    targets = Target.objects.filter(cluster=cluster, kpi__code="KPI3").order_by("due_date")
    return render(
        request,
        "collaborations/kpi3.html",
        {
            "cluster": cluster,
            "on": on,
            "kpi3": kpi3,
            "reported": reported,
            "targets": targets,
            "kpi": KPI.objects.filter(code="KPI3", programme=cluster.programme).first(),
            "minimum": selectors.KPI3_MIN_COMPANIES,
        },
    )


@login_required
def programme_overview(request):
    programme = _programme(request)
    on = paging.date_param(request)
    clusters = known.clusters(Cluster.objects.filter(programme=programme), on).select_related(
        "cluster_type"
    )
    result = selectors.programme_kpi3(clusters, on)
    reported = {
        f.cluster_id: f
        for f in known.reported_figures(
            ReportedFigure.objects.filter(
                cluster__programme=programme, metric=ReportedFigure.Metric.KPI3
            ),
            on,
        ).order_by("source_date", "pk")
    }
    years = result.years
    rows = [
        {
            "cluster": k.cluster,
            "value": k.value,
            "years": [k.by_year.get(y, 0) for y in years],
            "reported": reported.get(k.cluster.pk),
            "considered": len(k.verdicts),
        }
        for k in result.per_cluster
    ]
    collaborations = selectors.with_derived(
        Collaboration.objects.filter(programme=programme)
    ).prefetch_related("clusters")
    breakdown = selectors.breakdown_table(selectors.breakdowns(collaborations))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"kpi3-programme-{on:%Y-%m-%d}.xlsx",
            exports.kpi3_programme_sheets(result, rows, years, breakdown, collaborations),
        )
    distinct = result.distinct_by_year
    return render(
        request,
        "collaborations/programme.html",
        {
            "programme": programme,
            "on": on,
            "result": result,
            "rows": rows,
            "years": years,
            "year_sums": [sum(r["years"][i] for r in rows) for i in range(len(years))],
            "year_distinct": [distinct.get(y, 0) for y in years],
            "breakdown": breakdown,
            "total": collaborations.count(),
        },
    )


@login_required
def intercluster_overview(request):
    programme = _programme(request)
    overview = selectors.intercluster_overview(programme)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("intercluster.xlsx", exports.intercluster_sheets(overview))
    published = overview.published

    def pub(key):
        figure = published.get(key)
        return figure.value if figure else None

    comparisons = [
        (_("Applications"), overview.applications, pub("intercluster.applications")),
        (_("Approved"), overview.approved, pub("intercluster.approved")),
        (
            _("Involvements of hosted (gevestigde) IBNs"),
            overview.involvements.get("gevestigd", 0),
            pub("intercluster.involvements.gevestigd"),
        ),
        (
            _("Involvements of independent (zelfstandige) IBNs"),
            overview.involvements.get("zelfstandig", 0),
            pub("intercluster.involvements.zelfstandig"),
        ),
        (
            _("IBN–SPC applications"),
            overview.ibn_spc_applications,
            pub("intercluster.ibn_spc.submitted"),
        ),
        (_("IBN–SPC approved"), overview.ibn_spc_approved, pub("intercluster.ibn_spc.approved")),
    ]
    source = next(iter(published.values())).source if published else ""
    return render(
        request,
        "collaborations/intercluster.html",
        {
            "programme": programme,
            "overview": overview,
            "comparisons": comparisons,
            "source": source,
            "ibn_spc_share": (
                overview.ibn_spc_applications / overview.applications
                if overview.applications
                else None
            ),
        },
    )
