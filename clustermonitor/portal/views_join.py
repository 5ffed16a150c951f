"""Ask to join (docs/portal.md): the public form on a published profile and from the
finder's results, the confirmation link, and the cluster's join requests in the
workspace, where its manager accepts or declines them. Plain forms: no JavaScript."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clustermonitor.accounts import access, lockout
from clustermonitor.core import editing
from clustermonitor.core.paging import page_of
from clustermonitor.members.models import Membership
from clustermonitor.portal import services_join
from clustermonitor.portal.forms import AcceptForm, DeclineForm, JoinForm
from clustermonitor.portal.models import JoinRequest
from clustermonitor.programmes.models import Cluster

# -- The visitor -----------------------------------------------------------------------


def joinable_cluster(code: str) -> Cluster:
    """A cluster one may ask to join: its profile is published and it has not ended
    (404 otherwise)."""
    cluster = access.published_cluster(Cluster.objects, code)
    if cluster.end_date < datetime.date.today():
        raise Http404
    return cluster


@require_http_methods(["GET", "POST"])
def ask_to_join(request, code):
    cluster = joinable_cluster(code)
    status = 200
    if request.method == "POST":
        form = JoinForm(request.POST, cluster_name=cluster.name)
        if form.is_robot:
            # The honeypot: the robot is told what a person is told; nothing is kept or sent.
            return redirect("portal:join-sent")
        if form.is_valid():
            data = form.cleaned_data
            digest = services_join.client_digest(lockout.client_address(request))
            if services_join.too_many(data["email"], digest):
                form.add_error(
                    None,
                    _(
                        "We received too many requests from this e-mail address or this "
                        "connection. Please try again in an hour."
                    ),
                )
                status = 429
            else:
                services_join.ask(
                    cluster,
                    data,
                    consent_text=form.fields["consent"].label,
                    language=translation.get_language(),
                    digest=digest,
                    source=data["source"],
                )
                return redirect("portal:join-sent")
    else:
        initial = {
            "source": JoinRequest.Source.FINDER
            if request.GET.get("from") == "finder"
            else JoinRequest.Source.PROFILE,
            "enterprise_number": request.GET.get("enterprise_number", "")[:40],
        }
        form = JoinForm(initial=initial, cluster_name=cluster.name)
    return render(
        request,
        "portal/join.html",
        {"cluster": cluster, "form": form, "days": services_join.CONFIRM_WITHIN.days},
        status=status,
    )


@require_GET
def join_sent(request):
    return render(request, "portal/join_sent.html", {"days": services_join.CONFIRM_WITHIN.days})


@require_http_methods(["GET", "POST"])
def join_confirm(request, token):
    """The link in the e-mail: a page with a button (a link opened by a mail scanner
    confirms nothing); the button confirms the address."""
    try:
        join = services_join.request_for_token(token)
    except services_join.LinkError as error:
        return render(request, "portal/join_confirm.html", {"problem": error.reason})
    done = join.state != JoinRequest.State.UNCONFIRMED
    confirmed_now = False
    if request.method == "POST" and not done:
        confirmed_now = services_join.confirm(join)
        done = True
    return render(
        request,
        "portal/join_confirm.html",
        {"join": join, "cluster": join.cluster, "done": done, "confirmed_now": confirmed_now},
    )


# -- The cluster's managers ---------------------------------------------------------------


@login_required
def join_requests(request, code):
    cluster = access.join_requests_cluster(request.user, Cluster.objects, code)
    rows = (
        services_join.visible(JoinRequest.objects.filter(cluster=cluster))
        .select_related("cluster")
        .annotate(answered=Case(When(state=JoinRequest.State.OPEN, then=0), default=1))
        .order_by("answered", "-created_at", "-pk")
    )
    return render(
        request,
        "portal/join_requests.html",
        {"cluster": cluster, "page": page_of(request, rows)},
    )


def _join_request(request, pk, perm=access.JOIN_VIEW):
    return access.join_request_for(
        request.user, services_join.visible(JoinRequest.objects), pk, perm
    )


@login_required
def join_request_detail(request, pk):
    join = _join_request(request, pk)
    cluster = join.cluster
    member_already = (
        Membership.objects.filter(
            cluster=cluster, organisation__enterprise_number=join.enterprise_number
        )
        .active_on(datetime.date.today())
        .exists()
    )
    return render(
        request,
        "portal/join_request.html",
        {
            "join": join,
            "cluster": cluster,
            "member_already": member_already,
            "can_decide": request.user.has_perm(access.JOIN_DECIDE, cluster)
            and join.state == JoinRequest.State.OPEN,
            "accept_form": AcceptForm(),
            "decline_form": DeclineForm(),
        },
    )


def _back(join):
    return redirect(reverse("portal:join-request-detail", args=[join.pk]))


@login_required
@require_POST
def join_request_accept(request, pk):
    join = _join_request(request, pk, access.JOIN_DECIDE)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the membership starts."))
        return _back(join)
    try:
        membership = services_join.accept(
            editing.actor(request), join, form.cleaned_data["start_date"]
        )
    except services_join.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now a member; the company has been told by e-mail.")
            % {"name": membership.organisation.name},
        )
    return _back(join)


@login_required
@require_POST
def join_request_decline(request, pk):
    join = _join_request(request, pk, access.JOIN_DECIDE)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the message the company gets."))
        return _back(join)
    try:
        services_join.decline(editing.actor(request), join, form.cleaned_data["message"])
    except services_join.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request is declined; the company has been told."))
    return _back(join)
