"""Account management: a cluster's account page (attention points, steering-group
meetings, learning-network sessions it attended), the learning-network sessions of the
programme, and an agency user's own attention points."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accountmanagement import selectors, services
from clustermonitor.accountmanagement.forms import (
    AttentionPointForm,
    LearningSessionForm,
    ReopenForm,
    SteeringMeetingForm,
)
from clustermonitor.accountmanagement.models import (
    AttentionPoint,
    LearningSession,
    SteeringGroupMeeting,
)
from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.maturity import selectors as maturity_selectors
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme

VIEW = "programmes.view_account"
CHANGE = "programmes.change_account"
#: Who sees a cluster at all: others get 404 (nothing leaks), they get 403.
VISIBLE = "programmes.view_cluster_records"
#: Soon: the "my attention points" page shows what falls due within this many days.
SOON_DAYS = 14


def _account_url(cluster) -> str:
    return reverse("programmes:account", args=[cluster.code])


@login_required
def account(request, code):
    cluster = access.account_cluster(request.user, Cluster.objects, code)
    today = timezone.localdate()
    points = cluster.attention_points.select_related("owner", "created_by")
    due, filed = maturity_selectors.exit_plan_status(cluster, today)
    return render(
        request,
        "accountmanagement/account.html",
        {
            "cluster": cluster,
            "open_points": selectors.open_attention_points(cluster=cluster, today=today),
            "done_points": points.filter(status=AttentionPoint.Status.DONE).order_by(
                "-closed_on", "-pk"
            ),
            "meetings": cluster.steering_meetings.prefetch_related("attended_by"),
            "sessions": cluster.learning_sessions.all(),
            "can_change": request.user.has_perm(CHANGE, cluster),
            "reopen_form": ReopenForm(),
            "exit_due": due,
            "exit_filed": filed,
            "today": today,
        },
    )


# -- Attention points ---------------------------------------------------------------------


def _save_point(actor, form):
    return services.save_attention_point(actor, form.save(commit=False))


@login_required
@require_http_methods(["GET", "POST"])
def attention_point_create(request, code):
    cluster = access.account_cluster(request.user, Cluster.objects, code, CHANGE)
    return editing.edit(
        request,
        AttentionPointForm,
        form_kwargs={"cluster": cluster},
        save=_save_point,
        success_url=_account_url(cluster),
        title=_("New attention point for %(cluster)s") % {"cluster": cluster.code},
        initial={"owner": cluster.account_manager_id},
    )


@login_required
@require_http_methods(["GET", "POST"])
def attention_point_edit(request, pk):
    point = access.attention_point_for(request.user, AttentionPoint.objects, pk)
    return editing.edit(
        request,
        AttentionPointForm,
        instance=point,
        form_kwargs={"cluster": point.cluster},
        save=_save_point,
        success_url=_account_url(point.cluster),
        title=_("Edit attention point"),
    )


@login_required
@require_POST
def attention_point_close(request, pk):
    """Those who follow the cluster close a point, and so does the point's owner (from
    their own list) when they do not follow the cluster."""
    point = get_object_or_404(AttentionPoint.objects.select_related("cluster"), pk=pk)
    access.account_cluster(request.user, Cluster.objects, point.cluster.code)
    if point.owner_id != request.user.pk:
        access.account_cluster(request.user, Cluster.objects, point.cluster.code, CHANGE)
    services.close_attention_point(editing.actor(request), point, timezone.localdate())
    messages.success(request, _("Attention point closed: %(point)s") % {"point": point.title})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = _account_url(point.cluster)
    return redirect(target)


@login_required
@require_POST
def attention_point_reopen(request, pk):
    point = access.attention_point_for(request.user, AttentionPoint.objects, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        services.reopen_attention_point(
            editing.actor(request), point, form.cleaned_data["follow_up_on"]
        )
        messages.success(request, _("Attention point reopened."))
    else:
        messages.error(request, _("Give the new follow-up date."))
    return redirect(_account_url(point.cluster))


# -- Steering-group meetings --------------------------------------------------------------


def _save_meeting(actor, form):
    return services.save_steering_meeting(
        actor, form.save(commit=False), form.cleaned_data["attended_by"]
    )


@login_required
@require_http_methods(["GET", "POST"])
def steering_meeting_create(request, code):
    cluster = access.account_cluster(request.user, Cluster.objects, code, CHANGE)
    return editing.edit(
        request,
        SteeringMeetingForm,
        form_kwargs={"cluster": cluster},
        save=_save_meeting,
        success_url=_account_url(cluster),
        title=_("Steering-group meeting of %(cluster)s") % {"cluster": cluster.code},
        initial={"attended_by": [request.user.pk]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def steering_meeting_edit(request, pk):
    meeting = access.meeting_for(request.user, SteeringGroupMeeting.objects, pk)
    return editing.edit(
        request,
        SteeringMeetingForm,
        instance=meeting,
        form_kwargs={"cluster": meeting.cluster},
        save=_save_meeting,
        success_url=_account_url(meeting.cluster),
        title=_("Edit %(meeting)s") % {"meeting": meeting},
    )


@login_required
@require_POST
def steering_meeting_delete(request, pk):
    meeting = access.meeting_for(request.user, SteeringGroupMeeting.objects, pk)
    if not confirm.confirmed(request):
        return confirm.ask_removal(request, meeting, cancel_url=_account_url(meeting.cluster))
    services.delete(editing.actor(request), meeting)
    messages.success(request, _("Meeting deleted."))
    return redirect(_account_url(meeting.cluster))


# -- Learning network ---------------------------------------------------------------------


def _save_session(actor, form):
    return services.save_learning_session(
        actor, form.save(commit=False), form.cleaned_data["attendees"]
    )


@login_required
def learning_session_list(request):
    access.require_agency(request.user)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    sessions = programme.learning_sessions.prefetch_related("attendees")
    clusters = list(programme.clusters.order_by("code"))
    attended = {c.pk: 0 for c in clusters}
    for session in sessions:
        for cluster in session.attendees.all():
            attended[cluster.pk] = attended.get(cluster.pk, 0) + 1
    return render(
        request,
        "accountmanagement/learning_session_list.html",
        {
            "programme": programme,
            "sessions": sessions,
            "per_cluster": [(c, attended[c.pk]) for c in clusters],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_session_create(request):
    access.require_agency(request.user)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    return editing.edit(
        request,
        LearningSessionForm,
        form_kwargs={"programme": programme},
        save=_save_session,
        success_url=lambda s: reverse("programmes:learning-session-detail", args=[s.pk]),
        cancel_url=reverse("programmes:learning-session-list"),
        title=_("New learning-network session"),
        initial={"date": timezone.localdate()},
    )


@login_required
def learning_session_detail(request, pk):
    session = access.session_for(request.user, LearningSession.objects, pk)
    attendees = set(session.attendees.values_list("pk", flat=True))
    clusters = session.programme.clusters.order_by("code")
    return render(
        request,
        "accountmanagement/learning_session_detail.html",
        {
            "session": session,
            "attended": [c for c in clusters if c.pk in attendees],
            "absent": [c for c in clusters if c.pk not in attendees],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_session_edit(request, pk):
    session = access.session_for(request.user, LearningSession.objects, pk)
    return editing.edit(
        request,
        LearningSessionForm,
        instance=session,
        form_kwargs={"programme": session.programme},
        save=_save_session,
        success_url=reverse("programmes:learning-session-detail", args=[session.pk]),
        title=_("Edit %(session)s") % {"session": session},
    )


@login_required
@require_POST
def learning_session_delete(request, pk):
    session = access.session_for(request.user, LearningSession.objects, pk)
    if not confirm.confirmed(request):
        n = session.attendees.count()
        return confirm.ask_removal(
            request,
            session,
            cancel_url=reverse("programmes:learning-session-detail", args=[session.pk]),
            details=[
                ngettext(
                    "Its %(n)s attendee is no longer recorded.",
                    "Its %(n)s attendees are no longer recorded.",
                    n,
                )
                % {"n": format_number(n)}
            ],
        )
    services.delete(editing.actor(request), session)
    messages.success(request, _("Session deleted."))
    return redirect("programmes:learning-session-list")


# -- My attention points ------------------------------------------------------------------


@login_required
def my_attention_points(request):
    access.require_agency(request.user)
    today = timezone.localdate()
    mine = selectors.open_attention_points(user=request.user, today=today)
    soon = selectors.open_attention_points(user=request.user, today=today, within_days=SOON_DAYS)
    return render(
        request,
        "accountmanagement/my_attention_points.html",
        {
            "soon": soon,
            "later": mine.exclude(pk__in=soon.values("pk")),
            "soon_days": SOON_DAYS,
            "today": today,
        },
    )
