"""The profile in the workspace: the cluster manager edits and submits it, the programme
manager compares it with what is public and publishes or returns it; and the programme
manager's page of the public front page's texts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import editing
from clustermonitor.portal import selectors, services
from clustermonitor.portal.forms import ProfileForm, ProgrammePageForm, ReturnForm
from clustermonitor.portal.models import ClusterProfile
from clustermonitor.programmes.models import Cluster


def _workspace(code):
    return redirect(reverse("portal:profile", args=[code]))


@login_required
def profile(request, code):
    cluster = access.profile_cluster(request.user, Cluster.objects, code)
    working = services.profile_of(cluster)
    publication = working.publication
    return render(
        request,
        "portal/profile.html",
        {
            "cluster": cluster,
            "profile": working,
            "publication": publication,
            "diff": services.diff(publication.data if publication else None, working.public_data()),
            "can_change": request.user.has_perm(access.PROFILE_CHANGE, cluster),
            "can_publish": request.user.has_perm(access.PROFILE_PUBLISH, cluster),
            "return_form": ReturnForm(),
            "State": ClusterProfile.State,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, code):
    cluster = access.profile_cluster(request.user, Cluster.objects, code, access.PROFILE_CHANGE)
    working = services.profile_of(cluster)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=working)
    if working.state == ClusterProfile.State.SUBMITTED:
        form = None  # waits for the programme manager
    elif request.method == "POST" and form.is_valid():
        services.save_draft(editing.actor(request), form.instance)
        messages.success(request, _("The profile is saved as a draft."))
        return _workspace(code)
    return render(
        request, "portal/profile_form.html", {"cluster": cluster, "form": form, "profile": working}
    )


def _workflow_step(request, cluster, step, done_message, *args):
    """One step of the profile's workflow (services.submit/publish/return_to_draft) on a
    cluster the user may take it for; its message, or the reason it cannot be."""
    try:
        step(editing.actor(request), services.profile_of(cluster), *args)
        messages.success(request, done_message)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return _workspace(cluster.code)


@login_required
@require_POST
def profile_submit(request, code):
    cluster = access.profile_cluster(request.user, Cluster.objects, code, access.PROFILE_CHANGE)
    return _workflow_step(
        request,
        cluster,
        services.submit,
        _("The profile is submitted to the programme manager."),
    )


@login_required
@require_POST
def profile_publish(request, code):
    cluster = access.profile_cluster(request.user, Cluster.objects, code, access.PROFILE_PUBLISH)
    return _workflow_step(request, cluster, services.publish, _("The profile is published."))


@login_required
@require_POST
def profile_return(request, code):
    cluster = access.profile_cluster(request.user, Cluster.objects, code, access.PROFILE_PUBLISH)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the cluster manager should change."))
        return _workspace(code)
    return _workflow_step(
        request,
        cluster,
        services.return_to_draft,
        _("The profile is returned to the cluster manager."),
        form.cleaned_data["comment"],
    )


@login_required
def profile_overview(request):
    """Every cluster's profile and its state: what waits for publication first."""
    access.require_profiles_reader(request.user)
    clusters = Cluster.objects.select_related("cluster_type", "profile__publication").order_by(
        "code"
    )
    order = {ClusterProfile.State.SUBMITTED: 0, ClusterProfile.State.DRAFT: 1}
    rows = []
    for cluster in clusters:
        working = getattr(cluster, "profile", None)
        rows.append({"cluster": cluster, "profile": working})
    rows.sort(key=lambda r: order.get(r["profile"].state, 2) if r["profile"] else 3)
    return render(request, "portal/profile_overview.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def programme_page_edit(request):
    """The public front page's texts and the agency's contact (the programme manager)."""
    access.require_programme_page_editor(request.user)
    programme = selectors.programme()
    if programme is None:
        raise Http404
    page = services.programme_page(programme)
    form = ProgrammePageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        services.save_programme_page(editing.actor(request), form.instance)
        messages.success(request, _("The programme page is saved."))
        return redirect("portal:programme-page-edit")
    return render(
        request,
        "portal/programme_page_form.html",
        {"form": form, "page": page, "programme": programme},
    )
