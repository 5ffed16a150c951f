"""Pages of the economic-impact estimate (issue 20): the programme's, for agency staff and
evaluators, and a cluster's own, for its manager too. Views parse the request, ask
accounts.access and render; the figure is impact.figures.

``?format=xlsx`` downloads the estimate, its event study and its splits; ``json`` the
command line's document; ``svg`` the event-study chart. Downloads never wait for the
background worker; the page does, and asks again until the estimate is there."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clustermonitor.accounts import access
from clustermonitor.analysis import impact as estimator
from clustermonitor.analysis.impact_chart import event_study_svg
from clustermonitor.core import i18n, paging
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.impact import exports, figures
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme

#: How often the page asks again for an estimate the worker has not kept yet.
MAX_POLLS = 30


def _choice(request, name: str, options, default: str) -> str:
    value = request.GET.get(name, "")
    return value if value in options else default


def _render(request, programme, template: str, context: dict, clusters=None, scope=""):
    on = paging.date_param(request)
    outcome = _choice(request, "outcome", figures.outcomes(), "fte")
    method = _choice(request, "method", estimator.METHODS, estimator.DEFAULT_METHOD)
    kind = request.GET.get("format")
    poll = int(request.GET["poll"]) if request.GET.get("poll", "").isdigit() else 0
    arguments = {"method": method, "clusters": clusters}
    if kind in ("xlsx", "json", "svg") or poll >= MAX_POLLS:
        found = figures.result(programme, on, outcome, **arguments)
    else:
        found = figures.result_or_queue(programme, on, outcome, **arguments)
    name = f"impact-{outcome}-{scope or programme.slug}-{on.isoformat()}"
    if kind == "xlsx":
        return xlsx_response(f"{name}.xlsx", exports.sheets(found))
    if kind == "json":
        response = HttpResponse(
            json.dumps(found, sort_keys=True, indent=2, ensure_ascii=False),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    label = str(figures.OUTCOME_LABELS[outcome])
    lang = i18n.supported(translation.get_language())
    if kind == "svg":
        svg = event_study_svg(
            found.get("event_study", []), label, lang, percent=outcome in figures.LOG_SCALE
        )
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
        return response
    query = request.GET.copy()
    for key in ("format", "poll", "part"):
        query.pop(key, None)
    context.update(
        programme=programme,
        on=on,
        outcome=outcome,
        outcome_label=label,
        outcomes=[(o, figures.OUTCOME_LABELS[o]) for o in figures.outcomes()],
        method=method,
        methods=estimator.METHODS,
        query=query.urlencode(),
        result=found,
    )
    if found is None:
        query["part"], query["poll"] = "body", str(poll + 1)
        context.update(pending=True, poll_query=query.urlencode())
    else:
        context.update(_shown(found, outcome, lang))
    partial = request.GET.get("part") == "body"
    response = render(request, "impact/_body.html" if partial else template, context)
    if found is None:
        response.keep = False
    return response


def _shown(found: dict, outcome: str, lang: str) -> dict:
    """What the page shows beside the result: the effect in words, the chart, the splits."""
    percent = outcome in figures.LOG_SCALE
    return {
        "effect": figures.effect_text(found.get("att"), outcome),
        "twfe_effect": figures.effect_text((found.get("twfe") or {}).get("att"), outcome),
        "chart": mark_safe(  # our own SVG (analysis.charts.to_svg)
            event_study_svg(
                found.get("event_study", []),
                str(figures.OUTCOME_LABELS[outcome]),
                lang,
                percent=percent,
            )
        ),
        "splits": [
            (figures.SPLIT_LABELS.get(by, by), groups)
            for by, groups in sorted(found.get("splits", {}).items())
        ],
        "log_scale": percent,
    }


@login_required
def programme_impact(request):
    """The programme's estimate: every company that entered the programme against the
    companies that never did (or not yet), for agency staff and evaluators."""
    access.require_impact_reader(request.user)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    types = list(programme.cluster_types.order_by("code").values_list("code", flat=True))
    cluster_type = _choice(request, "type", types, "")
    clusters = None
    if cluster_type:  # the companies that entered through a cluster of this type
        clusters = list(
            Cluster.objects.filter(programme=programme, cluster_type__code=cluster_type).order_by(
                "code"
            )
        )
    return _render(
        request,
        programme,
        "impact/programme.html",
        {"cluster_types": types, "cluster_type": cluster_type},
        clusters=clusters,
        scope=cluster_type.lower(),
    )


@login_required
def cluster_impact(request, code):
    """One cluster's estimate: the companies that entered the programme through it. Its
    manager reads it (the estimator suppresses it below ten firms on either side)."""
    cluster = access.impact_cluster(request.user, Cluster.objects, code)
    return _render(
        request,
        cluster.programme,
        "impact/cluster.html",
        {"cluster": cluster, "title": _("Economic effects of %(cluster)s") % {"cluster": cluster}},
        clusters=[cluster],
        scope=cluster.code.lower(),
    )
