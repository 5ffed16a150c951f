import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.activities import matching, services
from clustermonitor.activities.forms import ActivityForm, ParticipantForm, ReviewForm
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import confirm, editing
from clustermonitor.core.imports import wizard
from clustermonitor.core.paging import page_of
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster


@login_required
def activity_list(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    activities = (
        Activity.objects.filter(clusters=cluster)
        .prefetch_related("clusters")
        .annotate(
            n_members=Count(
                "participations",
                filter=Q(
                    participations__is_guest=False, participations__organisation__isnull=False
                ),
            ),
            n_guests=Count("participations", filter=Q(participations__is_guest=True)),
            n_review=Count("participations", filter=Q(participations__needs_review=True)),
        )
        .order_by("-date", "title", "pk")
    )
    page = page_of(request, activities)
    return render(
        request,
        "activities/activity_list.html",
        {
            "cluster": cluster,
            "activities": page.object_list,
            "page": page,
            "today": datetime.date.today(),
            "can_change": request.user.has_perm("members.change_members", cluster),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, code):
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    return editing.edit(
        request,
        ActivityForm,
        form_kwargs={
            "clusters": Cluster.objects.filter(programme=cluster.programme),
            "user": request.user,
            "home": cluster,
        },
        initial={"clusters": [cluster]},
        save=services.save_activity,
        success_url=lambda a: reverse("activities:activity-detail", args=[a.pk]),
        title=_("New activity of %(cluster)s") % {"cluster": cluster.code},
        cancel_url=reverse("activities:activity-list", args=[cluster.code]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity, cluster = access.activity_for(
        request.user, Activity.objects, pk, "members.change_members"
    )
    return editing.edit(
        request,
        ActivityForm,
        instance=activity,
        form_kwargs={
            "clusters": Cluster.objects.filter(programme=cluster.programme),
            "user": request.user,
        },
        save=services.save_activity,
        success_url=reverse("activities:activity-detail", args=[activity.pk]),
        title=_("Edit %(activity)s") % {"activity": activity.title},
    )


def _organisations(user, activity):
    """Members of the organising clusters on the day that `user` may see, for choosing a
    participant (a partner cluster's members only for those who read them)."""
    return access.members_on(user, Membership.objects, activity.clusters.all(), activity.date)


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request, pk):
    activity, cluster = access.activity_for(request.user, Activity.objects, pk)
    can_change = request.user.has_perm("members.change_members", cluster)
    form = ParticipantForm(
        request.POST or None, organisations=_organisations(request.user, activity)
    )
    if request.method == "POST":
        if not can_change:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            if (
                data["organisation"]
                and activity.participations.filter(
                    organisation=data["organisation"], name=data["name"]
                ).exists()
            ):
                form.add_error(None, _("This participant is there already."))
            else:
                services.add_participant(
                    editing.actor(request),
                    activity,
                    organisation=data["organisation"],
                    name=data["name"],
                    organisation_name=data["organisation_name"],
                )
                messages.success(request, _("Participant added."))
                return redirect("activities:activity-detail", activity.pk)
    participations = activity.participations.select_related("organisation", "contact")
    review = [p for p in participations if p.needs_review]
    choices = list(_organisations(request.user, activity)) if review else []
    suggested = matching.suggestions(review, choices)
    for p in review:
        p.suggestions = suggested[p.pk]
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "cluster": cluster,
            "form": form,
            "can_change": can_change,
            "participations": participations,
            "review": review,
            "review_form": ReviewForm(organisations=_organisations(request.user, activity)),
            # The review form's choices, once: each row's list puts its suggestions first.
            "choices": choices,
        },
    )


@login_required
@require_POST
def participation_review(request, pk):
    participation = access.participation_for(request.user, Participation.objects, pk)
    form = ReviewForm(
        request.POST, organisations=_organisations(request.user, participation.activity)
    )
    if form.is_valid():
        services.resolve(
            editing.actor(request),
            participation,
            organisation=form.cleaned_data["organisation"],
            guest=form.cleaned_data["guest"],
        )
        messages.success(request, _("Participant settled."))
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return redirect("activities:activity-detail", participation.activity_id)


@login_required
@require_POST
def participation_delete(request, pk):
    participation = access.participation_for(request.user, Participation.objects, pk)
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            participation,
            cancel_url=reverse("activities:activity-detail", args=[participation.activity_id]),
        )
    services.remove(editing.actor(request), participation)
    messages.success(request, _("Participant removed."))
    return redirect("activities:activity-detail", participation.activity_id)


@login_required
@require_http_methods(["GET", "POST"])
def attendee_import(request, pk):
    activity, cluster = access.activity_for(
        request.user, Activity.objects, pk, "members.change_members"
    )
    if request.method == "POST":
        request.POST = request.POST.copy()
        request.POST["activity"] = str(activity.pk)
    return wizard.upload_step(request, cluster, "attendees", initial={"activity": activity.pk})
