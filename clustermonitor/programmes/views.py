from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing, known_agreements, paging
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.programmes import exports, selectors, services
from clustermonitor.programmes.forms import (
    ApplicationForm,
    CallForm,
    ClusterForm,
    ClusterTypeForm,
    KPIForm,
    ProgrammeForm,
    TargetForm,
)
from clustermonitor.programmes.models import (
    KPI,
    Application,
    Call,
    Cluster,
    ClusterType,
    Embedding,
    Programme,
    Target,
)

_actor = editing.actor
_edit = editing.edit


def _budget_checked(request, call_of):
    """A save for editing.edit that warns — never refuses — when the funding decided on
    the saved record's call now exceeds the call's budget (the warning also stays on
    the call's page)."""

    def save(actor, form):
        saved = editing.save_form(actor, form)
        call = call_of(saved)
        if call is not None:
            for warning in selectors.budget_warnings(call):
                messages.warning(request, warning)
        return saved

    return save


def _programme_or_404(request, slug=None) -> Programme:
    programme = selectors.current_programme(slug or request.GET.get("programme"))
    if programme is None:
        raise Http404
    return programme


# -- Portfolio (Table 7) -------------------------------------------------------------


def _portfolio_params(request):
    sort = request.GET.get("sort", "type")
    if sort.lstrip("-") not in selectors.PORTFOLIO_SORTS:
        sort = "type"
    embedding = request.GET.get("embedding", "")
    return {
        "sort": sort.lstrip("-"),
        "descending": sort.startswith("-"),
        "cluster_type": request.GET.get("type", ""),
        "call": request.GET.get("call", ""),
        "embedding": embedding if embedding in Embedding.values else "",
    }


@login_required
def portfolio(request):
    programme = _programme_or_404(request)
    params = _portfolio_params(request)
    rows = selectors.portfolio_rows(programme, **params)
    full = request.user.has_perm("programmes.view_portfolio")
    own = set(request.user.managed_cluster_ids)
    context = {
        "programme": programme,
        "programmes": Programme.objects.all(),
        "rows": rows,
        "full": full,
        "own_cluster_ids": own,
        "params": params,
        "sort_param": ("-" if params["descending"] else "") + params["sort"],
        "cluster_types": programme.cluster_types.all(),
        "calls": programme.calls.select_related("cluster_type"),
        "embeddings": Embedding.choices,
        "query": request.GET.urlencode(),
        "today": timezone.localdate(),
    }
    template = "programmes/_portfolio_table.html" if request.htmx else "programmes/portfolio.html"
    return render(request, template, context)


@login_required
def portfolio_xlsx(request):
    programme = _programme_or_404(request)
    rows = selectors.portfolio_rows(programme, **_portfolio_params(request))
    sheet = exports.portfolio_sheet(rows, full=request.user.has_perm("programmes.view_portfolio"))
    return xlsx_response(f"portfolio-{programme.slug}.xlsx", [sheet])


# -- Clusters ------------------------------------------------------------------------


