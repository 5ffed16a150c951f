"""A cluster's exit plan: read it, write it, file it (the cluster or the programme
manager), accept it or send it back (the cluster's account manager or the programme
manager, never the person who filed it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import audit, editing
from clustermonitor.maturity import selectors, services
from clustermonitor.maturity.forms import ExitPlanForm, ReturnForm
from clustermonitor.maturity.models import ExitPlan
from clustermonitor.programmes.models import Cluster

VIEW = "programmes.view_exit_plan"
CHANGE = "programmes.change_exit_plan"


def _plan(cluster: Cluster) -> ExitPlan | None:
    return (
        ExitPlan.objects.select_related("spc", "filed_by", "accepted_by")
        .filter(cluster=cluster)
        .first()
    )


def _history(plan: ExitPlan | None) -> list:
    """The plan's audit entries, newest first, each with the status it left behind."""
    if plan is None:
        return []
    entries = list(audit.history(plan)[:30])
    labels = dict(ExitPlan.Status.choices)
    for entry in entries:
        entry.status_label = labels.get((entry.after or {}).get("status"), "")
    return entries


@login_required
def exit_plan(request, code):
    cluster = access.exit_plan_cluster(request.user, Cluster.objects, code)
    plan = _plan(cluster)
    today = timezone.localdate()
    due, filed = selectors.exit_plan_status(cluster, today)
    follows = access.follows_cluster(request.user, cluster)
    return render(
        request,
        "maturity/exit_plan.html",
        {
            "cluster": cluster,
            "plan": plan,
            "due": due,
            "filed": filed,
            "overdue": not filed and due < today <= cluster.end_date,
            "months_before": selectors.EXIT_PLAN_MONTHS_BEFORE_END,
            "can_change": request.user.has_perm(CHANGE, cluster),
            "can_accept": bool(
                follows
                and plan
                and plan.status == ExitPlan.Status.FILED
                and plan.filed_by_id != request.user.pk
            ),
            "can_return": bool(follows and plan and plan.is_filed),
            "return_form": ReturnForm(),
            "history": _history(plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exit_plan_edit(request, code):
    cluster = access.exit_plan_cluster(request.user, Cluster.objects, code, CHANGE)
    plan = _plan(cluster)

    def save(actor, form):
        saved = form.save(commit=False)
        if services.save_exit_plan(actor, saved):
            messages.warning(
                request,
                _("The plan had been filed; after this change it is a draft again: file it anew."),
            )
        return saved

    return editing.edit(
        request,
        ExitPlanForm,
        instance=plan,
        form_kwargs={"cluster": cluster},
        save=save,
        success_url=reverse("programmes:exit-plan", args=[cluster.code]),
        title=_("Exit plan of %(cluster)s") % {"cluster": cluster.code},
    )


def _step(request, cluster, step, success: str):
    plan = _plan(cluster)
    if plan is None:
        messages.error(request, _("Write the exit plan first."))
    else:
        try:
            step(editing.actor(request), plan)
        except services.MaturityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
    return redirect("programmes:exit-plan", cluster.code)


@login_required
@require_POST
def exit_plan_file(request, code):
    cluster = access.exit_plan_cluster(request.user, Cluster.objects, code, CHANGE)
    today = timezone.localdate()
    return _step(
        request,
        cluster,
        lambda actor, plan: services.file_exit_plan(actor, plan, today),
        _("Exit plan filed."),
    )


@login_required
@require_POST
def exit_plan_accept(request, code):
    cluster = access.exit_plan_follower_cluster(request.user, Cluster.objects, code)
    today = timezone.localdate()
    return _step(
        request,
        cluster,
        lambda actor, plan: services.accept_exit_plan(actor, plan, today),
        _("Exit plan accepted."),
    )


@login_required
@require_POST
def exit_plan_return(request, code):
    cluster = access.exit_plan_follower_cluster(request.user, Cluster.objects, code)
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _step(
        request,
        cluster,
        lambda actor, plan: services.return_exit_plan(actor, plan, note),
        _("Exit plan sent back to the cluster."),
    )
