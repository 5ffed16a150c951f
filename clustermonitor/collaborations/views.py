"""Collaboration records of a cluster: the list with its typology breakdown, a new
collaboration, its page (parties, links, the stage history), editing and import."""

import datetime
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.collaborations import exports, lifecycle, selectors, services
from clustermonitor.collaborations.forms import (
    CollaborationForm,
    LinkForm,
    NewCollaborationForm,
    PartyForm,
    StageForm,
)
from clustermonitor.collaborations.models import (
    Collaboration,
    Instrument,
    Link,
    Party,
    Purpose,
    Stage,
)
from clustermonitor.core import confirm, editing
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.imports import wizard
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import partners
from clustermonitor.registry.models import Organisation

VIEW = access.COLLABORATIONS_VIEW
CHANGE = "collaborations.change_collaborations"


def get_cluster(user, code: str, perm: str = VIEW):
    return access.get_cluster_collaborations_for_user(user, Cluster.objects, code, perm)


def _filtered(request, queryset):
    filters = {}
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        queryset, filters["stage"] = queryset.filter(stage=stage), stage
    instrument = request.GET.get("instrument", "")
    if instrument in Instrument.values:
        queryset, filters["instrument"] = queryset.filter(instrument=instrument), instrument
    purpose = request.GET.get("purpose", "")
    if purpose in Purpose.values:
        queryset, filters["purpose"] = queryset.filter(purpose=purpose), purpose
    if request.GET.get("intercluster") == "1":
        queryset, filters["intercluster"] = selectors.intercluster(queryset), "1"
    return queryset, filters


