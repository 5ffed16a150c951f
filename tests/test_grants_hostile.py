"""Hostile values against the online application (issue 19): what a script or a hand-made
request sends — markup, NUL bytes, over-long texts, unknown pages and actions, another
page's questions, stale revisions, ids that are not one's own — is refused or kept as
text, never a 500 and never written where it does not belong."""

import pytest
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.grants import services
from clustermonitor.grants.models import ApplicationVersion
from clustermonitor.programmes.models import Application
from tests.grants_helpers import ANSWERS, draft_for, open_call

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SCRIPT = '<script>alert("x")</script>'


def _post(client, application, page, data, action="save", revision=None):
    draft = services.draft_of(application)
    body = {
        "page": page,
        "revision": services.revision(draft) if revision is None else revision,
        "action": action,
        "shown": list(data),
        **data,
    }
    return client.post(reverse("grants:form", args=[application.pk]), body)


def test_markup_in_an_answer_is_kept_as_text_and_shown_escaped(web):
    setup = open_call()
    application = draft_for(setup, answers={**ANSWERS, "roadmap": SCRIPT, "title": SCRIPT})
    services.submit(audit.Actor(User.objects.get(username="applicant"), "t"), application)
    version = ApplicationVersion.objects.get(application=application)
    assert version.data["roadmap"] == SCRIPT
    for persona in ("applicant", "programme_manager"):
        html = web(persona).get(reverse("grants:acknowledgement", args=[version.pk])).content
        assert SCRIPT.encode() not in html and b"&lt;script&gt;" in html


@pytest.mark.parametrize(
    "value",
    ["x" * 2001, "a\x00b", "\ud800" if False else "n" * 5000],
)
def test_an_over_long_or_nul_text_is_refused_not_stored(web, value):
    setup = open_call()
    application = draft_for(setup, answers={})
    page = _post(web("applicant"), application, "p_project", {"domain": value})
    assert page.status_code in (200, 400)
    application.draft.refresh_from_db()
    assert "domain" not in application.draft.answers


def test_an_unknown_page_a_question_of_another_page_and_an_unknown_action(web):
    setup = open_call()
    application = draft_for(setup, answers={})
    client = web("applicant")
    assert _post(client, application, "p_nope", {"title": "X"}).status_code in (302, 409)
    # A question of another page posted with this one is not read.
    _post(client, application, "p_manager", {"manager_name": "M", "title": "Gekaapt"})
    application.draft.refresh_from_db()
    assert application.draft.answers.get("manager_name") == "M"
    assert application.draft.answers.get("title") != "Gekaapt"
    answer = _post(client, application, "p_manager", {"manager_name": "N"}, action="delete-all")
    assert answer.status_code in (200, 302)


def test_a_stale_revision_changes_nothing(web):
    setup = open_call()
    application = draft_for(setup, answers={"manager_name": "Eerst"})
    page = _post(web("applicant"), application, "p_manager", {"manager_name": "Oud"}, revision="1")
    assert page.status_code == 409
    application.draft.refresh_from_db()
    assert application.draft.answers["manager_name"] == "Eerst"


@pytest.mark.parametrize("pk", ["0", "999999999", "-1", "1e3"])
def test_made_up_ids_are_not_found(web, pk):
    client = web("applicant")
    for name in (
        "grants:application",
        "grants:form",
        "grants:acknowledgement",
        "grants:attachment",
    ):
        try:
            url = reverse(name, args=[pk])
        except Exception:
            continue  # the URL itself refuses it
        assert client.get(url).status_code == 404


def test_the_start_form_refuses_hostile_values(web):
    setup = open_call()
    url = reverse("portal:call", args=[setup.call_id])
    for data in (
        {
            "first_name": "A",
            "last_name": "B",
            "email": "not-an-address",
            "organisation": "O",
            "title": "T",
        },
        {
            "first_name": "A\x00",
            "last_name": "B",
            "email": "a@example.org",
            "organisation": "O",
            "title": "T",
        },
        {
            "first_name": "A" * 151,
            "last_name": "B",
            "email": "a@example.org",
            "organisation": "O",
            "title": "T",
        },
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.org",
            "organisation": "O",
            "title": "T" * 301,
        },
    ):
        assert web("anonymous").post(url, data).status_code == 200
    assert not User.objects.filter(email="a@example.org").exists()
    assert not Application.objects.filter(call=setup.call).exists()


def test_a_logged_in_staff_member_cannot_start_an_application(web):
    setup = open_call()
    answer = web("programme_manager").post(
        reverse("portal:call", args=[setup.call_id]),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "pm@example.org",
            "organisation": "O",
            "title": "T",
        },
    )
    assert answer.status_code == 302
    assert not Application.objects.filter(call=setup.call).exists()


def test_too_many_starts_from_one_connection_are_refused(web, settings):
    from django.core.cache import cache

    cache.clear()
    setup = open_call()
    url = reverse("portal:call", args=[setup.call_id])
    statuses = []
    for n in range(12):
        data = {
            "first_name": "A",
            "last_name": "B",
            "email": f"flood{n}@example.org",
            "organisation": "O",
            "title": "T",
        }
        statuses.append(web("anonymous").post(url, data).status_code)
    assert statuses[:10] == [302] * 10 and statuses[10:] == [429, 429]
    assert User.objects.filter(email__startswith="flood").count() == 10
