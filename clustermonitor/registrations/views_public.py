"""The visitor's pages (no account): the registration form of a public activity that
opened registration, the page after it, and the cancellation link of the e-mail. Plain
forms, CSRF-protected; a honeypot and a rate limit keep robots out (as the join form,
portal/views_join.py)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clustermonitor.accounts import lockout
from clustermonitor.activities.models import Activity
from clustermonitor.registrations import selectors, services
from clustermonitor.registrations.forms import RegisterForm


def _public_activity(pk: int) -> Activity:
    """A public activity that has registration settings (404 otherwise)."""
    activity = (
        Activity.objects.filter(pk=pk, public=True, registration_settings__isnull=False)
        .select_related("registration_settings")
        .first()
    )
    if activity is None:
        raise Http404
    return activity


@require_http_methods(["GET", "POST"])
def register(request, pk):
    activity = _public_activity(pk)
    settings = activity.registration_settings
    questions = list(settings.questions.all())
    state = settings.state()
    full = selectors.is_full(settings)
    status = 200
    form = RegisterForm(request.POST or None, questions=questions)
    if request.method == "POST" and state == "open" and not (full and not settings.waiting_list):
        if form.is_robot:
            # The honeypot: the robot is told what a person is told; nothing is kept or sent.
            return redirect("registrations:registered", activity.pk)
        if form.is_valid():
            data = form.cleaned_data
            digest = services.client_digest(lockout.client_address(request))
            if services.too_many(data["email"], digest):
                form.add_error(
                    None,
                    _(
                        "We received too many registrations from this e-mail address or this "
                        "connection. Please try again in an hour."
                    ),
                )
                status = 429
            else:
                try:
                    services.register(
                        activity,
                        {**data, "answers": form.answers()},
                        language=translation.get_language(),
                        digest=digest,
                    )
                except services.RegistrationError as error:
                    form.add_error(None, str(error))
                    status = 409
                else:
                    return redirect("registrations:registered", activity.pk)
    return render(
        request,
        "registrations/register.html",
        {
            "activity": activity,
            "settings": settings,
            "state": state,
            "full": full,
            "form": form,
        },
        status=status,
    )


@require_GET
def registered(request, pk):
    activity = _public_activity(pk)
    return render(request, "registrations/registered.html", {"activity": activity})


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """The link in the e-mail: a page with a button (a link opened by a mail scanner
    cancels nothing); the button cancels."""
    registration = services.registration_for_token(token)
    if registration is None:
        return render(request, "registrations/cancel.html", {"problem": True})
    cancelled_now = False
    problem = ""
    if request.method == "POST":
        try:
            cancelled_now = services.cancel(registration)
        except services.RegistrationError as error:
            problem = str(error)
        registration.refresh_from_db()
    return render(
        request,
        "registrations/cancel.html",
        {
            "registration": registration,
            "activity": registration.activity,
            "cancelled_now": cancelled_now,
            "past": registration.activity.last_day < timezone.localdate(),
            "error": problem,
        },
    )
