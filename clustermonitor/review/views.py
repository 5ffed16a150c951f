"""The programme manager's screening and jury pages per call (issue 19; docs/user-guide.md,
"Screening and the jury"): the overview, the eligibility criteria and rubric, an
application's screening, the jury's assignments, the ranking with its export, the jury
meeting's decision and its letter. Access: accounts.access (access_review.py)."""

import smtplib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.accounts.models import User
from clustermonitor.core import editing, exporters
from clustermonitor.core.paging import date_param
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.grants import selectors as grants_selectors
from clustermonitor.programmes.models import Application, Call
from clustermonitor.review import letters, selectors, services
from clustermonitor.review.forms import (
    AssignForm,
    CriterionForm,
    DecisionForm,
    InviteForm,
    RubricCriterionForm,
    RubricForm,
    ScreeningForm,
)
from clustermonitor.review.models import (
    Assignment,
    Decision,
    EligibilityCriterion,
    RubricCriterion,
    Screening,
)


def _call(request, pk) -> Call:
    return access.review_call_for(request.user, Call.objects, pk)


def _application(request, pk) -> Application:
    return access.review_application_for(request.user, Application.objects, pk)


@login_required
def call_review(request, pk):
    call = _call(request, pk)
    applications = list(selectors.received(call))
    assignments = {}
    active = Assignment.objects.filter(application__call=call, active=True)
    for a in active.select_related("reviewer").order_by("pk"):
        assignments.setdefault(a.application_id, []).append(a)
    rows = [(a, assignments.get(a.pk, [])) for a in applications]
    return render(
        request,
        "review/call.html",
        {
            "call": call,
            "rows": rows,
            "criteria": selectors.criteria(call),
            "rubric": selectors.rubric_of(call),
            "rubric_criteria": selectors.rubric_criteria(call),
        },
    )


