"""Pages of the online application (issue 19). The agency: a call's set-up, the
applications a call received and their versions. The applicant: "My applications", the
application form page by page, attachments, submit, the acknowledgement, withdraw. The
public call pages are the portal's (portal/views_calls.py)."""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing, i18n
from clustermonitor.grants import selectors, services
from clustermonitor.grants.forms import AttachmentForm, CallSetupForm
from clustermonitor.grants.models import ApplicationVersion, Attachment, CallSetup
from clustermonitor.programmes.models import Application, Call
from clustermonitor.surveys import forms_respond as values
from clustermonitor.surveys import respond
from clustermonitor.surveys.models import Questionnaire

ACTIONS = ("next", "previous", "save")


# -- the agency ----------


@login_required
@require_http_methods(["GET", "POST"])
def call_setup(request, pk):
    access.require_call_setup_editor(request.user)
    call = access.call_for(request.user, Call.objects, pk, access.GRANTS_SETUP)
    instance = CallSetup.objects.filter(call=call).first()
    return editing.edit(
        request,
        CallSetupForm,
        instance=instance,
        form_kwargs={
            "call": call,
            "questionnaires": Questionnaire.objects.filter(programme=call.programme),
        },
        success_url=reverse("grants:received", args=[call.pk]),
        cancel_url=reverse("programmes:call-detail", args=[call.pk]),
        title=_("Online applications: %(call)s") % {"call": call},
    )


@login_required
@require_GET
def received(request, pk):
    call = access.received_call_for(request.user, Call.objects, pk)
    return render(
        request,
        "grants/received.html",
        {
            "call": call,
            "setup": services.setup_of(call),
            "applications": selectors.received(call),
            "counts": selectors.call_counts(call),
            "can_setup": request.user.has_perm(access.GRANTS_SETUP),
        },
    )


# -- an application ----------


def _is_own(request, application) -> bool:
    return application.applicant_account_id == request.user.pk


@login_required
@require_GET
def application_detail(request, pk):
    application = access.application_for(request.user, Application.objects, pk)
    own = _is_own(request, application)
    setup = services.setup_of(application.call)
    context = {
        "application": application,
        "own": own,
        "setup": setup,
        "versions": selectors.versions(application),
        "now": timezone.now(),
    }
    if own:
        result = services.check(application, setup)
        editable = (
            application.status in services.OPEN_STATUSES
            and setup is not None
            and setup.questionnaire_id is not None
            and setup.is_open(timezone.now())
        )
        gap_label = ""
        if result.gap is not None:
            question = result.gap[1]
            gap_label = values.text(question.get("label"), _language(request)) or question["name"]
        context.update(
            {
                "check": result,
                "gap_label": gap_label,
                "editable": editable,
                "overlap": selectors.overlap(result.data),
                "attachments": result.attachments,
                "attachment_form": AttachmentForm(),
                "can_withdraw": application.status in services.OPEN_STATUSES,
            }
        )
    return render(request, "grants/application_detail.html", context)


@login_required
@require_GET
def mine(request):
    applications = selectors.mine(access.own_applications(request.user, Application.objects))
    return render(
        request,
        "grants/mine.html",
        {"applications": applications, "open_calls": selectors.open_calls(timezone.now())},
    )


@login_required
@require_GET
def version_detail(request, pk):
    """A submitted version: its answers and hash. For its applicant, the acknowledgement."""
    version = access.version_for(request.user, ApplicationVersion.objects, Application.objects, pk)
    application = version.application
    return render(
        request,
        "grants/version.html",
        {
            "version": version,
            "application": application,
            "own": _is_own(request, application),
            "attachments": selectors.attachments_of_version(version),
            "latest": selectors.latest_version(application),
        },
    )


@login_required
@require_GET
def attachment_file(request, pk):
    attachment = access.attachment_for(request.user, Attachment.objects, Application.objects, pk)
    if not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- the applicant's writes ----------------------------------------------------------------


def _refused(request, application, error: services.Refused):
    messages.error(request, error.message)
    return redirect("grants:application", application.pk)


@login_required
@require_POST
def attachment_add(request, pk):
    application = access.own_application(request.user, Application.objects, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors) or _("Choose a file to add."))
        return redirect("grants:application", application.pk)
    try:
        attachment = services.add_attachment(
            editing.actor(request), application, form.cleaned_data["file"]
        )
    except services.Refused as error:
        return _refused(request, application, error)
    messages.success(request, _("Added: %(name)s") % {"name": attachment.name})
    return redirect("grants:application", application.pk)


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = access.attachment_for(
        request.user, Attachment.objects, Application.objects, pk, own=True
    )
    try:
        services.remove_attachment(editing.actor(request), attachment)
    except services.Refused as error:
        return _refused(request, attachment.application, error)
    messages.success(request, _("Removed: %(name)s") % {"name": attachment.name})
    return redirect("grants:application", attachment.application_id)


