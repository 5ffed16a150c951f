"""The worklist: early warnings, and the attention points the agency follows up."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from clustermonitor.accounts import access
from clustermonitor.core import i18n
from clustermonitor.monitoring import warnings
from clustermonitor.programmes.models import Cluster


def _label(kind: str) -> str:
    return warnings.KIND_LABELS[kind][i18n.lang_index()]


def _render(request, clusters, *, cluster=None, mine=False):
    today = datetime.date.today()
    found = warnings.collect(clusters, today)
    kind = request.GET.get("kind", "")
    if kind in warnings.KIND_LABELS:
        found = [w for w in found if w.kind == kind]
    for w in found:
        w.label = _label(w.kind)
    from clustermonitor.accountmanagement.selectors import open_attention_points

    points = (
        open_attention_points(user=request.user if mine else None, cluster=cluster, today=today)
        if request.user.has_perm("programmes.view_account")
        else []
    )
    return render(
        request,
        "monitoring/warnings.html",
        {
            "cluster": cluster,
            "warnings": found,
            "kinds": [(k, _label(k)) for k in warnings.KIND_LABELS],
            "kind": kind,
            "mine": mine,
            "points": points,
            "today": today,
        },
    )


@login_required
def worklist(request):
    """All clusters for the agency; an account manager sees their own clusters first
    (`?mine=1`, the default when they follow any)."""
    access.check(request.user, "monitoring.view_warnings")
    if not access.is_agency(request.user):
        raise Http404
    clusters = Cluster.objects.select_related("cluster_type").order_by("code")
    followed = clusters.filter(account_manager=request.user)
    mine = request.GET.get("mine", "1" if followed.exists() else "") == "1"
    return _render(request, followed if mine else clusters, mine=mine)


@login_required
def cluster_worklist(request, code):
    cluster = Cluster.objects.select_related("cluster_type").filter(code=code).first()
    if cluster is None:
        raise Http404
    access.check(
        request.user, "monitoring.view_warnings", cluster, visible="monitoring.view_warnings"
    )
    return _render(request, [cluster], cluster=cluster)