@login_required
def collaboration_list(request, code):
    cluster = get_cluster(request.user, code)
    base = selectors.with_derived(Collaboration.objects.filter(clusters=cluster)).prefetch_related(
        "clusters"
    )
    collaborations, filters = _filtered(request, base.order_by("title", "pk"))
    kpi3 = selectors.cluster_kpi3(cluster)
    counted = {v.collaboration.pk for v in kpi3.counted}
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"collaborations-{cluster.code}.xlsx",
            [exports.collaboration_sheet(collaborations, counted)],
        )
    return render(
        request,
        "collaborations/collaboration_list.html",
        {
            "cluster": cluster,
            "collaborations": collaborations,
            "counted": counted,
            "kpi3": kpi3,
            "filters": filters,
            "breakdown": selectors.breakdown_table(selectors.breakdowns(base)),
            "stages": Stage.choices,
            "instruments": Instrument.choices,
            "purposes": Purpose.choices,
            "can_change": request.user.has_perm(CHANGE, cluster),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_create(request, code):
    cluster = get_cluster(request.user, code, CHANGE)
    clusters = Cluster.objects.filter(programme=cluster.programme)

    def save(actor, form):
        collaboration = form.save(commit=False)
        collaboration.programme = cluster.programme
        chosen = set(form.cleaned_data["clusters"]) | {cluster}
        return services.create(
            actor,
            collaboration,
            chosen,
            stage=form.cleaned_data["stage"],
            on=form.cleaned_data["stage_date"],
        )

    form_class = NewCollaborationForm
    owners = {"clusters": clusters, "user": request.user, "home": cluster}
    if request.method == "POST":
        form = form_class(request.POST, **owners)
        if form.is_valid():
            try:
                collaboration = save(editing.actor(request), form)
            except lifecycle.TransitionError as error:
                form.add_error("stage_date" if error.field == "date" else "stage", str(error))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Saved: %(object)s") % {"object": collaboration})
                return redirect("collaborations:collaboration-detail", collaboration.pk)
        return _form_page(request, form, cluster)
    form = form_class(initial={"clusters": [cluster]}, **owners)
    return _form_page(request, form, cluster)


def _form_page(request, form, cluster):
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("New collaboration of %(cluster)s") % {"cluster": cluster.code},
            "cancel_url": reverse("collaborations:collaboration-list", args=[cluster.code]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_edit(request, pk):
    collaboration, _cluster = access.get_collaboration_for_user(
        request.user, Collaboration.objects, pk, CHANGE
    )
    return editing.edit(
        request,
        CollaborationForm,
        instance=collaboration,
        form_kwargs={
            "clusters": Cluster.objects.filter(programme=collaboration.programme),
            "user": request.user,
        },
        save=services.save_form,
        success_url=reverse("collaborations:collaboration-detail", args=[collaboration.pk]),
        title=_("Edit %(collaboration)s") % {"collaboration": collaboration.title},
    )


def _party_form(request, collaboration, data=None):
    """Parties are chosen among today's members of the collaboration's clusters that the
    user may see, or by the enterprise number of an organisation they may see."""
    return PartyForm(
        data,
        organisations=access.members_on(
            request.user, Membership.objects, collaboration.clusters.all()
        ),
        registry=access.parties_for(request.user, Organisation.objects.all()),
        lookup=functools.partial(partners.lookup, any_kind=access.reads_programme(request.user)),
        may_create=access.reads_programme(request.user),
    )


@login_required
def collaboration_detail(request, pk):
    collaboration, cluster = access.get_collaboration_for_user(
        request.user, Collaboration.objects, pk
    )
    derived = selectors.with_derived(Collaboration.objects.filter(pk=pk)).get()
    can_change = any(request.user.has_perm(CHANGE, c) for c in collaboration.clusters.all())
    verdict_rows = [
        (
            c.code,
            selectors.reason_label(
                selectors.kpi3_verdict(derived, c, datetime.date.today()).reason
            ),
        )
        for c in collaboration.clusters.all()
        if request.user.has_perm(VIEW, c)
    ]
    return render(
        request,
        "collaborations/collaboration_detail.html",
        {
            "collaboration": collaboration,
            "derived": derived,
            "scale": selectors.scale_label(derived.n_companies),
            "cluster": cluster,
            "can_change": can_change,
            "parties": collaboration.parties.select_related("organisation"),
            "links": collaboration.links.all(),
            "history": collaboration.stage_changes.select_related("recorded_by").order_by(
                "date", "pk"
            ),
            "verdict_rows": verdict_rows,
            "stage_form": StageForm(),
            "party_form": _party_form(request, collaboration),
            "link_form": LinkForm(),
        },
    )


@login_required
@require_POST
def stage_change(request, pk):
    collaboration, _cluster = access.get_collaboration_for_user(
        request.user, Collaboration.objects, pk, CHANGE
    )
    form = StageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_stage(
                editing.actor(request),
                collaboration,
                data["stage"],
                on=data["date"],
                reason=data["reason"],
                note=data["note"],
            )
        except lifecycle.TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Stage changed to “%(stage)s”.") % {"stage": Stage(data["stage"]).label}
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("collaborations:collaboration-detail", collaboration.pk)


@login_required
@require_POST
def party_add(request, pk):
    collaboration, _cluster = access.get_collaboration_for_user(
        request.user, Collaboration.objects, pk, CHANGE
    )
    form = _party_form(request, collaboration, request.POST)
    if form.is_valid():
        actor = editing.actor(request)
        organisation = form.cleaned_data["organisation"]
        if organisation is None:  # a number the registry lacks: from KBO, or as named
            organisation = partners.organisation_for(
                actor, form.cleaned_data["kbo_record"], note="added as a party"
            )
        services.set_party(actor, collaboration, organisation, form.cleaned_data["role"])
        messages.success(request, _("Party saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("collaborations:collaboration-detail", collaboration.pk)


@login_required
@require_POST
def party_delete(request, pk):
    party = get_object_or_404(Party, pk=pk)
    access.get_collaboration_for_user(
        request.user, Collaboration.objects, party.collaboration_id, CHANGE
    )
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            party,
            cancel_url=reverse(
                "collaborations:collaboration-detail", args=[party.collaboration_id]
            ),
        )
    services.remove_party(editing.actor(request), party)
    messages.success(request, _("Party removed."))
    return redirect("collaborations:collaboration-detail", party.collaboration_id)


@login_required
@require_POST
def link_add(request, pk):
    collaboration, _cluster = access.get_collaboration_for_user(
        request.user, Collaboration.objects, pk, CHANGE
    )
    form = LinkForm(request.POST)
    if form.is_valid():
        services.add_link(
            editing.actor(request),
            collaboration,
            form.cleaned_data["title"],
            form.cleaned_data["url"],
        )
        messages.success(request, _("Link added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("collaborations:collaboration-detail", collaboration.pk)


@login_required
@require_POST
def link_delete(request, pk):
    link = get_object_or_404(Link, pk=pk)
    access.get_collaboration_for_user(
        request.user, Collaboration.objects, link.collaboration_id, CHANGE
    )
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            link,
            cancel_url=reverse("collaborations:collaboration-detail", args=[link.collaboration_id]),
        )
    services.remove_link(editing.actor(request), link)
    messages.success(request, _("Link removed."))
    return redirect("collaborations:collaboration-detail", link.collaboration_id)


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_import(request, code):
    cluster = get_cluster(request.user, code, CHANGE)
    return wizard.upload_step(request, cluster, "collaborations")
