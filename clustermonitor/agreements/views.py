"""Pages of agreements and payments (issue 19): the programme's payment schedule (with
its download for the bookkeeping), a cluster's agreement as of a day, and the programme
manager's steps. Views parse the request, ask accounts.access and render; the steps are
in services, the reads in selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clustermonitor.accounts import access
from clustermonitor.agreements import exports, forms, selectors, services
from clustermonitor.agreements.models import Agreement, Condition, Tranche
from clustermonitor.core import editing, paging
from clustermonitor.core.exporters import csv_response, xlsx_response
from clustermonitor.programmes import selectors as programme_selectors
from clustermonitor.programmes.models import Application, Cluster

MANAGE = access.AGREEMENTS_MANAGE


def _agreement_or_404(cluster):
    agreement = selectors.with_records(Agreement.objects.filter(cluster=cluster)).first()
    if agreement is None:
        from django.http import Http404

        raise Http404
    return agreement


@login_required
def agreement_list(request):
    """The programme's agreements on a day: per cluster the subsidy, what was paid and
    what is payable, the totals per call, the subsidies committed and paid per year;
    ``?format=xlsx`` or ``csv``: the payment schedule, one row per tranche."""
    access.require_agreements_reader(request.user)
    programme = programme_selectors.current_programme(request.GET.get("programme"))
    if programme is None:
        from django.http import Http404

        raise Http404
    on = paging.date_param(request)
    call = request.GET.get("call", "")
    agreements = selectors.agreements_for(programme, on, call=call)
    rows = selectors.schedule(agreements, on)
    kind = request.GET.get("format")
    if kind in ("xlsx", "csv"):
        sheet = exports.schedule_sheet(rows, on)
        name = f"payment-schedule-{programme.slug}-{on.isoformat()}"
        if kind == "csv":
            return csv_response(f"{name}.csv", sheet.headers, sheet.rows)
        return xlsx_response(f"{name}.xlsx", [sheet])
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "programme": programme,
            "on": on,
            "call": call,
            "calls": programme.calls.select_related("cluster_type"),
            "rows": rows,
            "per_call": selectors.per_call(rows),
            "years": selectors.committed_and_paid(programme, on),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def agreement_detail(request, code):
    """A cluster's agreement as of a day (``?on=``): the terms then, the amendments
    decided by then, the budget lines, conditions, tranches and payments."""
    cluster = access.agreement_cluster(request.user, Cluster.objects, code)
    agreement = _agreement_or_404(cluster)
    on = paging.date_param(request)
    terms = selectors.agreement_as_of(agreement, on)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "cluster": cluster,
            "agreement": agreement,
            "on": on,
            "terms": terms,
            "later": [a for a in agreement.amendments.all() if a not in terms.amendments],
            "tranches": selectors.tranche_states(agreement, on),
            "conditions": list(agreement.conditions.all()),
            "can_manage": request.user.has_perm(MANAGE, cluster),
        },
    )


def _form_page(request, form, title, cancel_url, lead=""):
    return render(
        request,
        "agreements/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "lead": lead},
    )


def _run(form, step):
    """Run a service step; its refusal becomes the form's error (None then)."""
    try:
        return step()
    except services.AgreementError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def from_application(request, pk):
    application = access.agreement_application(request.user, Application.objects, pk)
    cancel = reverse("programmes:call-detail", args=[application.call_id])
    form = forms.FromApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = _run(
            form,
            lambda: services.create_from_application(
                editing.actor(request),
                application,
                code=data["code"],
                signed_on=data["signed_on"],
                start_date=data["start_date"],
                conditions=form.conditions(),
            ),
        )
        if agreement is not None:
            messages.success(request, _("The cluster and its agreement are recorded."))
            return redirect("agreements:detail", agreement.cluster.code)
    return _form_page(
        request,
        form,
        _("Agreement for %(application)s") % {"application": application},
        cancel,
        _(
            "The funded application becomes a cluster with its agreement, budget lines, "
            "tranches and targets, in one step."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def for_cluster(request, code):
    cluster = access.agreement_cluster(request.user, Cluster.objects, code, MANAGE)
    cancel = reverse("programmes:cluster-detail", args=[cluster.code])
    form = forms.ForClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = _run(
            form,
            lambda: services.create_for_cluster(
                editing.actor(request),
                cluster,
                signed_on=data["signed_on"],
                subsidy=data["subsidy"],
                note=data["note"],
            ),
        )
        if agreement is not None:
            messages.success(request, _("The agreement is recorded."))
            return redirect("agreements:detail", cluster.code)
    return _form_page(request, form, _("Agreement of %(code)s") % {"code": cluster.code}, cancel)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request, code):
    cluster = access.agreement_cluster(request.user, Cluster.objects, code, MANAGE)
    agreement = _agreement_or_404(cluster)
    cancel = reverse("agreements:detail", args=[cluster.code])
    form = forms.AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        amendment = _run(
            form,
            lambda: services.amend(
                editing.actor(request),
                agreement,
                kind=data["kind"],
                decided_on=data["decided_on"],
                effective_on=data["effective_on"],
                decision=data["decision"],
                new_end_date=data["new_end_date"],
                new_subsidy=data["new_subsidy"],
                lines=data["lines"],
            ),
        )
        if amendment is not None:
            messages.success(request, _("Amendment %(n)s is recorded.") % {"n": amendment.number})
            return redirect(cancel)
    return _form_page(
        request, form, _("Amend the agreement %(ref)s") % {"ref": agreement.reference}, cancel
    )


@login_required
@require_http_methods(["GET", "POST"])
def condition_add(request, code):
    cluster = access.agreement_cluster(request.user, Cluster.objects, code, MANAGE)
    agreement = _agreement_or_404(cluster)
    cancel = reverse("agreements:detail", args=[cluster.code])
    form = forms.ConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.add_condition(
                editing.actor(request), agreement, data["description"], data["due_date"]
            ),
        ):
            return redirect(cancel)
    return _form_page(request, form, _("New condition"), cancel)


@login_required
@require_http_methods(["GET", "POST"])
def condition_met(request, pk):
    condition = access.condition_for(request.user, Condition.objects, pk)
    cancel = reverse("agreements:detail", args=[condition.agreement.cluster.code])
    form = forms.ConditionMetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.meet_condition(
                editing.actor(request), condition, data["met_on"], data["evidence"]
            ),
        ):
            messages.success(request, _("The condition is met."))
            return redirect(cancel)
    return _form_page(request, form, str(condition), cancel)


@login_required
@require_http_methods(["GET", "POST"])
def payment_add(request, pk):
    tranche = access.tranche_for(request.user, Tranche.objects, pk)
    cancel = reverse("agreements:detail", args=[tranche.agreement.cluster.code])
    form = forms.PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.record_payment(
                editing.actor(request),
                tranche,
                paid_on=data["paid_on"],
                reference=data["reference"],
                amount=data["amount"],
            ),
        ):
            messages.success(request, _("The payment is recorded."))
            return redirect(cancel)
    return _form_page(request, form, _("Payment on %(tranche)s") % {"tranche": tranche}, cancel)
