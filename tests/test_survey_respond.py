"""The web questionnaire behind a personal link (issue 7, journey 13): start on a phone,
stop halfway, finish at the office from the same link; completion time; required,
constraints and out-of-range values; relevance; double submission; an older tab never
overwrites a newer save; unknown and closed links look the same; no enumeration; CSRF."""

import datetime
import re
import secrets
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clustermonitor.core import audit
from clustermonitor.surveys import instrument, services_forms
from clustermonitor.surveys.models import Invitation, Response, Wave, hash_token
from tests import factories

WISH = {1: "2", 2: "0", 3: "1", 4: "1", 5: "2", 9: "1", 6: "1", 7: "2", 8: "1", 10: "1", 11: "0"}
NONE_WISHED = dict.fromkeys(instrument.EFFECTS, "0")


def pages(wish=WISH) -> list[tuple[str, dict]]:
    wanted = [n for n, v in wish.items() if v != "0"]
    return [
        ("p_activity", {"q1": "yes", "q2": "3"}),
        ("p_wish", {f"q3_e{n}": v for n, v in wish.items()}),
        ("p_realisation", {f"q5_e{n}": "2" for n in wanted}),
        ("p_contribution", {f"q6_e{n}": "75" for n in wanted}),
        ("p_strength", {f"q7_s{k}": "3" for k in range(1, 6)}),
        ("p_benefits", {f"q8_b{k}": "4" for k in range(1, 7)}),
        ("p_competitiveness", {"q9": "within_3y"}),
        ("p_priorities", {f"q10_p{k}": "4" for k in range(1, 10)}),
        ("p_company", {"employees": "42"}),
    ]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def url(token: str, page: str | None = None) -> str:
    path = reverse("surveys:respond", args=[token])
    return f"{path}?page={page}" if page else path


@pytest.fixture
def wave(cluster_a, cluster_b) -> Wave:
    questionnaire = services_forms.load_default_questionnaire(
        cluster_a.programme, audit.Actor.system("tests")
    )
    today = timezone.localdate()
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name="Ledenbevraging test",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=7),
    )
    wave.clusters.set([cluster_a, cluster_b])
    return wave


_numbers = iter(range(9700, 9999))


def invite(wave: Wave, cluster, token: str) -> Invitation:
    """An invitation whose link is `token` (tokens.py derives real ones)."""
    organisation = factories.organisation(next(_numbers))
    return Invitation.objects.create(
        wave=wave,
        organisation=organisation,
        cluster=cluster,
        email="info@example.be",
        token_hash=hash_token(token),
        nonce=secrets.token_hex(16),
        profile={"cluster": cluster.code, "call": "1", "size": "small", "employees": 12},
    )


@pytest.fixture
def token(wave, cluster_a) -> str:
    token = new_token()
    invite(wave, cluster_a, token)
    return token


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def hidden(html: str) -> dict:
    """The hidden fields of the questionnaire's form, as a browser would send them."""
    fields: dict = {"shown": []}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html):
        if name == "shown":
            fields["shown"].append(value)
        elif name in ("page", "revision", "shown_at"):
            fields[name] = value
    return fields


def answer(client, token, data, *, action="next", html=None, elapsed=None):
    """Post the page the link shows now (or the one in `html`) with `data`."""
    if html is None:
        html = client.get(url(token), follow=True).content.decode()
    fields = hidden(html)
    if elapsed is not None:
        fields["shown_at"] = str(int(time.time()) - elapsed)
    return client.post(url(token), {**fields, **data, "action": action})


def answers_of(token: str) -> dict:
    response = Response.objects.filter(invitation__token_hash=hash_token(token)).first()
    return response.answers if response else {}


def response_of(token: str) -> Response:
    return Response.objects.get(invitation__token_hash=hash_token(token))


# -- journey 13 ---------------------------------------------------------------------------


