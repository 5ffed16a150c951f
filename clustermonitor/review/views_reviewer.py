"""A reviewer's pages (issue 19): "My assignments" and one assignment — the declaration of
conflicts of interest first, then the application's submitted version and the scores per
rubric criterion (a draft, then submitted). Another reviewer's scores only once one's own
are submitted. Access: accounts.access (access_review.py): a reviewer's own active
assignments only, 404 for anything else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clustermonitor.accounts import access
from clustermonitor.core import editing
from clustermonitor.grants import selectors as grants_selectors
from clustermonitor.review import selectors, services
from clustermonitor.review.forms import DeclarationForm, ScoreForm
from clustermonitor.review.models import Assignment, Declaration, Score


@login_required
def my_assignments(request):
    access.require_reviewer(request.user)
    rows = (
        access.assignments_of(request.user, Assignment.objects)
        .select_related("application__call__cluster_type")
        .order_by("-assigned_at", "pk")
    )
    return render(request, "review/my_assignments.html", {"assignments": rows})


def _score_form(assignment, data=None):
    criteria = selectors.rubric_criteria(assignment.application.call)
    initial = {}
    for score in Score.objects.filter(assignment=assignment):
        initial[f"score_{score.criterion_id}"] = score.score
        initial[f"comment_{score.criterion_id}"] = score.comment
    return ScoreForm(data, criteria=criteria, initial=initial)


def _page(request, assignment, declaration_form=None, score_form=None, status=200):
    application = assignment.application
    sees_content = assignment.declaration == Declaration.NONE
    version = (
        grants_selectors.latest_version(application)
        if assignment.declaration != Declaration.CONFLICT
        else None
    )
    context = {
        "assignment": assignment,
        "application": application,
        "call": application.call,
        # Before the declaration: who applies with whom (to judge a conflict); the full
        # version with its attachments once no conflict is declared (access.attachment_for
        # lets the reviewer download those); nothing more with a conflict.
        "version": version,
        "files": grants_selectors.attachments_of_version(version)
        if version is not None and sees_content
        else [],
        "sees_content": sees_content,
        "declaration_form": declaration_form
        or (
            DeclarationForm()
            if assignment.declaration != Declaration.CONFLICT and assignment.submitted_at is None
            else None
        ),
        "score_form": score_form or (_score_form(assignment) if assignment.may_score else None),
        "own_scores": Score.objects.filter(assignment=assignment).select_related("criterion")
        if assignment.submitted_at
        else [],
        "others": selectors.others_submitted(assignment)
        if access.may_see_other_scores(request.user, assignment)
        else None,
    }
    return render(request, "review/assignment.html", context, status=status)


@login_required
def assignment_detail(request, pk):
    assignment = access.my_assignment_for(request.user, Assignment.objects, pk)
    return _page(request, assignment)


@login_required
@require_POST
def declare(request, pk):
    assignment = access.my_assignment_for(request.user, Assignment.objects, pk)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _page(request, assignment, declaration_form=form, status=400)
    try:
        services.declare(
            editing.actor(request),
            assignment,
            conflict=form.cleaned_data["conflict"] == "yes",
            note=form.cleaned_data["note"],
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        if form.cleaned_data["conflict"] == "yes":
            messages.success(request, _("Your conflict of interest is recorded; you do not score."))
        else:
            messages.success(request, _("No conflict of interest: you may score now."))
    return redirect("review:assignment", assignment.pk)


@login_required
@require_POST
def score(request, pk):
    assignment = access.my_assignment_for(request.user, Assignment.objects, pk)
    if not assignment.may_score:
        messages.error(request, _("This assignment cannot be scored."))
        return redirect("review:assignment", assignment.pk)
    form = _score_form(assignment, request.POST)
    if not form.is_valid():
        return _page(request, assignment, score_form=form, status=400)
    submit = request.POST.get("action") == "submit"
    try:
        services.save_scores(editing.actor(request), assignment, form.values(), submit=submit)
    except services.ReviewError as exc:
        form.add_error(None, str(exc))
        assignment.refresh_from_db()
        return _page(request, assignment, score_form=form, status=400)
    messages.success(
        request, _("Your scores are submitted.") if submit else _("Your draft is saved.")
    )
    return redirect("review:assignment", assignment.pk)
