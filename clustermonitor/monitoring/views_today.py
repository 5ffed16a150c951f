"""The cluster manager's daily view: members with this year's contribution status,
outstanding payments, upcoming activities, participation per member."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from clustermonitor.accounts import access
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.analysis import participation
from clustermonitor.members import contributions as contribution_service
from clustermonitor.members.models import Contribution
from clustermonitor.monitoring import inbox
from clustermonitor.programmes.models import Cluster


@login_required
def dashboard(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    today = datetime.date.today()
    year = today.year
    rows = contribution_service.year_rows(cluster, year)
    # The platform's one "active member" (docs/definitions.md, analysis/participation.py):
    # the window is (a calendar year before today, today].
    since, until = (day.date() for day in participation.window(today))
    counts = dict(
        Participation.objects.filter(
            activity__clusters=cluster,
            activity__date__gt=since,
            activity__date__lte=until,
            organisation__isnull=False,
            is_guest=False,
        )
        .values_list("organisation_id")
        .annotate(n=Count("activity", distinct=True))
        .values_list("organisation_id", "n")
    )
    members = [
        {"membership": m, "contribution": c, "activities": counts.get(m.organisation_id, 0)}
        for m, c in rows
    ]
    outstanding = (
        Contribution.objects.filter(
            membership__cluster=cluster,
            status__in=[Contribution.Status.EXPECTED, Contribution.Status.INVOICED],
        )
        .select_related("membership__organisation")
        .order_by("year", "membership__organisation__name")
    )
    upcoming = (
        Activity.objects.filter(clusters=cluster, date__gte=today)
        .order_by("date")
        .annotate(n=Count("participations", filter=Q(participations__is_guest=False)))[:10]
    )
    return render(
        request,
        "monitoring/today.html",
        {
            "cluster": cluster,
            "year": year,
            "members": members,
            "outstanding": outstanding,
            "upcoming": upcoming,
            "totals": contribution_service.totals(cluster, year),
            "active": sum(1 for m in members if m["activities"] >= participation.MIN_ACTIVITIES),
            "today": today,
            "can_change": request.user.has_perm("members.change_members", cluster),
            "todo": inbox.for_cluster(request.user, cluster, today),
        },
    )


@login_required
def my_cluster(request):
    """A cluster manager's start page is their own cluster's daily view."""
    codes = list(request.user.managed_cluster_ids)
    if len(codes) == 1:
        from clustermonitor.programmes.models import Cluster

        return redirect("monitoring:today", Cluster.objects.get(pk=codes[0]).code)
    return redirect("programmes:portfolio")