@login_required
@require_POST
def submit(request, pk):
    application = access.own_application(request.user, Application.objects, pk)
    try:
        version = services.submit(editing.actor(request), application)
    except services.Refused as error:
        return _refused(request, application, error)
    return redirect("grants:acknowledgement", version.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    application = access.own_application(request.user, Application.objects, pk)
    url = reverse("grants:application", args=[application.pk])
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Withdraw the application"),
            question=_("Withdraw “%(title)s”? The agency then no longer considers it.")
            % {"title": application.title},
            button=_("Withdraw"),
            cancel_url=url,
        )
    try:
        services.withdraw(editing.actor(request), application)
    except services.Refused as error:
        return _refused(request, application, error)
    messages.success(request, _("The application is withdrawn."))
    return redirect(url)


# -- the form, page by page ----------


def _language(request) -> str:
    return i18n.supported(getattr(request, "LANGUAGE_CODE", None))


def _form_url(application, group) -> str:
    url = reverse("grants:form", args=[application.pk])
    return f"{url}?{urlencode({'page': group['name']})}" if group else url


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def form_page(request, pk):
    application = access.own_application(request.user, Application.objects, pk)
    setup = services.setup_of(application.call)
    now = timezone.now()
    if (
        application.status not in services.OPEN_STATUSES
        or setup is None
        or setup.questionnaire_id is None
        or not setup.is_open(now)
    ):
        if setup is not None and now >= setup.closes_at:
            messages.error(request, services.Late(setup.closes_at).message)
        return redirect("grants:application", application.pk)
    definition = setup.questionnaire.definition
    draft = services.draft_of(application)
    answers = dict(draft.answers or {})
    if request.method == "POST":
        action = request.POST.get("action", "next")
        action = action if action in ACTIONS else "next"
        try:
            outcome = services.save_page(
                editing.actor(request),
                application,
                request.POST.get("page", ""),
                request.POST,
                action=action,
                revision_seen=request.POST.get("revision", ""),
                language=_language(request),
            )
        except services.Refused as error:
            return _refused(request, application, error)
        draft = services.draft_of(application)
        if outcome.kind == "stale":
            messages.warning(
                request,
                _(
                    "The application was changed in another window in the meantime. This "
                    "page now shows the latest saved answers: please check them."
                ),
            )
            group = respond.reachable_page(definition, outcome.answers, request.POST.get("page"))
            return _render(request, application, setup, draft, group, outcome.answers, status=409)
        if outcome.kind == "invalid":
            group = respond.page_named(definition, outcome.answers, request.POST.get("page"))
            group = group or respond.groups(definition)[0]
            return _render(
                request,
                application,
                setup,
                draft,
                group,
                outcome.answers,
                errors=outcome.errors,
                raw=outcome.raw,
            )
        if outcome.kind == "more":
            messages.info(request, _("Your answers added questions to this page."))
            return _render(request, application, setup, draft, outcome.next_page, outcome.answers)
        if action == "save":
            messages.success(request, _("Saved. You can continue later from My applications."))
        if outcome.next_page is None:  # past the last page: the check and Submit
            return redirect("grants:application", application.pk)
        return redirect(_form_url(application, outcome.next_page))
    wanted = request.GET.get("page")
    shown = respond.pages(definition, answers)
    group = next((g for g in shown if g["name"] == wanted), None) or (
        shown[0] if shown else respond.groups(definition)[0]
    )
    if wanted and group["name"] != wanted:
        return redirect(_form_url(application, group))
    return _render(request, application, setup, draft, group, answers)


def _render(
    request, application, setup, draft, group, answers, *, errors=None, raw=None, status=200
):
    errors, raw = errors or {}, raw or {}
    definition = setup.questionnaire.definition
    language = _language(request)
    visible = respond.visible_questions(definition, group, answers)
    first_error = next((q["name"] for q in visible if q["name"] in errors), None)
    fields = [
        values.field(
            q,
            language=language,
            cluster_name=str(answers.get("cluster_name") or ""),
            value=answers.get(q["name"]),
            raw=raw.get(q["name"]),
            error=errors.get(q["name"]),
            autofocus=q["name"] == first_error,
        )
        for q in visible
    ]
    shown = respond.pages(definition, answers)
    names = [g["name"] for g in shown]
    number = names.index(group["name"]) + 1 if group["name"] in names else 1
    return render(
        request,
        "grants/form_page.html",
        {
            "application": application,
            "setup": setup,
            "page": group,
            "page_label": values.text(group.get("label"), language),
            "fields": fields,
            "pages": [
                {"name": g["name"], "label": values.text(g.get("label"), language)} for g in shown
            ],
            "number": number,
            "total": len(shown),
            "revision": services.revision(draft),
            "shown_at": int(time.time()),
            "has_previous": respond.neighbour(definition, answers, group, -1) is not None,
            "is_last": respond.neighbour(definition, answers, group, +1) is None,
            "any_required": any(f["required"] for f in fields),
            "error_summary": [f for f in fields if f["error"]],
        },
        status=status,
    )