@login_required
def cluster_detail(request, code):
    cluster = get_object_or_404(
        Cluster.objects.select_related("programme", "cluster_type", "call", "account_manager"),
        code=code,
    )
    records = request.user.has_perm("programmes.view_cluster_records", cluster)
    context = {"cluster": cluster, "records": records}
    if records:
        context["reported"] = cluster.reported_figures.order_by("metric")
        context["targets"] = cluster.targets.select_related("kpi")
        context["can_manage"] = request.user.has_perm("programmes.manage_programme")
    return render(request, "programmes/cluster_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cluster_create(request):
    access.require_programme_manager(request.user)
    programme = _programme_or_404(request)
    return _edit(
        request,
        ClusterForm,
        form_kwargs={"programme": programme},
        success_url=lambda c: reverse("programmes:cluster-detail", args=[c.code]),
        title=_("New cluster"),
        save=_budget_checked(request, lambda c: c.call),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request, code):
    cluster = access.get_cluster_for_user(
        request.user, Cluster.objects, code, "programmes.manage_programme"
    )
    return _edit(
        request,
        ClusterForm,
        instance=cluster,
        form_kwargs={"programme": cluster.programme},
        success_url=lambda c: reverse("programmes:cluster-detail", args=[c.code]),
        title=_("Edit %(cluster)s") % {"cluster": cluster.code},
        save=_budget_checked(request, lambda c: c.call),
    )


@login_required
def target_list(request, code):
    cluster = access.get_cluster_for_user(request.user, Cluster.objects, code)
    return render(
        request,
        "programmes/target_list.html",
        {
            "cluster": cluster,
            "targets": cluster.targets.select_related("kpi"),
            "can_manage": request.user.has_perm("programmes.manage_programme"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request, code):
    cluster = access.get_cluster_for_user(
        request.user, Cluster.objects, code, "programmes.manage_programme"
    )
    return _edit(
        request,
        TargetForm,
        form_kwargs={"cluster": cluster},
        success_url=reverse("programmes:target-list", args=[cluster.code]),
        title=_("New target for %(cluster)s") % {"cluster": cluster.code},
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = access.target_for(request.user, Target.objects, pk)
    return _edit(
        request,
        TargetForm,
        instance=target,
        form_kwargs={"cluster": target.cluster},
        success_url=reverse("programmes:target-list", args=[target.cluster.code]),
        title=_("Edit target"),
    )


@login_required
@require_POST
def target_delete(request, pk):
    target = access.target_for(request.user, Target.objects, pk)
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            target,
            cancel_url=reverse("programmes:target-list", args=[target.cluster.code]),
        )
    services.delete(_actor(request), target)
    messages.success(request, _("Target deleted."))
    return redirect("programmes:target-list", target.cluster.code)


# -- Calls ---------------------------------------------------------------------------


@login_required
def call_list(request):
    programme = _programme_or_404(request)
    on = paging.date_param(request) if request.GET.get("on") else None
    return render(
        request,
        "programmes/call_list.html",
        {
            "programme": programme,
            "on": on,
            "rows": selectors.call_overview(programme, on),
            "can_manage": request.user.has_perm("programmes.manage_programme"),
            "can_see_applications": request.user.has_perm("programmes.view_applications"),
        },
    )


@login_required
def call_detail(request, pk):
    call = access.call_for(request.user, Call.objects, pk)
    return render(
        request,
        "programmes/call_detail.html",
        {
            "call": call,
            "figures": selectors.application_figures(call.programme).get(call.pk, {}),
            # A draft is not yet an application of the call (issue 19).
            "applications": known_agreements.applications_received(
                call.applications.all()
            ).select_related("cluster"),
            "clusters": call.clusters.all(),
            "can_manage": request.user.has_perm("programmes.manage_programme"),
            "can_see_received": request.user.has_perm(access.GRANTS_RECEIVED),
            "budget_warnings": selectors.budget_warnings(call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    access.require_programme_manager(request.user)
    programme = _programme_or_404(request)
    return _edit(
        request,
        CallForm,
        form_kwargs={"programme": programme},
        success_url=lambda c: reverse("programmes:call-detail", args=[c.pk]),
        title=_("New call"),
        save=_budget_checked(request, lambda c: c),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    call = access.call_for(request.user, Call.objects, pk, "programmes.manage_programme")
    return _edit(
        request,
        CallForm,
        instance=call,
        form_kwargs={"programme": call.programme},
        success_url=reverse("programmes:call-detail", args=[call.pk]),
        title=_("Edit %(call)s") % {"call": call},
        save=_budget_checked(request, lambda c: c),
        context={"warnings": selectors.budget_warnings(call)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request, pk):
    call = access.call_for(request.user, Call.objects, pk, "programmes.manage_programme")
    return _edit(
        request,
        ApplicationForm,
        form_kwargs={"call": call},
        success_url=reverse("programmes:call-detail", args=[call.pk]),
        title=_("New application for %(call)s") % {"call": call},
        save=_budget_checked(request, lambda a: a.call),
        context={"warnings": selectors.budget_warnings(call)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    access.check(
        request.user, "programmes.manage_programme", visible="programmes.view_applications"
    )
    if application.online:
        # Its status, amounts and answers are the applicant's submission, the screening
        # and the jury's decision: the programme's form would bypass them.
        messages.error(
            request,
            _(
                "This application was submitted online: it changes only through the "
                "screening and the jury's decision."
            ),
        )
        return redirect("programmes:call-detail", application.call_id)
    return _edit(
        request,
        ApplicationForm,
        instance=application,
        form_kwargs={"call": application.call},
        success_url=reverse("programmes:call-detail", args=[application.call_id]),
        title=_("Edit application"),
        save=_budget_checked(request, lambda a: a.call),
        context={"warnings": selectors.budget_warnings(application.call)},
    )


# -- Programme set-up ----------------------------------------------------------------


@login_required
def programme_list(request):
    access.check(request.user, "programmes.view_portfolio")
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": Programme.objects.all(),
            "can_manage": request.user.has_perm("programmes.manage_programme"),
        },
    )


@login_required
def programme_detail(request, slug):
    programme = access.programme_for(request.user, Programme.objects, slug)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "cluster_types": programme.cluster_types.prefetch_related("kpis"),
            "kpis": programme.kpis.all(),
            "can_manage": request.user.has_perm("programmes.manage_programme"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    access.require_programme_manager(request.user)
    return _edit(
        request,
        ProgrammeForm,
        success_url=lambda p: reverse("programmes:programme-detail", args=[p.slug]),
        title=_("New programme"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, slug):
    programme = access.programme_for(
        request.user, Programme.objects, slug, "programmes.manage_programme"
    )
    return _edit(
        request,
        ProgrammeForm,
        instance=programme,
        success_url=lambda p: reverse("programmes:programme-detail", args=[p.slug]),
        title=_("Edit %(programme)s") % {"programme": programme},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_type_create(request, slug):
    programme = access.programme_for(
        request.user, Programme.objects, slug, "programmes.manage_programme"
    )
    return _edit(
        request,
        ClusterTypeForm,
        form_kwargs={"programme": programme},
        success_url=reverse("programmes:programme-detail", args=[programme.slug]),
        title=_("New cluster type"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_type_edit(request, pk):
    ctype = get_object_or_404(ClusterType.objects.select_related("programme"), pk=pk)
    access.require_programme_manager(request.user)
    return _edit(
        request,
        ClusterTypeForm,
        instance=ctype,
        form_kwargs={"programme": ctype.programme},
        success_url=reverse("programmes:programme-detail", args=[ctype.programme.slug]),
        title=_("Edit cluster type %(code)s") % {"code": ctype.code},
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_create(request, slug):
    programme = access.programme_for(
        request.user, Programme.objects, slug, "programmes.manage_programme"
    )
    return _edit(
        request,
        KPIForm,
        form_kwargs={"programme": programme},
        success_url=reverse("programmes:programme-detail", args=[programme.slug]),
        title=_("New KPI"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request, pk):
    kpi = get_object_or_404(KPI.objects.select_related("programme"), pk=pk)
    access.require_programme_manager(request.user)
    return _edit(
        request,
        KPIForm,
        instance=kpi,
        form_kwargs={"programme": kpi.programme},
        success_url=reverse("programmes:programme-detail", args=[kpi.programme.slug]),
        title=_("Edit KPI %(code)s") % {"code": kpi.code},
    )