# -- The call's criteria and rubric -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request, pk):
    call = _call(request, pk)
    form = CriterionForm(request.POST if request.POST.get("action") == "add" else None, call=call)
    if request.method == "POST":
        actor = editing.actor(request)
        if request.POST.get("action") == "standard":
            added = services.add_standard_criteria(actor, call)
            messages.success(request, _("%(n)d automatic criteria added.") % {"n": added})
            return redirect("review:criteria", call.pk)
        if form.is_valid():
            try:
                services.add_criterion(actor, form.instance)
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Criterion added."))
                return redirect("review:criteria", call.pk)
    return render(
        request,
        "review/criteria.html",
        {"call": call, "criteria": selectors.criteria(call), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def criterion_delete(request, pk):
    access.require_review_manager(request.user)
    criterion = EligibilityCriterion.objects.filter(pk=pk).first()
    if criterion is None:
        raise Http404
    try:
        services.remove_criterion(editing.actor(request), criterion)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Criterion removed."))
    return redirect("review:criteria", criterion.call_id)


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request, pk):
    call = _call(request, pk)
    action = request.POST.get("action")
    rubric_form = RubricForm(
        request.POST if action == "thresholds" else None, instance=selectors.rubric_of(call)
    )
    form = RubricCriterionForm(request.POST if action == "add" else None, call=call)
    if request.method == "POST":
        actor = editing.actor(request)
        try:
            if action == "thresholds" and rubric_form.is_valid():
                services.save_rubric(actor, rubric_form.instance)
                messages.success(request, _("Thresholds saved."))
                return redirect("review:rubric", call.pk)
            if action == "add" and form.is_valid():
                services.add_rubric_criterion(actor, form.instance)
                messages.success(request, _("Criterion added."))
                return redirect("review:rubric", call.pk)
        except services.ReviewError as exc:
            (form if action == "add" else rubric_form).add_error(None, str(exc))
    invalid = (rubric_form.is_bound and rubric_form.errors) or (form.is_bound and form.errors)
    return render(
        request,
        "review/rubric.html",
        {
            "call": call,
            "criteria": selectors.rubric_criteria(call),
            "rubric_form": rubric_form,
            "form": form,
        },
        status=400 if invalid else 200,
    )


@login_required
@require_POST
def rubric_criterion_delete(request, pk):
    access.require_review_manager(request.user)
    criterion = RubricCriterion.objects.filter(pk=pk).first()
    if criterion is None:
        raise Http404
    try:
        services.remove_rubric_criterion(editing.actor(request), criterion)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Criterion removed."))
    return redirect("review:rubric", criterion.call_id)


# -- Screening ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def screening(request, pk):
    application = _application(request, pk)
    call = application.call
    criteria_list = selectors.criteria(call)
    version = grants_selectors.latest_version(application)
    form = ScreeningForm(request.POST or None, criteria=criteria_list)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.screen(
                editing.actor(request), application, form.answers(), note=form.cleaned_data["note"]
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Screened: %(outcome)s.") % {"outcome": done.get_outcome_display()},
            )
            return redirect("review:call", call.pk)
    outcomes = services.automatic_outcomes(application, version) if version else {}
    existing = Screening.objects.filter(application=application).first()
    return render(
        request,
        "review/screening.html",
        {
            "application": application,
            "call": call,
            "version": version,
            "files": grants_selectors.attachments_of_version(version) if version else [],
            "automatic": [(c, outcomes.get(c.pk)) for c in criteria_list if c.automatic],
            "form": form,
            "existing": existing,
            "results": list(existing.results.select_related("criterion")) if existing else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# -- The jury -------------------------------------------------------------------------------


def _assign_form(request, call, data=None):
    applications = Application.objects.filter(
        call=call, status=Application.Status.IN_REVIEW
    ).order_by("applicant", "pk")
    reviewers = access.reviewers_for(request.user, User.objects)
    return AssignForm(data, applications=applications, reviewers=reviewers)


def _jury_page(request, call, form=None, invite=None, status=200):
    rows = []
    for application in selectors.jury(call):
        assigned = list(application.assignments.all())
        rows.append((application, assigned, selectors.readiness_of(assigned)))
    return render(
        request,
        "review/jury.html",
        {
            "call": call,
            "rows": rows,
            "form": form or _assign_form(request, call),
            "invite": invite or InviteForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury(request, pk):
    call = _call(request, pk)
    if request.method == "GET":
        return _jury_page(request, call)
    form = _assign_form(request, call, request.POST)
    if form.is_valid():
        try:
            services.assign(
                editing.actor(request),
                form.cleaned_data["application"],
                form.cleaned_data["reviewer"],
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Reviewer assigned."))
            return redirect("review:jury", call.pk)
    return _jury_page(request, call, form=form, status=400)


@login_required
@require_POST
def invite(request, pk):
    call = _call(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            user, _link = services.invite_reviewer(
                editing.actor(request),
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                site_url=request.build_absolute_uri("/"),
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is a reviewer now and received a link to choose a password.")
                % {"name": user.get_full_name() or user.email},
            )
            return redirect("review:jury", call.pk)
    return _jury_page(request, call, invite=form, status=400)


@login_required
@require_POST
def unassign(request, pk):
    assignment = access.review_assignment_for_manager(request.user, Assignment.objects, pk)
    try:
        services.unassign(editing.actor(request), assignment)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reviewer removed from the application."))
    return redirect("review:jury", assignment.application.call_id)


# -- Ranking ----------------------------------------------------------------------------------


def _ranking_table(items, rows):
    headers = [
        _("Rank"),
        _("Applicant"),
        _("Title"),
        _("Reviewers"),
        _("Weighted total (%)"),
        _("Spread (points)"),
        *[c.label for c in items],
        _("Below threshold"),
        _("Criteria below threshold"),
        _("Wide spread"),
        _("Status"),
    ]
    labels = {c.pk: c.label for c in items}
    body = []
    for row in rows:
        r = row.ranked
        body.append(
            [
                r.rank,
                row.application.applicant,
                row.application.title,
                r.reviewers,
                _round(r.mean),
                _round(r.spread),
                *[_round(r.criterion_means.get(c.pk)) for c in items],
                _("yes") if r.below_threshold else "",
                ", ".join(labels[k] for k in r.criteria_below),
                _("yes") if r.wide_spread else "",
                row.application.get_status_display(),
            ]
        )
    return headers, body


def _round(value):
    return None if value is None else round(value, 1)


@login_required
def ranking(request, pk):
    call = _call(request, pk)
    on = date_param(request) if request.GET.get("on") else None
    items, rubric_, rows = selectors.ranking(call, on)
    wanted = request.GET.get("format")
    if wanted in ("xlsx", "csv"):
        headers, body = _ranking_table(items, rows)
        name = f"rangschikking-oproep-{call.pk}"
        if wanted == "csv":
            return exporters.csv_response(f"{name}.csv", headers, body)
        return exporters.xlsx_response(
            f"{name}.xlsx", [exporters.Sheet(_("Ranking"), headers, body)]
        )
    return render(
        request,
        "review/ranking.html",
        {
            "call": call,
            "on": on,
            "items": items,
            "rubric": rubric_,
            "rows": [
                (
                    row,
                    [format_number(_round(row.ranked.criterion_means.get(c.pk)), 1) for c in items],
                )
                for row in rows
            ],
        },
    )


# -- The decision -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, pk):
    application = _application(request, pk)
    existing = Decision.objects.filter(application=application).first()
    form = DecisionForm(
        request.POST or None,
        initial={
            "meeting_date": timezone.localdate(),
            "funded_amount": application.requested_amount,
        },
    )
    if request.method == "POST" and existing is None and form.is_valid():
        data = form.cleaned_data
        actor = editing.actor(request)
        try:
            made = services.decide(
                actor,
                application,
                outcome=data["outcome"],
                funded_amount=data.get("funded_amount"),
                motivation=data["motivation"],
                meeting_date=data["meeting_date"],
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decision is recorded."))
            if data.get("send_letter"):
                try:
                    sent = services.send_letter(actor, made)
                except (OSError, smtplib.SMTPException):  # the decision stands; mail later
                    messages.error(
                        request,
                        _("The letter could not be mailed: download it and send it yourself."),
                    )
                    return redirect("review:decision", application.pk)
                if sent:
                    messages.success(request, _("The letter was mailed to the applicant."))
                else:
                    messages.warning(
                        request,
                        _(
                            "The application has no applicant's account with an e-mail address: "
                            "download the letter and send it."
                        ),
                    )
            return redirect("review:decision", application.pk)
    elif request.method == "POST" and existing is not None:
        messages.error(request, _("The jury has decided on this application already."))
        return redirect("review:decision", application.pk)
    _items, _rubric, ranked = selectors.ranking(application.call)
    row = next((r for r in ranked if r.application.pk == application.pk), None)
    return render(
        request,
        "review/decision.html",
        {
            "application": application,
            "call": application.call,
            "decision": existing,
            "form": form,
            "readiness": selectors.readiness(application),
            "ranked": row.ranked if row else None,
            "scored": selectors.submitted_assignments(application),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def letter(request, pk):
    application = _application(request, pk)
    made = (
        Decision.objects.filter(application=application)
        .select_related("application__call__programme")
        .first()
    )
    if made is None:
        raise Http404
    response = HttpResponse(letters.render(made), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letters.filename(made)}"'
    return response
