"""The open calls on the public portal (issue 19): the published calls while open
(opens_at ≤ now < closes_at) with their conditions, and the entry point to apply — the
first save makes the applicant's account and draft (grants/services.py); a logged-in
applicant starts another draft."""

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clustermonitor.accounts import lockout
from clustermonitor.accounts.models import Role
from clustermonitor.core import editing
from clustermonitor.grants import selectors, services
from clustermonitor.grants.forms import NewDraftForm, StartForm

#: Accounts one connection may start per hour (the address itself gets one account).
STARTS_PER_HOUR = 10


@require_GET
def calls(request):
    return render(
        request, "portal/calls.html", {"setups": list(selectors.open_calls(timezone.now()))}
    )


def _conditions(setup) -> str:
    if translation.get_language() == "en" and setup.conditions_en:
        return setup.conditions_en
    return setup.conditions


def starts_key(address: str) -> str:
    """The cache key counting one connection's application starts this hour."""
    return "grants-start:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _too_many(request) -> bool:
    key = starts_key(lockout.client_address(request) or "")
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        count = 1
    return count > STARTS_PER_HOUR


@require_http_methods(["GET", "POST"])
def call_detail(request, pk):
    setup = selectors.open_call(timezone.now(), pk)
    if setup is None:
        raise Http404
    user = request.user
    is_applicant = user.is_authenticated and Role.APPLICANT in user.role_set
    form_class = NewDraftForm if is_applicant else StartForm
    status = 200
    form = form_class()
    if request.method == "POST":
        if user.is_authenticated and not is_applicant:
            messages.error(request, _("Applications are made with an applicant's account."))
            return redirect("portal:call", pk)
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if is_applicant:
                    application = services.create_draft(
                        editing.actor(request),
                        setup,
                        user,
                        organisation=data["organisation"],
                        title=data["title"],
                    )
                    return redirect("grants:form", application.pk)
                if _too_many(request):
                    form.add_error(
                        None,
                        _(
                            "Too many applications were started from this connection. "
                            "Please try again in an hour."
                        ),
                    )
                    status = 429
                else:
                    services.start(setup, **data)
                    return redirect("portal:call-started")
            except services.Refused as error:
                form.add_error(None, error.message)
                status = 409
    return render(
        request,
        "portal/call_detail.html",
        {
            "setup": setup,
            "call": setup.call,
            "conditions": _conditions(setup),
            "form": form,
            "is_applicant": is_applicant,
            "staff": user.is_authenticated and not is_applicant,
        },
        status=status,
    )


@require_GET
def call_started(request):
    return render(request, "portal/call_started.html")
