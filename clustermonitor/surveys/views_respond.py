"""The web questionnaire at /s/<token>/: no login, the personal link is the key.

An unknown token and a wave that is not open get the same polite page with status 404:
nothing tells whether the link ever existed. Every page is saved when it is left
(Next, Previous, or "save and continue later"); opening the link again resumes where
the respondent stopped. See surveys/respond.py for the rules.
"""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clustermonitor.surveys import forms_respond as values
from clustermonitor.surveys import respond as service

ACTIONS = ("next", "previous", "save", "submit")


def _language(request, definition: dict) -> str:
    language = getattr(request, "LANGUAGE_CODE", "") or ""
    return language if language in ("nl", "en") else definition.get("default_language", "nl")


def _headers(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def unavailable(request):
    """The same page for a link that never existed and one whose wave is not open."""
    return _headers(render(request, "surveys/respond_unavailable.html", status=404))


def _page_url(token: str, group: dict | None) -> str:
    url = reverse("surveys:respond", args=[token])
    return f"{url}?{urlencode({'page': group['name']})}" if group else url


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token):
    invitation = service.find_open_invitation(token)
    if invitation is None:
        return unavailable(request)
    response = service.response_of(invitation)
    if response is not None and response.is_complete:
        if request.method == "POST":
            return redirect(reverse("surveys:respond", args=[token]))  # the first stays
        return _headers(
            render(request, "surveys/respond_thanks.html", _base_context(request, invitation))
        )
    if request.method == "POST":
        return _post(request, token, invitation)
    definition = invitation.wave.questionnaire.definition
    answers = dict(response.answers) if response else {}
    wanted = request.GET.get("page")
    group = service.reachable_page(definition, answers, wanted)
    if wanted and group["name"] != wanted:
        return redirect(_page_url(token, group))
    return _render_page(request, invitation, response, group, answers)


def _post(request, token, invitation):
    definition = invitation.wave.questionnaire.definition
    action = request.POST.get("action", "next")
    action = action if action in ACTIONS else "next"
    outcome = service.save_page(
        invitation,
        request.POST.get("page", ""),
        request.POST,
        action=action,
        revision_seen=request.POST.get("revision", ""),
        shown_at=request.POST.get("shown_at"),
        language=_language(request, definition),
    )
    if outcome.kind in ("completed", "closed"):
        return redirect(reverse("surveys:respond", args=[token]))
    if outcome.kind == "stale":
        messages.warning(
            request,
            _(
                "Your answers were changed in another window in the meantime. This page now "
                "shows the latest saved answers: please check them and continue."
            ),
        )
        group = service.reachable_page(definition, outcome.answers, request.POST.get("page"))
        return _render_page(
            request, invitation, outcome.response, group, outcome.answers, status=409
        )
    if outcome.kind == "invalid":
        group = service.page_named(definition, outcome.answers, request.POST.get("page"))
        group = group or service.reachable_page(definition, outcome.answers, None)
        return _render_page(
            request,
            invitation,
            outcome.response,
            group,
            outcome.answers,
            errors=outcome.errors,
            raw=outcome.raw,
        )
    if outcome.kind == "more":
        messages.info(request, _("Your answers added questions to this page."))
        return _render_page(
            request, invitation, outcome.response, outcome.next_page, outcome.answers
        )
    if outcome.kind == "missing":
        group = outcome.next_page
        language = _language(request, definition)
        errors = {
            q["name"]: error
            for q in service.visible_questions(definition, group, outcome.answers)
            if q["type"] != "note"
            and (
                error := values.check(
                    q, outcome.answers.get(q["name"]), outcome.answers, language, require=True
                )
            )
        }
        messages.error(request, _("Some questions still need an answer before you can submit."))
        return _render_page(
            request, invitation, outcome.response, group, outcome.answers, errors=errors
        )
    if action == "save":
        messages.success(
            request,
            _(
                "Your answers are saved. You can close this page and continue later with "
                "the link in your e-mail."
            ),
        )
    return redirect(_page_url(token, outcome.next_page))


def _base_context(request, invitation) -> dict:
    definition = invitation.wave.questionnaire.definition
    return {
        "survey_title": definition.get("title") or str(invitation.wave.questionnaire),
        "cluster_name": invitation.cluster.name,
        "language": _language(request, definition),
    }


def _render_page(
    request, invitation, response, group, answers, *, errors=None, raw=None, status=200
):
    errors, raw = errors or {}, raw or {}
    definition = invitation.wave.questionnaire.definition
    context = _base_context(request, invitation)
    language, cluster_name = context["language"], context["cluster_name"]
    visible = service.visible_questions(definition, group, answers)
    first_error = next((q["name"] for q in visible if q["name"] in errors), None)
    fields = [
        values.field(
            q,
            language=language,
            cluster_name=cluster_name,
            value=answers.get(q["name"]),
            raw=raw.get(q["name"]),
            error=errors.get(q["name"]),
            autofocus=q["name"] == first_error,
        )
        for q in visible
    ]
    number, total = service.progress(definition, answers, group)
    following = service.neighbour(definition, answers, group, +1)
    matrix = bool(group.get("matrix")) and bool(fields)
    context.update(
        {
            "page": group,
            "page_label": values.text(group.get("label"), language, cluster_name),
            "fields": fields,
            "matrix": matrix,
            "columns": fields[0]["choices"] if matrix else [],
            "number": number,
            "total": total,
            "revision": service.revision(response),
            "shown_at": int(time.time()),
            "has_previous": service.neighbour(definition, answers, group, -1) is not None,
            "is_last": following is None,
            "any_required": any(f["required"] for f in fields),
            "error_summary": [f for f in fields if f["error"]],
        }
    )
    return _headers(render(request, "surveys/respond_page.html", context, status=status))
