"""The share of active members (issue 4): members by the activities they attended in
the year up to a date, for one cluster or the programme."""

import datetime

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clustermonitor.accounts import access
from clustermonitor.activities import figures as activity_figures
from clustermonitor.analysis import participation
from clustermonitor.core import paging
from clustermonitor.members import figures
from clustermonitor.members.models import Membership
from clustermonitor.programmes import selectors as programme_selectors
from clustermonitor.programmes.models import Cluster


def _participation(clusters, on):
    degree = participation.activity_degree(
        pd.DataFrame(
            activity_figures.participation_rows(clusters, on - datetime.timedelta(days=366), on),
            columns=["cluster", "organisation_id", "activity_id", "date"],
        ),
        pd.DataFrame(
            figures.member_rows(clusters, on),
            columns=["cluster", "organisation_id", "kind", "size_class", "embedding"],
        ),
        pd.Timestamp(on),
    )
    return degree


@login_required
def participation_page(request, code=None):
    if code:
        cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
        clusters = [cluster]
    else:
        access.check(request.user, "registry.view_registry")
        cluster = None
        programme = programme_selectors.current_programme(request.GET.get("programme"))
        clusters = list(Cluster.objects.filter(programme=programme))
    on = paging.date_param(request)
    degree = _participation(clusters, on)
    overall = participation.active_share(degree)
    by_size = participation.active_share(degree, ["size_class"])
    by_embedding = participation.active_share(degree, ["embedding"])
    members = []
    if cluster is not None:
        names = dict(
            Membership.objects.filter(cluster=cluster).values_list(
                "organisation_id", "organisation__name"
            )
        )
        members = [
            {"name": names.get(r["organisation_id"]), **r} for r in degree.to_dict("records")
        ]
        members.sort(key=lambda r: (-r["n_activities"], r["name"] or ""))
    return render(
        request,
        "monitoring/participation.html",
        {
            "cluster": cluster,
            "on": on,
            "overall": overall.to_dict("records"),
            "by_size": by_size.to_dict("records"),
            "by_embedding": by_embedding.to_dict("records"),
            "members": members,
            "window": participation.window(pd.Timestamp(on)),
        },
    )