def test_journey_13_start_on_a_phone_stop_halfway_finish_at_the_office(token):
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")
    first = phone.get(url(token))
    html = first.content.decode()
    assert first.status_code == 200
    assert "Heeft u zelf of heeft een collega" in html  # Dutch first
    assert '<progress value="1" max="9"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert Response.objects.count() == 0  # opening the link is not starting

    flow = pages()
    for number, (page, data) in enumerate(flow[:4], start=1):
        response = answer(phone, token, data)
        assert response.status_code == 302, (page, response.content.decode()[:2000])
        assert response["Location"] == url(token, flow[number][0])
    # On page 5, two statements answered, then "save and continue later".
    partial = {"q7_s1": "3", "q7_s2": "2"}
    stopped = answer(phone, token, partial, action="save")
    assert stopped.status_code == 302 and stopped["Location"] == url(token, "p_strength")
    assert answers_of(token)["q7_s2"] == "2"
    assert not response_of(token).is_complete

    office = Client()  # another device: no cookies, the same link
    resumed = office.get(url(token))
    html = resumed.content.decode()
    assert resumed.status_code == 200
    assert '<progress value="5" max="9"' in html
    assert re.search(r'id="q-q7_s2-1" value="2" checked', html)
    for page, data in flow[4:-1]:
        response = answer(office, token, data)
        assert response.status_code == 302, page
    done = answer(office, token, flow[-1][1], action="submit")
    assert done.status_code == 302 and done["Location"] == url(token)

    thanks = office.get(url(token))
    assert thanks.status_code == 200
    assert "surveys/respond_thanks.html" in [t.name for t in thanks.templates]
    saved = response_of(token)
    assert saved.is_complete and saved.source == Response.Source.WEB
    assert saved.profile == saved.invitation.profile
    assert saved.answers["q1"] == "yes" and saved.answers["employees"] == 42
    assert saved.answers["q5_e1"] == "2" and "q5_e2" not in saved.answers  # not wished
    assert saved.answers["q7_s1"] == "3"
    assert saved.duration_seconds is not None and saved.duration_seconds >= 1
    assert phone.get(url(token)).status_code == 200  # the phone sees the thank-you too


def test_completion_time_is_the_active_time_with_each_page_capped(token):
    client = Client()
    flow = pages()
    for page, data in flow[:-1]:
        assert answer(client, token, data, elapsed=60).status_code == 302, page
    # The last page was left open for two hours: it counts for 15 minutes.
    assert answer(client, token, flow[-1][1], action="submit", elapsed=7200).status_code == 302
    response = response_of(token)
    assert response.is_complete
    assert 8 * 60 + 900 <= response.duration_seconds <= 8 * 60 + 900 + 20
    started = response.completed_at - response.started_at
    assert started >= datetime.timedelta(seconds=59)  # from when the first page was shown


# -- checks ---------------------------------------------------------------------------------


