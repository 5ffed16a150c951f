"""Criteria sets (the programme manager writes and publishes versions) and a cluster's
readiness against them (computed values, evidence answered by the cluster and checked
by the agency, assessments frozen with the version they used)."""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.maturity import criteria, selectors, services
from clustermonitor.maturity.forms import (
    CheckForm,
    CriteriaSetForm,
    CriterionForm,
    EvidenceForm,
)
from clustermonitor.maturity.models import Answer, Assessment, CriteriaSet, Criterion
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme

VIEW = "programmes.view_criteria"
MANAGE = "programmes.manage_criteria"
READINESS = "programmes.view_readiness"
ANSWER = "programmes.answer_criteria"
CHECK = "programmes.check_criteria"


def _form_page(
    request,
    form_class,
    *,
    instance=None,
    form_kwargs,
    save,
    success_url,
    title,
    cancel_url,
    context=None,
):
    """Like core.editing.edit, but a refusal of the rules (services.MaturityError) or of the
    model shows on the form instead of failing."""
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            try:
                saved = save(editing.actor(request), form)
            except services.MaturityError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved: %(object)s") % {"object": saved})
                return redirect(success_url(saved))
    else:
        form = form_class(instance=instance, **form_kwargs)
    return render(
        request,
        "maturity/criteria_form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})},
    )


# -- Criteria sets ------------------------------------------------------------------------


def _published_only_refused(request, criteria_set):
    messages.info(
        request,
        _("%(set)s is published and never changes: make a new version.") % {"set": criteria_set},
    )
    return redirect("programmes:criteria-set-detail", criteria_set.pk)


@login_required
def criteria_set_list(request):
    access.check(request.user, VIEW)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    can_manage = request.user.has_perm(MANAGE)
    sets = CriteriaSet.objects.filter(programme=programme).annotate(
        n_criteria=Count("criteria", distinct=True),
        n_assessments=Count("assessments", distinct=True),
    )
    if not can_manage:
        sets = sets.filter(status=CriteriaSet.Status.PUBLISHED)
    groups = OrderedDict()
    for s in sets.order_by("name", "-version"):
        groups.setdefault(s.name, []).append(s)
    return render(
        request,
        "maturity/criteria_set_list.html",
        {"programme": programme, "groups": groups, "can_manage": can_manage},
    )


def _save_set(actor, form):
    return services.save_criteria_set(actor, form.save(commit=False))


def _set_url(criteria_set) -> str:
    return reverse("programmes:criteria-set-detail", args=[criteria_set.pk])


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_create(request):
    access.check(request.user, MANAGE, visible=VIEW)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    return _form_page(
        request,
        CriteriaSetForm,
        form_kwargs={"programme": programme},
        save=_save_set,
        success_url=_set_url,
        title=_("New criteria set"),
        cancel_url=reverse("programmes:criteria-set-list"),
    )


