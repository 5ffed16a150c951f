"""The maturity ladder and labels (issue 21): the programme's ladder and label register,
a cluster's Ladder tab, the level decisions and label awards, and the readiness for a
level or label with the gaps in figures (docs/maturity.md, "The ladder and labels")."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clustermonitor.accounts import access
from clustermonitor.core import editing, paging
from clustermonitor.maturity import ladder, services
from clustermonitor.maturity.forms import LabelAwardForm, LabelForm, LevelDecisionForm, LevelForm
from clustermonitor.maturity.models import Label, Level
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme


def _on(request) -> datetime.date:
    """?on=YYYY-MM-DD, today when missing; a day after today is today (nothing is known
    of it yet)."""
    return min(paging.date_param(request), timezone.localdate())


def _programme(request):
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    return programme


# -- The programme's ladder and labels ----------------------------------------------------


@login_required
def ladder_programme(request):
    access.require_ladder_reader(request.user)
    programme = _programme(request)
    on = _on(request)
    steps = ladder.levels(programme)
    clusters = list(
        Cluster.objects.filter(programme=programme, start_date__lte=on).order_by("code")
    )
    decisions = ladder.levels_on(clusters, on)
    rows = [(c, decisions.get(c.pk)) for c in clusters]
    return render(
        request,
        "maturity/ladder_programme.html",
        {
            "programme": programme,
            "on": on,
            "levels": steps,
            "counts": ladder.level_counts(steps, decisions),
            "off_ladder": len(clusters) - len(decisions),
            "rows": rows,
            "can_manage": request.user.has_perm(access.LADDER_MANAGE),
        },
    )


@login_required
def label_register(request):
    access.require_ladder_reader(request.user)
    programme = _programme(request)
    on = _on(request)
    clusters = Cluster.objects.filter(programme=programme)
    register = ladder.awards(clusters, on)
    for award in register:
        award.valid_now = ladder.valid_on(award, on)
        award.days_left = (award.valid_until - on).days
    return render(
        request,
        "maturity/label_register.html",
        {
            "programme": programme,
            "on": on,
            "labels": ladder.labels(programme),
            "awards": register,
            "notice_days": ladder.EXPIRY_NOTICE_DAYS,
            "can_manage": request.user.has_perm(access.LADDER_MANAGE),
        },
    )


def _model_page(request, form_class, instance, programme, save, title, back):
    """A level's or label's form; a refusal of the rules shows on the form."""
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, programme=programme)
        if form.is_valid():
            try:
                saved = save(editing.actor(request), form.save(commit=False))
            except services.MaturityError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved: %(object)s") % {"object": saved})
                return redirect(back)
    else:
        form = form_class(instance=instance, programme=programme)
    return render(
        request,
        "maturity/criteria_form.html",
        {"form": form, "title": title, "cancel_url": reverse(back)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_create(request):
    access.require_ladder_manager(request.user)
    return _model_page(
        request,
        LevelForm,
        None,
        _programme(request),
        ladder.save_level,
        _("New level"),
        "programmes:ladder",
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_edit(request, pk):
    access.require_ladder_manager(request.user)
    level = get_object_or_404(Level.objects.select_related("programme"), pk=pk)
    return _model_page(
        request,
        LevelForm,
        level,
        level.programme,
        ladder.save_level,
        _("Edit level %(level)s") % {"level": level},
        "programmes:ladder",
    )


@login_required
@require_http_methods(["GET", "POST"])
def label_create(request):
    access.require_ladder_manager(request.user)
    return _model_page(
        request,
        LabelForm,
        None,
        _programme(request),
        ladder.save_label,
        _("New label"),
        "programmes:labels",
    )


@login_required
@require_http_methods(["GET", "POST"])
def label_edit(request, pk):
    access.require_ladder_manager(request.user)
    label = get_object_or_404(Label.objects.select_related("programme"), pk=pk)
    return _model_page(
        request,
        LabelForm,
        label,
        label.programme,
        ladder.save_label,
        _("Edit label %(label)s") % {"label": label},
        "programmes:labels",
    )


# -- A cluster's ladder -------------------------------------------------------------------


@login_required
def ladder_cluster(request, code):
    cluster = access.ladder_cluster(request.user, Cluster.objects, code)
    on = _on(request)
    current, since = ladder.level_since(cluster, on)
    steps = ladder.levels(cluster.programme)
    register = ladder.awards([cluster], on)
    for award in register:
        award.valid_now = ladder.valid_on(award, on)
        award.days_left = (award.valid_until - on).days
    return render(
        request,
        "maturity/ladder_cluster.html",
        {
            "cluster": cluster,
            "on": on,
            "current": current,
            "since": since,
            "possible_from": ladder.promotion_possible_from(cluster, on),
            "next_level": ladder.next_level(steps, current),
            "history": ladder.history(cluster, on),
            "awards": register,
            "labels": ladder.labels(cluster.programme),
            "notice_days": ladder.EXPIRY_NOTICE_DAYS,
            "can_manage": request.user.has_perm(access.LADDER_MANAGE, cluster),
        },
    )


def _cluster_form(request, code, form_class, step, title, success):
    cluster = access.ladder_cluster(request.user, Cluster.objects, code, access.LADDER_MANAGE)
    back = reverse("programmes:ladder-cluster", args=[cluster.code])
    if request.method == "POST":
        form = form_class(request.POST, cluster=cluster)
        if form.is_valid():
            try:
                step(editing.actor(request), cluster, form.cleaned_data)
            except (services.MaturityError, ValidationError) as error:
                form.add_error(None, error if isinstance(error, ValidationError) else str(error))
            else:
                messages.success(request, success)
                return redirect(back)
    else:
        today = timezone.localdate()
        form = form_class(
            cluster=cluster,
            initial={"decided_on": today, "effective_from": today, "awarded_on": today},
        )
    return render(
        request,
        "maturity/criteria_form.html",
        {
            "form": form,
            "title": f"{title} — {cluster.code}",
            "cancel_url": back,
            "cluster": cluster,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def level_decision(request, code):
    return _cluster_form(
        request,
        code,
        LevelDecisionForm,
        lambda actor, cluster, data: ladder.decide_level(actor, cluster, **data),
        _("Level decision"),
        _("Decision recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def label_award_add(request, code):
    return _cluster_form(
        request,
        code,
        LabelAwardForm,
        lambda actor, cluster, data: ladder.award_label(actor, cluster, **data),
        _("Label awarded"),
        _("Label award recorded."),
    )


@login_required
def ladder_readiness(request, code):
    """The cluster against a level's or a label's criteria set as known on ?on=."""
    cluster = access.ladder_cluster(request.user, Cluster.objects, code)
    on = _on(request)
    steps = ladder.levels(cluster.programme)
    all_labels = ladder.labels(cluster.programme)
    target = None
    wanted_level, wanted_label = request.GET.get("level", ""), request.GET.get("label", "")
    if wanted_label.isdigit():
        target = next((lb for lb in all_labels if lb.pk == int(wanted_label)), None)
    elif wanted_level.isdigit():
        target = next((lv for lv in steps if lv.pk == int(wanted_level)), None)
    if target is None:
        target = ladder.next_level(steps, ladder.level_on(cluster, on))
    result = None
    if target is not None and target.criteria_set_id:
        result = ladder.gap_readiness(cluster, target.criteria_set, on)
    return render(
        request,
        "maturity/ladder_readiness.html",
        {
            "cluster": cluster,
            "on": on,
            "levels": steps,
            "labels": all_labels,
            "target": target,
            "target_is_label": isinstance(target, Label),
            "result": result,
            "close_percent": int(ladder.CLOSE_SHARE * 100),
        },
    )