def test_a_required_question_is_asked_again_next_to_the_field_and_the_rest_is_kept(token):
    client = english(Client())
    response = answer(client, token, {"q2": "3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="q-q1-error">This question needs an answer.</p>' in html
    assert 'role="alert"' in html and 'href="#q-q1-0"' in html  # the error summary
    assert re.search(r'id="q-q1-0" value="yes" aria-invalid="true" autofocus', html)
    assert answers_of(token) == {"q2": "3"}  # saved all the same
    assert re.search(r'id="q-q2-2" value="3" checked', html)


def test_values_out_of_range_are_refused_with_a_clear_message(token):
    client = english(Client())
    for page, data in pages()[:-1]:
        assert answer(client, token, data).status_code == 302, page
    cases = {
        "-5": "Enter a number between 0 and 99,999.",  # the form's constraint message
        "100000": "Enter a number between 0 and 99,999.",
        "12345678901234": "This number is too large.",
        "12.5": "Enter a whole number, without dots or commas.",
        "veel": "Enter a whole number, without dots or commas.",
    }
    for value, message in cases.items():
        response = answer(client, token, {"employees": value}, action="submit")
        html = response.content.decode()
        assert response.status_code == 200, value
        assert f'id="q-employees-error">{message}</p>' in html, value
        assert f'value="{value}"' in html  # what was typed is shown again
        assert "employees" not in answers_of(token)
        assert not response_of(token).is_complete
    assert answer(client, token, {"employees": "99999"}, action="submit").status_code == 302
    assert response_of(token).answers["employees"] == 99999


def test_a_value_that_is_not_an_option_is_refused(token):
    client = english(Client())
    response = answer(client, token, {"q1": "maybe", "q2": "9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Choose one of the options shown.") == 4  # summary and field, twice
    assert answers_of(token) == {}


def test_an_optional_question_may_stay_empty(token):
    client = Client()
    for _page, data in pages()[:-1]:
        answer(client, token, data)
    assert answer(client, token, {"employees": ""}, action="submit").status_code == 302
    assert response_of(token).is_complete and "employees" not in answers_of(token)


def test_relevance_skips_questions_and_whole_pages(token):
    client = Client()
    flow = pages(NONE_WISHED)
    answer(client, token, flow[0][1])
    response = answer(client, token, flow[1][1])
    # Nobody wants any effect: realisation and contribution are skipped.
    assert response["Location"] == url(token, "p_strength")
    html = client.get(response["Location"]).content.decode()
    assert '<progress value="3" max="7"' in html


def test_a_changed_answer_drops_answers_that_are_no_longer_relevant(token):
    client = Client()
    flow = pages()
    for _page, data in flow[:3]:
        answer(client, token, data)
    assert answers_of(token)["q5_e1"] == "2"
    html = client.get(url(token, "p_wish")).content.decode()
    assert answer(client, token, {**flow[1][1], "q3_e1": "0"}, html=html).status_code == 302
    answers = answers_of(token)
    assert answers["q3_e1"] == "0" and "q5_e1" not in answers and answers["q5_e3"] == "2"


def test_nobody_skips_ahead_past_an_unanswered_page(token):
    client = Client()
    response = client.get(url(token, "p_company"))
    assert response.status_code == 302 and response["Location"] == url(token, "p_activity")
    answer(client, token, pages()[0][1])
    assert client.get(url(token, "p_activity")).status_code == 200  # going back is fine


def test_submit_with_a_required_question_still_open_goes_to_that_page(token):
    client = english(Client())
    for _page, data in pages()[:-1]:
        answer(client, token, data)
    html = client.get(url(token, "p_company")).content.decode()
    # An earlier required answer goes missing behind the page's back.
    response = response_of(token)
    response.answers.pop("q9")
    response.save()
    result = answer(client, token, {"employees": "3"}, action="submit", html=html)
    assert result.status_code == 200
    body = result.content.decode()
    assert "Some questions still need an answer" in body and 'id="q-q9-error"' in body
    assert not response_of(token).is_complete


# -- one response, never overwritten ---------------------------------------------------------


def test_a_double_submission_keeps_the_first(token):
    client = Client()
    flow = pages()
    for _page, data in flow[:-1]:
        answer(client, token, data)
    html = client.get(url(token)).content.decode()
    assert answer(client, token, {"employees": "42"}, action="submit", html=html).status_code == 302
    first = response_of(token)
    again = answer(client, token, {"employees": "7"}, action="submit", html=html)
    assert again.status_code == 302 and again["Location"] == url(token)
    later = response_of(token)
    assert later.answers == first.answers and later.answers["employees"] == 42
    assert later.completed_at == first.completed_at
    assert later.last_saved_at == first.last_saved_at
    assert Response.objects.filter(invitation=first.invitation).count() == 1


def test_an_older_tab_does_not_overwrite_a_newer_save(token):
    phone, office = Client(), Client()
    old_tab = phone.get(url(token)).content.decode()  # shown before anything was saved
    assert answer(office, token, {"q1": "no", "q2": "2"}).status_code == 302
    stale = answer(phone, token, {"q1": "yes", "q2": "4"}, html=old_tab)
    assert stale.status_code == 409
    assert answers_of(token) == {"q1": "no", "q2": "2"}
    assert re.search(r'id="q-q1-1" value="no" checked', stale.content.decode())
    # Both look at page 1 again; the office saves first, the phone's save is refused.
    phone_tab = phone.get(url(token, "p_activity")).content.decode()
    office_tab = office.get(url(token, "p_activity")).content.decode()
    assert answer(office, token, {"q1": "yes", "q2": "4"}, html=office_tab).status_code == 302
    assert answer(phone, token, {"q1": "no", "q2": "1"}, html=phone_tab).status_code == 409
    assert answers_of(token) == {"q1": "yes", "q2": "4"}
    # With the page reloaded, the phone may save.
    reloaded = phone.get(url(token, "p_activity")).content.decode()
    assert answer(phone, token, {"q1": "no", "q2": "1"}, html=reloaded).status_code == 302
    assert answers_of(token) == {"q1": "no", "q2": "1"}


# -- links that do not work, and other people's answers ----------------------------------------


def _normalised(response, token) -> str:
    html = response.content.decode().replace(token, "TOKEN")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_unknown_closed_and_not_yet_open_links_get_the_same_polite_page(
    wave, cluster_a, token, questionnaire=None
):
    today = timezone.localdate()
    closed = Wave.objects.create(
        questionnaire=wave.questionnaire,
        name="2019",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=1),
    )
    future = Wave.objects.create(
        questionnaire=wave.questionnaire,
        name="2027",
        opens_on=today + datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    closed_token, future_token, unknown = new_token(), new_token(), new_token()
    invite(closed, cluster_a, closed_token)
    invite(future, cluster_a, future_token)
    pages_seen = {}
    for name, link in (("unknown", unknown), ("closed", closed_token), ("future", future_token)):
        client = Client()
        response = client.get(url(link))
        assert response.status_code == 404, name
        assert "surveys/respond_unavailable.html" in [t.name for t in response.templates]
        pages_seen[name] = _normalised(response, link)
        posted = client.post(url(link), {"page": "p_activity", "q1": "yes", "revision": "0"})
        assert posted.status_code == 404
        assert _normalised(posted, link) == pages_seen[name]
    assert pages_seen["unknown"] == pages_seen["closed"] == pages_seen["future"]
    assert Response.objects.filter(wave__in=[closed, future]).count() == 0
    for bad in ("x", "a" * 500, token[:-1], token.upper()):
        assert Client().get(url(bad)).status_code == 404


def test_a_link_stops_working_when_the_wave_closes_even_halfway(wave, token):
    client = Client()
    answer(client, token, pages()[0][1])
    wave.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    wave.opens_on = wave.closes_on - datetime.timedelta(days=14)
    wave.save()
    assert client.get(url(token)).status_code == 404
    assert answer(client, token, {"q1": "no"}, html="").status_code == 404
    assert answers_of(token)["q1"] == "yes"


def test_a_token_opens_its_own_answers_and_nobody_elses(wave, cluster_a, cluster_b, token):
    other = new_token()
    invite(wave, cluster_b, other)
    client = Client()
    assert answer(client, token, {"q1": "yes", "q2": "4"}).status_code == 302
    own = client.get(url(token, "p_activity")).content.decode()
    assert re.search(r'id="q-q2-3" value="4" checked', own) and cluster_a.name in own
    theirs = client.get(url(other, "p_activity")).content.decode()
    assert " checked" not in theirs and cluster_a.name not in theirs and cluster_b.name in theirs
    # Posting through the other link writes the other response only.
    assert answer(client, other, {"q1": "no", "q2": "1"}).status_code == 302
    assert answers_of(token) == {"q1": "yes", "q2": "4"}
    assert answers_of(other) == {"q1": "no", "q2": "1"}
    # Neither an invitation's id nor a response's id opens anything.
    invitation = Invitation.objects.get(token_hash=hash_token(token))
    for guess in (str(invitation.pk), str(response_of(token).pk), invitation.token_hash):
        assert client.get(url(guess)).status_code == 404


def test_the_public_form_needs_its_csrf_token(token):
    client = Client(enforce_csrf_checks=True)
    html = client.get(url(token)).content.decode()
    fields = hidden(html)
    refused = client.post(url(token), {**fields, "q1": "yes", "q2": "3", "action": "next"})
    assert refused.status_code == 403 and answers_of(token) == {}
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    accepted = client.post(
        url(token),
        {**fields, "q1": "yes", "q2": "3", "action": "next", "csrfmiddlewaretoken": csrf},
    )
    assert accepted.status_code == 302 and answers_of(token) == {"q1": "yes", "q2": "3"}


# -- the page itself ----------------------------------------------------------------------------


def test_the_page_is_private_accessible_and_free_of_inline_code(token):
    client = Client()
    response = client.get(url(token))
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"].startswith(
        "noindex"
    )
    assert "Content-Security-Policy" in response.headers
    assert "<script" not in html and " style=" not in html
    assert '<label class="option" for="q-q1-0"><input type="radio" name="q1" id="q-q1-0"' in html
    assert '<fieldset class="question choices" id="q-q1" role="radiogroup"' in html
    assert "<legend>" in html
    assert "Main menu" not in html and "Hoofdmenu" not in html  # no navigation


def test_a_matrix_page_is_a_stack_of_fieldsets_not_a_table(token):
    client = Client()
    answer(client, token, pages()[0][1])
    html = client.get(url(token, "p_wish")).content.decode()
    assert "<table" not in html
    assert html.count('class="question choices matrix-row') == len(instrument.EFFECTS)
    assert 'class="matrix cols-3"' in html


def test_the_cluster_name_fills_in_ibn_x_and_english_is_a_click_away(token, cluster_a):
    client = Client()
    html = client.get(url(token)).content.decode()
    assert f"in het kader van {cluster_a.name} aangeboden" in html and "{cluster}" not in html
    switched = client.post(reverse("set_language"), {"language": "en", "next": url(token)})
    assert switched.status_code == 302 and switched["Location"] == url(token)
    html = client.get(url(token)).content.decode()
    assert f"offered by {cluster_a.name}?" in html and '<html lang="en">' in html


def test_logged_in_users_open_a_link_like_anyone_else(client_for, token):
    for persona in ("evaluator", "member_contact"):
        assert client_for(persona).get(url(token)).status_code == 200


# -- a form of our own: every supported type, and relevance within a page ---------------------


@pytest.fixture
def own_form_token(wave, cluster_a) -> str:
    from tests.test_survey_forms import workbook

    survey = [
        (
            "type",
            "name",
            "label::nl",
            "label::en",
            "required",
            "relevant",
            "constraint",
            "appearance",
        ),
        ("begin_group", "p1", "Eerste", "First", None, None, None, "field-list"),
        ("select_one yn", "member", "Lid?", "Member?", "yes", None, None, "minimal"),
        ("text", "why", "Waarom?", "Why?", "yes", "${member} = 'yes'", None, "multiline"),
        ("end_group",),
        (
            "select_multiple topics",
            "topics",
            "Thema's",
            "Topics",
            "yes",
            None,
            "count-selected(.) <= 2",
            None,
        ),
        ("decimal", "share", "Aandeel", "Share", None, None, ". >= 0 and . <= 100", None),
    ]
    choices = [
        ("list_name", "name", "label::nl", "label::en"),
        ("yn", "yes", "ja", "yes"),
        ("yn", "no", "nee", "no"),
        ("topics", "a", "A", "A"),
        ("topics", "b", "B", "B"),
        ("topics", "c", "C", "C"),
    ]
    questionnaire = services_forms.create_questionnaire(
        audit.Actor.system("tests"),
        cluster_a.programme,
        workbook(survey, choices, [("form_title", "version"), ("Eigen", "1")]),
        "eigen.xlsx",
    )
    wave.questionnaire = questionnaire
    wave.save()
    token = new_token()
    invite(wave, cluster_a, token)
    return token


def test_every_supported_type_and_questions_that_appear_on_the_same_page(own_form_token):
    token, client = own_form_token, english(Client())
    html = client.get(url(token)).content.decode()
    assert '<select name="member" id="q-member"' in html and "q-why" not in html
    more = answer(client, token, {"member": "yes"}, html=html)
    body = more.content.decode()
    assert more.status_code == 200 and "Your answers added questions to this page." in body
    assert '<textarea name="why" id="q-why"' in body and "This question needs" not in body
    assert answers_of(token) == {"member": "yes"}
    assert answer(client, token, {"member": "yes", "why": "Netwerk"}, html=body).status_code == 302

    too_many = answer(client, token, {"topics": ["a", "b", "c"]})
    assert too_many.status_code == 200
    assert "This answer is not allowed." in too_many.content.decode()
    assert "topics" not in answers_of(token)
    assert answer(client, token, {"topics": ["c", "a"]}).status_code == 302
    assert answers_of(token)["topics"] == ["a", "c"]  # in the form's order

    html = client.get(url(token)).content.decode()
    assert 'inputmode="decimal"' in html
    back = answer(client, token, {"share": "12,5"}, action="previous", html=html)
    assert back.status_code == 302 and back["Location"] == url(token, "_topics")
    assert answers_of(token)["share"] == 12.5
    html = client.get(url(token, "_share")).content.decode()
    assert 'value="12,5"' in html
    assert answer(client, token, {"share": "250"}, action="submit", html=html).status_code == 200
    done = answer(client, token, {"share": "0.5"}, action="submit")
    assert done.status_code == 302
    response = response_of(token)
    assert response.is_complete
    assert response.answers == {
        "member": "yes",
        "why": "Netwerk",
        "topics": ["a", "c"],
        "share": 0.5,
    }