@login_required
def criteria_set_detail(request, pk):
    criteria_set = access.criteria_set_for(request.user, CriteriaSet.objects, pk)
    can_manage = request.user.has_perm(MANAGE)
    versions = selectors.versions(criteria_set).annotate(
        n_assessments=Count("assessments", distinct=True)
    )
    if not can_manage:
        versions = versions.filter(status=CriteriaSet.Status.PUBLISHED)
    return render(
        request,
        "maturity/criteria_set_detail.html",
        {
            "set": criteria_set,
            "criteria": criteria_set.criteria.all(),
            "versions": versions,
            "can_manage": can_manage,
            "n_assessments": criteria_set.assessments.count(),
            "metrics": criteria.METRICS.values(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_edit(request, pk):
    criteria_set = access.criteria_set_for(request.user, CriteriaSet.objects, pk, MANAGE)
    if criteria_set.is_published:
        return _published_only_refused(request, criteria_set)
    return _form_page(
        request,
        CriteriaSetForm,
        instance=criteria_set,
        form_kwargs={"programme": criteria_set.programme},
        save=_save_set,
        success_url=_set_url,
        title=_("Edit %(set)s") % {"set": criteria_set},
        cancel_url=_set_url(criteria_set),
    )


def _set_step(request, pk, step, success, ask=None):
    """`ask(criteria_set)`, when given, is the confirmation page's (title, question,
    button): the step is done only on a POST that confirms it."""
    criteria_set = access.criteria_set_for(request.user, CriteriaSet.objects, pk, MANAGE)
    if ask is not None and not confirm.confirmed(request) and not criteria_set.is_published:
        title, question, button = ask(criteria_set)
        return confirm.ask(
            request,
            title=title,
            question=question,
            details=[_("This cannot be undone.")],
            button=button,
            cancel_url=_set_url(criteria_set),
        )
    try:
        result = step(editing.actor(request), criteria_set)
    except services.MaturityError as error:
        messages.error(request, str(error))
        return redirect("programmes:criteria-set-detail", criteria_set.pk)
    messages.success(request, success)
    return redirect(result or "programmes:criteria-set-list")


def _criteria_count(criteria_set) -> str:
    return format_number(criteria_set.criteria.count())


@login_required
@require_POST
def criteria_set_publish(request, pk):
    today = timezone.localdate()
    return _set_step(
        request,
        pk,
        lambda actor, s: _set_url(services.publish(actor, s, today)),
        _("Published. From now on this version never changes."),
        ask=lambda s: (
            _("Publish %(set)s") % {"set": s},
            _(
                "Publish %(set)s with its %(n)s criteria? From then on this version never "
                "changes and clusters are assessed against it."
            )
            % {"set": s, "n": _criteria_count(s)},
            _("Yes, publish"),
        ),
    )


@login_required
@require_POST
def criteria_set_new_version(request, pk):
    return _set_step(
        request,
        pk,
        lambda actor, s: _set_url(services.new_version(actor, s)),
        _("A new draft version: change it, then publish it."),
    )


@login_required
@require_POST
def criteria_set_delete(request, pk):
    def delete(actor, criteria_set):
        services.delete_draft(actor, criteria_set)
        return None

    return _set_step(
        request,
        pk,
        delete,
        _("Draft deleted."),
        ask=lambda s: (
            _("Delete %(set)s") % {"set": s},
            _("Delete the draft %(set)s and its %(n)s criteria?")
            % {"set": s, "n": _criteria_count(s)},
            _("Yes, delete the draft"),
        ),
    )


# -- Criteria -----------------------------------------------------------------------------


def _criterion_page(request, criteria_set, instance=None):
    return _form_page(
        request,
        CriterionForm,
        instance=instance,
        form_kwargs={"criteria_set": criteria_set},
        save=lambda actor, form: services.save_criterion(actor, form.save(commit=False)),
        success_url=lambda c: _set_url(criteria_set),
        title=(_("Edit criterion") if instance else _("New criterion")) + f" — {criteria_set}",
        cancel_url=_set_url(criteria_set),
        context={"metrics": criteria.METRICS.values()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_create(request, pk):
    criteria_set = access.criteria_set_for(request.user, CriteriaSet.objects, pk, MANAGE)
    if criteria_set.is_published:
        return _published_only_refused(request, criteria_set)
    return _criterion_page(request, criteria_set)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk):
    item = access.criterion_for(request.user, Criterion.objects, pk)
    if item.criteria_set.is_published:
        return _published_only_refused(request, item.criteria_set)
    return _criterion_page(request, item.criteria_set, item)


@login_required
@require_POST
def criterion_delete(request, pk):
    item = access.criterion_for(request.user, Criterion.objects, pk)
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            item,
            cancel_url=reverse("programmes:criteria-set-detail", args=[item.criteria_set_id]),
        )
    try:
        services.delete_criterion(editing.actor(request), item)
    except services.MaturityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Criterion removed."))
    return redirect("programmes:criteria-set-detail", item.criteria_set_id)


# -- Readiness ----------------------------------------------------------------------------


def _may_assess(user, cluster) -> bool:
    return user.has_perm(ANSWER, cluster) or user.has_perm(CHECK, cluster)


@login_required
def readiness(request, code):
    cluster = access.readiness_cluster(request.user, Cluster.objects, code)
    published = selectors.published_sets(cluster.programme)
    chosen = None
    wanted = request.GET.get("set", "")
    if wanted.isdigit():
        chosen = next((s for s in published if s.pk == int(wanted)), None)
    if chosen is None:
        latest = selectors.latest_published(cluster.programme)
        chosen = latest[0] if latest else None
    today = timezone.localdate()
    assessments = [
        selectors.assessment_readiness(a)
        for a in cluster.assessments.select_related("criteria_set", "created_by")
    ]
    return render(
        request,
        "maturity/readiness.html",
        {
            "cluster": cluster,
            "published": published,
            "chosen": chosen,
            "result": selectors.readiness(cluster, chosen, today) if chosen else None,
            "assessments": assessments,
            "can_assess": _may_assess(request.user, cluster),
            "today": today,
        },
    )


@login_required
@require_POST
def assess(request, code):
    cluster = access.readiness_cluster(request.user, Cluster.objects, code)
    if not _may_assess(request.user, cluster):
        raise PermissionDenied
    wanted = request.POST.get("set", "")
    criteria_set = get_object_or_404(
        CriteriaSet,
        pk=int(wanted) if wanted.isdigit() else 0,
        programme=cluster.programme,
        status=CriteriaSet.Status.PUBLISHED,
    )
    assessment = services.assess(
        editing.actor(request), cluster, criteria_set, timezone.localdate()
    )
    messages.success(
        request,
        _("Assessed: the computed values are frozen; evidence criteria wait for answers."),
    )
    return redirect("programmes:assessment-detail", assessment.pk)


@login_required
def assessment_detail(request, pk):
    assessment = get_object_or_404(
        Assessment.objects.select_related("cluster__programme", "criteria_set", "created_by"),
        pk=pk,
    )
    cluster = assessment.cluster
    access.check(request.user, READINESS, cluster, visible=READINESS)
    can_answer = request.user.has_perm(ANSWER, cluster)
    can_check = request.user.has_perm(CHECK, cluster)
    result = selectors.assessment_readiness(assessment)
    for row in result.rows:
        answer = row.answer
        row.may_answer = (
            can_answer and not row.criterion.is_computed and answer.status != Answer.Status.ACCEPTED
        )
        row.may_check = (
            can_check
            and not row.criterion.is_computed
            and answer.status == Answer.Status.PENDING
            and bool(answer.evidence)
            and answer.answered_by_id != request.user.pk
        )
        row.own_answer = bool(answer.evidence) and answer.answered_by_id == request.user.pk
        row.evidence_form = EvidenceForm(
            initial={"evidence": answer.evidence}, prefix=f"a{answer.pk}"
        )
        row.check_form = CheckForm(prefix=f"c{answer.pk}")
    return render(
        request,
        "maturity/assessment_detail.html",
        {"assessment": assessment, "cluster": cluster, "result": result},
    )


def _back(answer):
    return redirect(
        reverse("programmes:assessment-detail", args=[answer.assessment_id])
        + f"#answer-{answer.pk}"
    )


@login_required
@require_POST
def answer_evidence(request, pk):
    answer = access.answer_for(request.user, Answer.objects, pk, ANSWER)
    form = EvidenceForm(request.POST, prefix=f"a{answer.pk}")
    evidence = form.cleaned_data["evidence"] if form.is_valid() else ""
    try:
        services.answer_evidence(editing.actor(request), answer, evidence, timezone.localdate())
    except services.MaturityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Evidence saved; it waits for a check by the agency."))
    return _back(answer)


@login_required
@require_POST
def answer_check(request, pk):
    answer = access.answer_for(request.user, Answer.objects, pk, CHECK)
    form = CheckForm(request.POST, prefix=f"c{answer.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
        return _back(answer)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.check_answer(
            editing.actor(request),
            answer,
            accept=accept,
            note=form.cleaned_data["note"],
            on=timezone.localdate(),
        )
    except services.MaturityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Evidence accepted.") if accept else _("Evidence rejected."))
    return _back(answer)
