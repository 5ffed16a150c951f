"""The screening and jury pages (issue 19): the programme manager's criteria, rubric,
screening, jury, ranking and decision; a reviewer's assignments, declaration and scores.
Every id a reviewer can send is checked (another reviewer's assignment, a criterion of
another call); no reviewer sees another's scores before submitting their own; hostile
values are refused with a message, never a 500."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.programmes.models import Application
from clustermonitor.review import services
from clustermonitor.review.models import (
    Assignment,
    Decision,
    EligibilityCriterion,
    RubricCriterion,
    Score,
)
from tests import review_helpers as h

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def call(db):
    call = h.new_call()
    h.criteria(call)
    h.rubric(call)
    return call


def _persona_assignment(app, *, declare=True):
    user = User.objects.get(username="reviewer")
    assignment = services.assign(h.ACTOR, app, user)
    if declare:
        services.declare(audit.Actor(user), assignment, conflict=False)
    return assignment


def _scores(call, values, comment=""):
    items = RubricCriterion.objects.filter(call=call).order_by("order", "pk")
    data = {}
    for item, value in zip(items, values, strict=True):
        data[f"score_{item.pk}"] = value
        data[f"comment_{item.pk}"] = comment
    return data


def test_the_call_page_links_to_the_screening_for_the_programme_manager_only(web, call):
    url = reverse("programmes:call-detail", args=[call.pk])
    html = web("programme_manager").get(url).content.decode()
    assert reverse("review:call", args=[call.pk]) in html
    assert reverse("review:ranking", args=[call.pk]) in html
    for persona in ("account_manager", "cluster_manager_a", "reviewer"):
        assert reverse("review:call", args=[call.pk]) not in web(persona).get(url).content.decode()


def test_the_programme_manager_sets_criteria_and_rubric(web, db):
    call = h.new_call(43)
    client = web("programme_manager")
    url = reverse("review:criteria", args=[call.pk])
    client.post(url, {"action": "standard"})
    assert EligibilityCriterion.objects.filter(call=call).count() == 6
    page = client.get(url)
    assert [k for k, _l in page.context["form"].fields["kind"].choices] == ["manual"]
    refused = client.post(url, {"action": "add", "kind": "manual", "text": " "})
    assert refused.status_code == 400 and "needs its question" in refused.content.decode()
    client.post(url, {"action": "add", "kind": "manual", "text": "Past in het beleid"})
    hostile = client.post(url, {"action": "add", "kind": "cofinancing", "text": ""})
    assert hostile.status_code == 400  # an automatic kind the call has already
    assert EligibilityCriterion.objects.filter(call=call).count() == 7
    rubric = reverse("review:rubric", args=[call.pk])
    bad = client.post(
        rubric,
        {"action": "add", "name": "Impact", "weight": "1", "max_score": "5", "threshold": "6"},
    )
    assert bad.status_code == 400 and "above the maximum" in bad.content.decode()
    for junk in ("x", "-1", "99999999999999999999"):
        response = client.post(
            rubric, {"action": "add", "name": "J", "weight": junk, "max_score": "5"}
        )
        assert response.status_code == 400, junk
    client.post(rubric, {"action": "add", "name": "Impact", "weight": "2", "max_score": "10"})
    client.post(rubric, {"action": "thresholds", "threshold": "70", "spread_limit": "15"})
    assert call.rubric.threshold == Decimal(70)
    assert RubricCriterion.objects.filter(call=call).count() == 1


def test_screening_through_the_page_shows_the_reasons(web, call):
    answers = h.data(cofinancing=[])
    app = h.application(call, answers=answers)
    client = web("programme_manager")
    url = reverse("review:screening", args=[app.pk])
    page = client.get(url)
    assert page.status_code == 200 and "There is no co-financing plan." in page.content.decode()
    manual = EligibilityCriterion.objects.get(call=call, kind="manual")
    refused = client.post(url, {f"met_{manual.pk}": "no"})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    response = client.post(url, {f"met_{manual.pk}": "yes", "note": "=1+1"}, follow=True)
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == "ineligible"
    assert "There is no co-financing plan." in client.get(url).content.decode()


def test_the_jury_is_assigned_from_the_calls_applications_and_reviewers_only(web, call):
    app = h.screened(call)
    other_call = h.new_call(44)
    h.criteria(other_call)
    foreign = h.screened(other_call, "Andere vzw")
    client = web("programme_manager")
    url = reverse("review:jury", args=[call.pk])
    page = client.get(url)
    form = page.context["form"]
    assert list(form.fields["application"].queryset) == [app]
    reviewers = set(form.fields["reviewer"].queryset.values_list("username", flat=True))
    assert "reviewer" in reviewers and "evaluator" not in reviewers
    reviewer = User.objects.get(username="reviewer")
    evaluator = User.objects.get(username="evaluator")
    for data in (
        {"application": foreign.pk, "reviewer": reviewer.pk},
        {"application": app.pk, "reviewer": evaluator.pk},
        {"application": "x", "reviewer": reviewer.pk},
        {"application": "99999999999999999999", "reviewer": "-1"},
    ):
        assert client.post(url, data).status_code == 400, data
    assert not Assignment.objects.exists()
    client.post(url, {"application": app.pk, "reviewer": reviewer.pk})
    assert Assignment.objects.get().reviewer == reviewer


def test_a_reviewer_sees_only_their_own_assignments(web, call):
    app = h.screened(call)
    own = _persona_assignment(app, declare=False)
    theirs = services.assign(h.ACTOR, app, h.reviewer("tweede"))
    other_app = h.screened(call, "Geheim vzw")
    services.assign(h.ACTOR, other_app, h.reviewer("derde"))
    client = web("reviewer")
    html = client.get(reverse("review:my-assignments")).content.decode()
    assert reverse("review:assignment", args=[own.pk]) in html and "Geheim vzw" not in html
    for route in ("review:assignment",):
        assert client.get(reverse(route, args=[theirs.pk])).status_code == 404
    for route in ("review:declare", "review:score"):
        assert client.post(reverse(route, args=[theirs.pk]), {"conflict": "no"}).status_code == 404
    assert Assignment.objects.get(pk=theirs.pk).declaration == "pending"
    # Before the declaration: who applies with whom, not the plan and the roadmap.
    page = client.get(reverse("review:assignment", args=[own.pk])).content.decode()
    assert "Lid 0 NV" in page and "Drie werkgroepen." not in page
    # A removed assignment is gone for the reviewer.
    services.unassign(h.ACTOR, own)
    assert client.get(reverse("review:assignment", args=[own.pk])).status_code == 404


def test_a_reviewer_declares_scores_a_draft_and_submits(web, call):
    app = h.screened(call)
    own = _persona_assignment(app, declare=False)
    client = web("reviewer")
    detail = reverse("review:assignment", args=[own.pk])
    # Scoring before declaring is refused.
    client.post(reverse("review:score", args=[own.pk]), _scores(call, (5, 5)))
    assert not Score.objects.exists()
    bad = client.post(reverse("review:declare", args=[own.pk]), {"conflict": "maybe"})
    assert bad.status_code == 400
    client.post(reverse("review:declare", args=[own.pk]), {"conflict": "no"})
    page = client.get(detail).content.decode()
    assert "Drie werkgroepen." in page and 'id="score-form"' in page
    score_url = reverse("review:score", args=[own.pk])
    for junk in ("abc", "-1", "11", "99999999999999999999"):
        response = client.post(score_url, _scores(call, (junk, 5)))
        assert response.status_code == 400, junk
    assert not Score.objects.exists()
    client.post(score_url, {**_scores(call, (7, ""), comment="=HYPERLINK(1)"), "action": "draft"})
    assert Assignment.objects.get(pk=own.pk).submitted_at is None
    missing = client.post(score_url, {**_scores(call, (7, "")), "action": "submit"})
    assert missing.status_code == 400 and "Score every criterion" in missing.content.decode()
    # A criterion of another call sent along is not part of the form: ignored.
    foreign = h.rubric(h.new_call(45))[0]
    client.post(
        score_url, {**_scores(call, (7, 6)), f"score_{foreign.pk}": "3", "action": "submit"}
    )
    assert not Score.objects.filter(criterion=foreign).exists()
    assert Assignment.objects.get(pk=own.pk).submitted_at is not None
    client.post(score_url, {**_scores(call, (1, 1)), "action": "draft"})
    assert sorted(Score.objects.values_list("score", flat=True)) == [6, 7]


def test_no_reviewer_sees_another_reviewers_scores_before_submitting(web, call):
    app = h.screened(call)
    h.scored(app, h.reviewer("tweede"), (9, 9))
    Score.objects.update(comment="GEHEIM-COMMENTAAR")
    own = _persona_assignment(app)
    client = web("reviewer")
    detail = reverse("review:assignment", args=[own.pk])
    page = client.get(detail)
    assert "GEHEIM-COMMENTAAR" not in page.content.decode()
    assert page.context["others"] is None
    client.post(
        reverse("review:score", args=[own.pk]), {**_scores(call, (5, 5)), "action": "draft"}
    )
    assert "GEHEIM-COMMENTAAR" not in client.get(detail).content.decode()
    client.post(
        reverse("review:score", args=[own.pk]), {**_scores(call, (5, 5)), "action": "submit"}
    )
    assert "GEHEIM-COMMENTAAR" in client.get(detail).content.decode()


def test_a_conflict_blocks_the_assignment_and_hides_the_application(web, call):
    app = h.screened(call)
    own = _persona_assignment(app, declare=False)
    client = web("reviewer")
    refused = client.post(reverse("review:declare", args=[own.pk]), {"conflict": "yes"})
    assert refused.status_code == 400
    client.post(reverse("review:declare", args=[own.pk]), {"conflict": "yes", "note": "Lid"})
    page = client.get(reverse("review:assignment", args=[own.pk])).content.decode()
    assert 'id="blocked"' in page and "Lid 0 NV" not in page and 'id="score-form"' not in page
    client.post(
        reverse("review:score", args=[own.pk]), {**_scores(call, (5, 5)), "action": "submit"}
    )
    assert not Score.objects.exists()
    jury = web("programme_manager").get(reverse("review:jury", args=[call.pk])).content.decode()
    assert 'data-state="blocked"' in jury


def test_the_decision_page_refuses_without_the_scores(web, call):
    app = h.screened(call)
    h.scored(app, h.reviewer("een"))
    services.assign(h.ACTOR, app, h.reviewer("twee"))
    client = web("programme_manager")
    url = reverse("review:decision", args=[app.pk])
    page = client.get(url).content.decode()
    assert 'id="not-ready"' in page
    data = {
        "outcome": "funded",
        "funded_amount": "250000",
        "motivation": "Sterk.",
        "meeting_date": "2026-01-15",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "not submitted their scores" in response.content.decode()
    assert not Decision.objects.exists()
    for junk in ({"funded_amount": "abc"}, {"outcome": "maybe"}, {"meeting_date": "31/02/2026"}):
        assert client.post(url, {**data, **junk}).status_code == 400, junk
    app.refresh_from_db()
    assert app.status == "in_review"


def test_the_jury_decides_ranks_and_exports(web, call, mailoutbox):
    account = User.objects.create(username="aanvrager", email="aanvrager@example.org")
    app = h.screened(call, account=account)
    weak = h.screened(call, "Zwak vzw")
    for user, values in ((h.reviewer("een"), (8, 6)), (h.reviewer("twee"), (6, 9))):
        h.scored(app, user, values)
        h.scored(weak, user, (2, 3))
    client = web("programme_manager")
    ranking = client.get(reverse("review:ranking", args=[call.pk]))
    rows = ranking.context["rows"]
    assert [r.application for r, _m in rows] == [app, weak]
    assert round(rows[0][0].ranked.mean, 1) == 71.7
    assert rows[1][0].ranked.below_threshold
    sheet = client.get(reverse("review:ranking", args=[call.pk]), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(sheet.content)).active
    assert ws["A2"].value == 1 and ws["B2"].value == "Havenclub vzw" and ws["E2"].value == 71.7
    text = client.get(reverse("review:ranking", args=[call.pk]), {"format": "csv"}).content
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert table[2][1] == "Zwak vzw"
    url = reverse("review:decision", args=[app.pk])
    response = client.post(
        url,
        {
            "outcome": "funded",
            "funded_amount": "250000",
            "motivation": "Sterk consortium met duidelijke doelen.",
            "meeting_date": "2026-01-15",
            "send_letter": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == Application.Status.FUNDED and app.funded_amount == Decimal("250000")
    assert mailoutbox[0].to == ["aanvrager@example.org"]
    letter = client.get(reverse("review:letter", args=[app.pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content[:5] == b"%PDF-"
    again = client.post(
        url, {"outcome": "rejected", "motivation": "x", "meeting_date": "2026-01-15"}
    )
    assert again.status_code == 302
    app.refresh_from_db()
    assert app.status == "funded"
    assert client.get(reverse("review:letter", args=[weak.pk])).status_code == 404


def test_the_pages_answer_in_dutch(client_for, call, settings):
    h.screened(call)
    client = client_for("programme_manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(reverse("review:call", args=[call.pk])).content.decode()
    assert "Screening en jury" in html
    reviewer = client_for("reviewer")
    reviewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert "Mijn opdrachten" in reviewer.get(reverse("review:my-assignments")).content.decode()


def test_my_assignments_reads_the_same_queries_at_x1_and_x3(web, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web("reviewer")
    url = reverse("review:my-assignments")

    def grow(n):
        for i in range(n):
            _persona_assignment(h.screened(call, f"Aanvrager {n}-{i} vzw"))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    grow(1)
    count()
    once = count()
    grow(2)
    assert count() == once


def test_inviting_an_expert_refuses_hostile_values(web, call, mailoutbox):
    client = web("programme_manager")
    url = reverse("review:invite", args=[call.pk])
    for data in (
        {"email": "not an address", "first_name": "E", "last_name": "X"},
        {"email": "x@example.org", "first_name": "", "last_name": "X"},
        {"email": "x@example.org" + "x" * 300, "first_name": "E", "last_name": "X"},
    ):
        assert client.post(url, data).status_code == 400, data
    assert not mailoutbox
    response = client.post(
        url, {"email": "Eva@Expert.example", "first_name": "Eva", "last_name": "Expert"}
    )
    assert response.status_code == 302 and mailoutbox[0].to == ["eva@expert.example"]
    assert "reviewer" in User.objects.get(username="eva@expert.example").role_set


def test_the_programme_manager_sees_the_submitted_scores_and_cannot_unassign_them(web, call):
    app = h.screened(call)
    done = h.scored(app, h.reviewer("een"), (8, 6))
    Score.objects.filter(assignment=done).update(comment="Overtuigend")
    client = web("programme_manager")
    page = client.get(reverse("review:decision", args=[app.pk])).content.decode()
    assert "Overtuigend" in page
    client.post(reverse("review:unassign", args=[done.pk]))
    assert Assignment.objects.get(pk=done.pk).active
    for junk in ("99999999", "0"):
        assert client.post(f"/review/assignments/{junk}/remove/").status_code == 404


def test_reviewers_and_applicants_never_reach_the_programme_managers_pages(web, call):
    app = h.screened(call)
    _persona_assignment(app)
    for persona in ("reviewer", "applicant"):
        client = web(persona)
        for url in (
            reverse("review:ranking", args=[call.pk]),
            reverse("review:decision", args=[app.pk]),
            reverse("review:jury", args=[call.pk]),
        ):
            assert client.get(url).status_code == 404, (persona, url)
        data = {"outcome": "funded", "funded_amount": "1", "motivation": "x"}
        assert client.post(reverse("review:decision", args=[app.pk]), data).status_code == 404
    assert not Decision.objects.exists()


def test_a_letter_that_cannot_be_mailed_leaves_the_decision_standing(web, call, monkeypatch):
    from clustermonitor.review import letters

    def refuse(decision, email):
        raise OSError("the mail server is down")

    monkeypatch.setattr(letters, "mail", refuse)
    account = User.objects.create(username="aanvrager", email="aanvrager@example.org")
    app = h.screened(call, account=account)
    h.scored(app, h.reviewer("een"))
    h.scored(app, h.reviewer("twee"))
    data = {
        "outcome": "rejected",
        "motivation": "Te weinig leden.",
        "meeting_date": "2026-01-15",
        "send_letter": "on",
    }
    response = web("programme_manager").post(
        reverse("review:decision", args=[app.pk]), data, follow=True
    )
    assert "could not be mailed" in response.content.decode()
    decision = Decision.objects.get(application=app)
    assert decision.outcome == "rejected" and decision.letter_sent_at is None


def test_the_ranking_page_takes_a_day_and_ignores_a_bad_one(web, call):
    h.scored(h.screened(call), h.reviewer("een"))
    client = web("programme_manager")
    url = reverse("review:ranking", args=[call.pk])
    past = client.get(url, {"on": "2001-01-01"})
    assert past.status_code == 200 and past.context["rows"] == []
    assert 'id="ranking-as-of"' in past.content.decode()
    for junk in ("x", "2026-02-31", "=1+1"):
        page = client.get(url, {"on": junk})
        assert page.status_code == 200 and len(page.context["rows"]) == 1, junk
    sheet = client.get(url, {"on": "2001-01-01", "format": "csv"})
    assert sheet.status_code == 200


def test_the_inbox_says_what_the_jury_and_the_programme_manager_have_to_do(web, call):
    app = h.screened(call)
    h.application(call, "Nog te screenen vzw")
    _persona_assignment(app, declare=False)
    blocked = services.assign(h.ACTOR, app, h.reviewer("tweede"))
    services.declare(audit.Actor(blocked.reviewer), blocked, conflict=True, note="Partner")
    reviewer = web("reviewer").get("/")
    (item,) = [i for i in reviewer.context["items"] if i.kind == "assignment"]
    assert item.detail == "1 to declare, 0 to score"
    assert item.url == reverse("review:my-assignments")
    manager = web("programme_manager").get("/")
    kinds = {i.kind: i for i in manager.context["items"]}
    assert kinds["screening"].detail == "1 submitted application to screen"
    assert kinds["screening"].url == reverse("review:call", args=[call.pk])
    assert kinds["conflict"].severity == "high"
    assert kinds["conflict"].url == reverse("review:jury", args=[call.pk])
    # Nothing for whoever has no part in it.
    evaluator = web("evaluator").get("/")
    assert not {"assignment", "screening", "conflict"} & {
        i.kind for i in evaluator.context["items"]
    }


def test_hostile_answers_render_as_text_on_every_page(web, call):
    hostile = h.data(
        applicant="<script>alert(1)</script>",
        cofinancing="=1+1",
        steering_group=[{"name": "<b>x</b>", "kind": "company"}, "junk", 5],
        members={"enterprise_number": "x"},
        requested_amount="1e999999",
        roadmap="<img src=x onerror=alert(1)>",
        targets=None,
    )
    app = h.application(call, answers=hostile)
    page = web("programme_manager").get(reverse("review:screening", args=[app.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    manual = EligibilityCriterion.objects.get(call=call, kind="manual")
    web("programme_manager").post(
        reverse("review:screening", args=[app.pk]), {f"met_{manual.pk}": "yes"}
    )
    app.refresh_from_db()
    assert app.status == "ineligible"
    Application.objects.filter(pk=app.pk).update(status="in_review")
    own = _persona_assignment(app)
    page = web("reviewer").get(reverse("review:assignment", args=[own.pk]))
    assert page.status_code == 200 and "<img src=x" not in page.content.decode()
