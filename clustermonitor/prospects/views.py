"""A cluster's pipeline of prospects (docs/user-guide.md, "Prospects"): the list with its
filters and the expected new members against the KPI 2 target, its download (.xlsx or
.csv), a prospect's page with its steps, adding, editing and deleting (asked first),
moving to another stage, confirming the proposed fee, and the import's upload. Access:
accounts.access (prospects_cluster, prospect_for)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.accounts.models import User
from clustermonitor.core import confirm, editing
from clustermonitor.core.exporters import csv_response, xlsx_response
from clustermonitor.core.imports import wizard
from clustermonitor.core.paging import date_param, page_of
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.prospects import exports, selectors, services
from clustermonitor.prospects.forms import FeeForm, MoveForm, PipelineFilter, ProspectForm
from clustermonitor.prospects.models import OPEN_STAGES, WEIGHTS, Prospect, Stage
from clustermonitor.registry.models import Organisation


@login_required
def pipeline(request, code):
    cluster = access.prospects_cluster(request.user, Cluster.objects, code)
    owners = list(access.prospect_owners(User.objects, cluster))
    filters = PipelineFilter(request.GET or None, owners=owners)
    wanted = filters.values()
    rows = selectors.pipeline(cluster, **wanted)
    on = date_param(request)
    expected = selectors.expected_members(cluster, on)
    return render(
        request,
        "prospects/pipeline.html",
        {
            "cluster": cluster,
            "filters": filters,
            "page": page_of(request, rows),
            "counts": selectors.stage_counts(cluster),
            "stages": Stage,
            "open_stages": [(s, s.label, WEIGHTS[s]) for s in OPEN_STAGES],
            "expected": expected,
            "can_change": request.user.has_perm(access.PROSPECTS_CHANGE, cluster),
            "today": datetime.date.today(),
        },
    )


@login_required
def pipeline_download(request, code):
    """The pipeline as the page filters it, every row: .xlsx (the default) or .csv."""
    cluster = access.prospects_cluster(request.user, Cluster.objects, code)
    owners = list(access.prospect_owners(User.objects, cluster))
    rows = selectors.pipeline(
        cluster, **PipelineFilter(request.GET or None, owners=owners).values()
    )
    name = f"prospects-{cluster.code}"
    if request.GET.get("format") == "csv":
        return csv_response(f"{name}.csv", exports.headers(), exports.rows(rows))
    return xlsx_response(f"{name}.xlsx", [exports.sheet(rows)])


@login_required
@require_http_methods(["GET", "POST"])
def prospect_create(request, code):
    cluster = access.prospects_cluster(request.user, Cluster.objects, code, access.PROSPECTS_CHANGE)
    visible = access.organisations_for(request.user, Organisation.objects)
    form = ProspectForm(request.POST or None, cluster=cluster, organisations=visible)
    if request.method == "POST" and form.is_valid():
        try:
            prospect = services.create(editing.actor(request), form.instance, organisations=visible)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added: %(name)s") % {"name": prospect.company_name})
            return redirect("prospects:prospect-detail", prospect.pk)
    return render(
        request,
        "prospects/prospect_form.html",
        {
            "cluster": cluster,
            "form": form,
            "title": _("New prospect"),
            "cancel_url": reverse("prospects:pipeline", args=[cluster.code]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prospect_edit(request, pk):
    prospect = access.prospect_for(request.user, Prospect.objects, pk, access.PROSPECTS_CHANGE)
    visible = access.organisations_for(request.user, Organisation.objects)
    form = ProspectForm(
        request.POST or None, instance=prospect, cluster=prospect.cluster, organisations=visible
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update(editing.actor(request), form.instance, organisations=visible)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved: %(object)s") % {"object": prospect.company_name})
            return redirect("prospects:prospect-detail", prospect.pk)
    return render(
        request,
        "prospects/prospect_form.html",
        {
            "cluster": prospect.cluster,
            "form": form,
            "prospect": prospect,
            "title": _("Edit prospect"),
            "cancel_url": reverse("prospects:prospect-detail", args=[prospect.pk]),
        },
    )


def _detail_context(request, prospect, move_form=None, fee_form=None):
    cluster = prospect.cluster
    can_change = request.user.has_perm(access.PROSPECTS_CHANGE, cluster)
    proposal = services.fee_proposal(prospect)
    member_already = (
        prospect.is_open
        and Membership.objects.filter(
            cluster=cluster, organisation__enterprise_number=prospect.enterprise_number
        )
        .active_on(datetime.date.today())
        .exists()
    )
    return {
        "prospect": prospect,
        "cluster": cluster,
        "steps": prospect.steps.select_related("by").order_by("at", "pk"),
        "can_change": can_change,
        "move_form": move_form
        or (MoveForm(prospect=prospect) if can_change and prospect.stage != Stage.JOINED else None),
        "proposal": proposal,
        "fee_form": fee_form
        or (FeeForm(initial={"amount": proposal.amount}) if proposal and can_change else None),
        "member_already": member_already,
    }


@login_required
def prospect_detail(request, pk):
    prospect = access.prospect_for(request.user, Prospect.objects, pk)
    return render(request, "prospects/prospect.html", _detail_context(request, prospect))


@login_required
@require_POST
def prospect_move(request, pk):
    prospect = access.prospect_for(request.user, Prospect.objects, pk, access.PROSPECTS_CHANGE)
    form = MoveForm(request.POST, prospect=prospect)
    if not form.is_valid():
        context = _detail_context(request, prospect, move_form=form)
        return render(request, "prospects/prospect.html", context, status=400)
    data, actor = form.cleaned_data, editing.actor(request)
    try:
        if data["stage"] == Stage.JOINED:
            membership = services.join(actor, prospect, data["start_date"], note=data["note"])
            messages.success(
                request,
                _("%(name)s is now a member from %(day)s.")
                % {
                    "name": membership.organisation.name,
                    "day": data["start_date"].strftime("%d/%m/%Y"),
                },
            )
        elif data["stage"] == Stage.LOST:
            services.lose(
                actor,
                prospect,
                data["lost_reason"],
                note=data["note"],
                message=data.get("message", ""),
            )
            messages.success(request, _("The prospect is marked lost."))
        else:
            services.move(actor, prospect, data["stage"], note=data["note"])
            messages.success(request, _("The prospect moved on."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("prospects:prospect-detail", prospect.pk)


@login_required
@require_POST
def prospect_delete(request, pk):
    prospect = access.prospect_for(request.user, Prospect.objects, pk, access.PROSPECTS_CHANGE)
    back = reverse("prospects:prospect-detail", args=[prospect.pk])
    if prospect.stage == Stage.JOINED:
        messages.error(
            request, _("A prospect that joined is kept: its membership started from it.")
        )
        return redirect(back)
    if not confirm.confirmed(request):
        steps = prospect.steps.count()
        details = [ngettext("With its %(n)d step.", "With its %(n)d steps.", steps) % {"n": steps}]
        return confirm.ask_removal(request, prospect, cancel_url=back, details=details)
    try:
        services.delete(editing.actor(request), prospect)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Deleted: %(name)s") % {"name": prospect.company_name})
    return redirect("prospects:pipeline", prospect.cluster.code)


@login_required
@require_POST
def prospect_fee(request, pk):
    prospect = access.prospect_for(request.user, Prospect.objects, pk, access.PROSPECTS_CHANGE)
    form = FeeForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, prospect, fee_form=form)
        return render(request, "prospects/prospect.html", context, status=400)
    try:
        contribution = services.confirm_fee(
            editing.actor(request), prospect, form.cleaned_data["amount"]
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The fee for %(year)d is expected: EUR %(amount)s.")
            % {"year": contribution.year, "amount": contribution.amount},
        )
    return redirect("prospects:prospect-detail", prospect.pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, code):
    cluster = access.prospects_cluster(request.user, Cluster.objects, code, access.PROSPECTS_CHANGE)
    return wizard.upload_step(request, cluster, "prospects")
