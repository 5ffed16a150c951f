"""The cluster manager's pages of an event's registration: the overview (registrations,
waiting list, check-ins, the export), the settings and questions, and the check-in
page for a phone on the day (camera scanner, search by name, walk-ins)."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clustermonitor.accounts import access_registrations
from clustermonitor.activities.models import Activity
from clustermonitor.core import confirm, editing, exporters
from clustermonitor.core.middleware import permissions_policy_header
from clustermonitor.core.paging import page_of
from clustermonitor.registrations import selectors, services
from clustermonitor.registrations.forms import QuestionForm, ScanForm, SettingsForm, WalkInForm
from clustermonitor.registrations.models import Question, Registration, RegistrationSettings

MANAGE = access_registrations.REGISTRATIONS_MANAGE
#: The check-in page's policy: the site's, and a photo of a ticket read by the scanner
#: (html5-qrcode loads the chosen picture from a blob: address).
CHECK_IN_CSP = {
    **django_settings.SECURE_CSP,
    "img-src": [*django_settings.SECURE_CSP.get("img-src", []), "blob:"],
}


def _activity(request, pk, perm=access_registrations.REGISTRATIONS_VIEW):
    return access_registrations.registration_activity_for(request.user, Activity.objects, pk, perm)


def _can_manage(user, activity) -> bool:
    return any(user.has_perm(MANAGE, c) for c in activity.clusters.all())


#: The registrations page's lists, by status (?show=): one page of rows at a time.
SHOWN = (
    Registration.Status.REGISTERED,
    Registration.Status.WAITLISTED,
    Registration.Status.CANCELLED,
)


@login_required
@require_GET
def event_detail(request, pk):
    activity, cluster = _activity(request, pk)
    settings = services.settings_for(activity)
    show = request.GET.get("show")
    show = show if show in SHOWN else Registration.Status.REGISTERED
    counts = selectors.counts(activity)
    return render(
        request,
        "registrations/event.html",
        {
            "activity": activity,
            "cluster": cluster,
            "settings": settings,
            "state": settings.state() if settings else "",
            "questions": list(settings.questions.all()) if settings else [],
            "counts": counts,
            "show": show,
            "lists": [
                (status, Registration.Status(status).label, counts[status]) for status in SHOWN
            ],
            "page": page_of(request, selectors.with_status(activity, show)),
            "can_manage": _can_manage(request.user, activity),
            "public_link": request.build_absolute_uri(
                reverse("registrations:register", args=[activity.pk])
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request, pk):
    activity, _cluster = _activity(request, pk, MANAGE)
    instance = services.settings_for(activity) or RegistrationSettings(activity=activity)
    back = reverse("registrations:event-detail", args=[activity.pk])
    return editing.edit(
        request,
        SettingsForm,
        instance=instance,
        save=services.save_settings,
        success_url=back,
        cancel_url=back,
        title=_("Registration for %(activity)s") % {"activity": activity.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request, pk):
    activity, _cluster = _activity(request, pk, MANAGE)
    settings = services.settings_for(activity)
    if settings is None:
        messages.error(request, _("Open registration first."))
        return redirect("registrations:settings-edit", activity.pk)
    back = reverse("registrations:event-detail", args=[activity.pk])
    return editing.edit(
        request,
        QuestionForm,
        instance=Question(settings=settings, position=settings.questions.count() + 1),
        save=services.save_question,
        success_url=back,
        cancel_url=back,
        title=_("A question for %(activity)s") % {"activity": activity.title},
    )


@login_required
@require_POST
def question_delete(request, pk):
    question = Question.objects.select_related("settings").filter(pk=pk).first()
    activity_pk = question.settings.activity_id if question else 0
    activity, _cluster = _activity(request, activity_pk, MANAGE)
    back = reverse("registrations:event-detail", args=[activity.pk])
    if not confirm.confirmed(request):
        return confirm.ask_removal(request, question, cancel_url=back)
    services.remove_question(editing.actor(request), question)
    messages.success(request, _("Question removed."))
    return redirect(back)


@login_required
@require_GET
def event_download(request, pk):
    activity, _cluster = _activity(request, pk)
    settings = services.settings_for(activity)
    questions = list(settings.questions.all()) if settings else []
    headers, rows = selectors.export_rows(activity, questions)
    name = f"registrations-{activity.pk}"
    if request.GET.get("format") == "xlsx":
        return exporters.xlsx_response(
            f"{name}.xlsx", [exporters.Sheet(str(_("Registrations")), headers, rows)]
        )
    return exporters.csv_response(f"{name}.csv", headers, rows)


@login_required
@require_POST
def registration_cancel(request, pk):
    """The cluster's manager cancels a registration for someone (who phoned, or wrote):
    asked first; the first on the waiting list moves up and is told."""
    registration = access_registrations.registration_for(request.user, Registration.objects, pk)
    back = reverse("registrations:event-detail", args=[registration.activity_id])
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Cancel a registration"),
            question=_("Cancel the registration of %(name)s for %(activity)s?")
            % {"name": registration.name, "activity": registration.activity.title},
            details=[_("A place that becomes free goes to the first on the waiting list.")],
            button=_("Cancel the registration"),
            cancel_url=back,
        )
    try:
        cancelled = services.cancel(registration, editing.actor(request))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        if cancelled:
            messages.success(request, _("Registration cancelled."))
    return redirect(back)


# -- On the day --------------------------------------------------------------------------


@login_required
@require_GET
@csp_override(CHECK_IN_CSP)
def check_in(request, pk):
    """The check-in page, for a phone: the camera scanner (when the browser allows it),
    the search by name and the way to a walk-in."""
    activity, cluster = _activity(request, pk, MANAGE)
    query = request.GET.get("q", "")[:100]
    response = render(
        request,
        "registrations/checkin.html",
        {
            "activity": activity,
            "cluster": cluster,
            "query": query,
            "found": selectors.search(activity, query),
            "counts": selectors.counts(activity),
        },
    )
    # The one page that may use the camera (the scanner), for this site only.
    response["Permissions-Policy"] = permissions_policy_header({**_policy(), "camera": ["self"]})
    return response


def _policy() -> dict:
    from django.conf import settings

    return dict(settings.PERMISSIONS_POLICY)


def _back_to_check_in(activity, query: str):
    url = reverse("registrations:check-in", args=[activity.pk])
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@login_required
@require_POST
def check_in_registration(request, pk):
    """The button next to a name found by the search."""
    registration = access_registrations.registration_for(request.user, Registration.objects, pk)
    try:
        registration, new = services.check_in(editing.actor(request), registration)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        text = _("%(name)s is checked in.") if new else _("%(name)s was checked in already.")
        messages.success(request, text % {"name": registration.name})
    return _back_to_check_in(registration.activity, request.POST.get("q", "")[:100])


@login_required
@require_POST
def check_in_scan(request, pk):
    """What the scanner posts: the token read from a ticket. JSON: the outcome and, for
    a ticket of this event, the name."""
    activity, _cluster = _activity(request, pk, MANAGE)
    form = ScanForm(request.POST)
    registration = (
        services.registration_for_token(form.cleaned_data["token"]) if form.is_valid() else None
    )
    if registration is None or registration.activity_id != activity.pk:
        return JsonResponse(
            {"outcome": "unknown", "message": _("This ticket is not one of this event.")},
            status=404,
        )
    try:
        registration, new = services.check_in(editing.actor(request), registration)
    except services.RegistrationError as error:
        return JsonResponse({"outcome": "refused", "message": str(error)}, status=409)
    text = _("%(name)s is checked in.") if new else _("%(name)s was checked in already.")
    return JsonResponse(
        {
            "outcome": "checked_in" if new else "already",
            "name": registration.name,
            "message": text % {"name": registration.name},
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in_walk_in(request, pk):
    activity, cluster = _activity(request, pk, MANAGE)
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration, _new = services.walk_in(editing.actor(request), activity, **data)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
            return redirect("registrations:check-in", activity.pk)
    return render(
        request,
        "registrations/walk_in.html",
        {"activity": activity, "cluster": cluster, "form": form},
    )
