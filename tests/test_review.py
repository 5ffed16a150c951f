"""The screening and the jury's services (issue 19): automatic and manual eligibility with
their reasons and the application's status; assignments, declarations of conflicts and
scores (immutable once submitted); the decision refused without the scores it rests on;
the letter to the applicant."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster
from clustermonitor.review import letters, selectors, services
from clustermonitor.review.models import Decision, Score, Screening
from tests import review_helpers as h
from tests.factories import enterprise_number, membership, organisation

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def call(db):
    call = h.new_call()
    h.criteria(call)
    h.rubric(call)
    return call


def _manual(call, met=True, reason=""):
    return {c.pk: (met, reason) for c in selectors.criteria(call) if not c.automatic}


def test_an_eligible_application_goes_to_the_jury_with_each_criterion_recorded(call):
    app = h.application(call)
    screening = services.screen(h.ACTOR, app, _manual(call), note="ok")
    app.refresh_from_db()
    assert app.status == "in_review" and screening.outcome == "eligible"
    results = list(screening.results.select_related("criterion"))
    assert len(results) == 7 and all(r.passed for r in results)
    assert screening.version.number == 1
    notes = set(AuditEntry.objects.values_list("note", flat=True))
    assert {"screened: eligible", "screening: in_review"} <= notes


def test_a_short_cofinancing_plan_makes_it_ineligible_with_the_amount_missing(call):
    answers = h.data()
    answers["cofinancing"][1]["member_fees"] = "60000.00"
    app = h.application(call, answers=answers)
    screening = services.screen(h.ACTOR, app, _manual(call))
    app.refresh_from_db()
    assert app.status == "ineligible" and screening.outcome == "ineligible"
    failed = screening.results.get(passed=False)
    assert failed.criterion.kind == "cofinancing"
    assert "Year 2028" in failed.reasons and "EUR 20 000,00 missing" in failed.reasons


def test_members_of_other_running_clusters_are_listed(call, cluster_a):
    today = datetime.date.today()
    Cluster.objects.filter(pk=cluster_a.pk).update(
        start_date=today - datetime.timedelta(days=10), end_date=today + datetime.timedelta(days=10)
    )
    members = [
        organisation(900 + i, enterprise_number=enterprise_number(900 + i)) for i in range(3)
    ]
    for org in members:
        membership(org, cluster_a, start=today - datetime.timedelta(days=5))
    app = h.application(call)
    screening = services.screen(h.ACTOR, app, _manual(call))
    result = screening.results.get(criterion__kind="duplicates")
    assert not result.passed  # 3 of 4 above the 50 % allowed
    assert [d["clusters"] for d in result.details] == [[cluster_a.code]] * 3
    assert enterprise_number(900) in result.reasons


def test_a_manual_criterion_not_met_needs_its_reason(call):
    app = h.application(call)
    with pytest.raises(services.ReviewError, match="Say why"):
        services.screen(h.ACTOR, app, _manual(call, met=False))
    with pytest.raises(services.ReviewError, match="Answer every manual"):
        services.screen(h.ACTOR, app, {})
    services.screen(h.ACTOR, app, _manual(call, met=False, reason="Buiten het beleid"))
    app.refresh_from_db()
    assert app.status == "ineligible"
    assert Screening.objects.get(application=app).results.get(passed=False).reasons == (
        "Buiten het beleid"
    )


def test_hostile_answers_are_screened_without_an_error(call):
    hostile = {
        "cofinancing": "=1+1",
        "members": [5, "x", {"enterprise_number": None}],
        "steering_group": {"kind": "company"},
        "cluster_manager": ["Ann"],
        "term_years": "3",
        "requested_amount": "1e999999",
    }
    app = h.application(call, answers=hostile)
    screening = services.screen(h.ACTOR, app, _manual(call))
    assert screening.outcome == "ineligible"
    assert screening.results.filter(passed=False).count() == 6


def test_a_draft_or_a_decided_application_is_not_screened(call):
    app = h.application(call, status="draft")
    with pytest.raises(services.ReviewError):
        services.screen(h.ACTOR, app, _manual(call))


def test_the_jury_declares_first_and_a_conflict_blocks_scoring(call):
    app = h.screened(call)
    first, second = h.reviewer("jurylid1"), h.reviewer("jurylid2")
    assignment = services.assign(h.ACTOR, app, first)
    with pytest.raises(services.ReviewError, match="Declare"):
        services.save_scores(audit.Actor(first), assignment, {})
    blocked = services.assign(h.ACTOR, app, second)
    with pytest.raises(services.ReviewError, match="Describe"):
        services.declare(audit.Actor(second), blocked, conflict=True)
    services.declare(audit.Actor(second), blocked, conflict=True, note="Mijn werkgever is lid")
    blocked.refresh_from_db()
    assert blocked.state == "blocked"
    with pytest.raises(services.ReviewError, match="blocked"):
        services.save_scores(audit.Actor(second), blocked, {})
    with pytest.raises(services.ReviewError):
        services.declare(audit.Actor(second), blocked, conflict=False)
    # The programme manager takes the blocked reviewer off; re-assigning is refused.
    services.unassign(h.ACTOR, blocked)
    with pytest.raises(services.ReviewError, match="conflict"):
        services.assign(h.ACTOR, app, second)


def test_only_reviewers_join_a_jury_of_an_application_in_review(call):
    app = h.application(call)
    with pytest.raises(services.ReviewError, match="in review"):
        services.assign(h.ACTOR, app, h.reviewer("r1"))
    app = h.screened(call, "Tweede vzw")
    with pytest.raises(services.ReviewError, match="reviewer role"):
        services.assign(h.ACTOR, app, User.objects.get(username="evaluator"))
    services.assign(h.ACTOR, app, User.objects.get(username="r1"))
    with pytest.raises(services.ReviewError, match="already"):
        services.assign(h.ACTOR, app, User.objects.get(username="r1"))


def test_scores_are_a_draft_then_submitted_and_then_they_do_not_change(call):
    app = h.screened(call)
    user = h.reviewer("jurylid1")
    assignment = h.scored(app, user, (7, None), submit=False)
    assert assignment.submitted_at is None
    items = h.RubricCriterion.objects.filter(call=call).order_by("order")
    with pytest.raises(services.ReviewError, match="Score every criterion"):
        services.save_scores(audit.Actor(user), assignment, {}, submit=True)
    with pytest.raises(services.ReviewError, match="0 to 10"):
        services.save_scores(audit.Actor(user), assignment, {items[0].pk: (11, "")})
    services.save_scores(audit.Actor(user), assignment, {items[1].pk: (5, "Goed")}, submit=True)
    assignment.refresh_from_db()
    assert assignment.state == "submitted"
    with pytest.raises(services.ReviewError, match="submitted"):
        services.save_scores(audit.Actor(user), assignment, {items[0].pk: (1, "")})
    assert sorted(Score.objects.filter(assignment=assignment).values_list("score", flat=True)) == [
        5,
        7,
    ]
    with pytest.raises(services.ReviewError):
        services.unassign(h.ACTOR, assignment)


def test_a_criterion_of_another_call_is_refused(call):
    other = h.new_call(42)
    foreign = h.rubric(other)[0]
    app = h.screened(call)
    user = h.reviewer("jurylid1")
    assignment = services.assign(h.ACTOR, app, user)
    services.declare(audit.Actor(user), assignment, conflict=False)
    with pytest.raises(services.ReviewError, match="another call"):
        services.save_scores(audit.Actor(user), assignment, {foreign.pk: (5, "")})
    assert not Score.objects.filter(criterion=foreign).exists()


def test_the_jury_cannot_decide_without_the_scores_it_rests_on(call):
    app = h.screened(call)
    one = h.scored(app, h.reviewer("r1"))
    with pytest.raises(services.ReviewError, match="at least two"):
        h.decide(app)
    pending = services.assign(h.ACTOR, app, h.reviewer("r2"))
    with pytest.raises(services.ReviewError, match="not submitted"):
        h.decide(app)
    # A conflict blocks that assignment: it no longer holds the decision up, but one
    # reviewer's scores are still not enough.
    services.declare(audit.Actor(pending.reviewer), pending, conflict=True, note="Partner")
    with pytest.raises(services.ReviewError, match="at least two"):
        h.decide(app)
    h.scored(app, h.reviewer("r3"), (6, 6), submit=False)
    with pytest.raises(services.ReviewError, match="not submitted"):
        h.decide(app)
    assert not Decision.objects.exists()
    app.refresh_from_db()
    assert app.status == "in_review" and app.decided_at is None
    assert one.submitted_at is not None


def test_a_decision_sets_the_status_amount_and_time_audited(call):
    app = h.screened(call)
    h.scored(app, h.reviewer("r1"))
    h.scored(app, h.reviewer("r2"), (6, 9))
    with pytest.raises(services.ReviewError, match="maximum"):
        h.decide(app, amount=Decimal("450000.01"))
    decision = h.decide(app)
    app.refresh_from_db()
    assert (app.status, app.funded_amount) == ("funded", Decimal("250000.00"))
    assert app.decided_at == decision.decided_at
    assert AuditEntry.objects.filter(note="decided: funded").exists()
    with pytest.raises(services.ReviewError):
        h.decide(app)


def test_a_rejection_has_no_amount_and_its_letter_carries_the_motivation(call):
    account = User.objects.create(username="aanvrager", email="aanvrager@example.org")
    app = h.screened(call, account=account)
    h.scored(app, h.reviewer("r1"), (2, 3))
    h.scored(app, h.reviewer("r2"), (3, 2))
    decision = h.decide(app, outcome="rejected", amount=Decimal(5))
    app.refresh_from_db()
    assert app.status == "rejected" and app.funded_amount is None
    html = letters.render_html(decision)
    assert "niet weerhouden" in html and "Sterk consortium." in html
    assert services.send_letter(h.ACTOR, decision) == "aanvrager@example.org"
    (message,) = mail.outbox
    assert message.to == ["aanvrager@example.org"]
    assert message.attachments[0][0] == f"beslissing-aanvraag-{app.pk}.pdf"
    assert message.attachments[0][1][:5] == b"%PDF-"
    decision.refresh_from_db()
    assert decision.letter_sent_at is not None
    entry = AuditEntry.objects.get(note="decision letter sent")
    assert "aanvrager@example.org" not in str(entry.after)  # a pseudonym, not the address


def test_an_approval_letter_names_the_amount_in_dutch(call):
    app = h.screened(call)
    h.scored(app, h.reviewer("r1"))
    h.scored(app, h.reviewer("r2"))
    html = letters.render_html(h.decide(app))
    assert "goedgekeurd" in html and "250.000" in html
    assert services.send_letter(h.ACTOR, Decision.objects.get()) == ""  # no account: not mailed


def test_an_external_expert_is_invited_with_the_reviewer_role(call):
    user, link = services.invite_reviewer(
        h.ACTOR,
        email="Expert@Example.org",
        first_name="Eva",
        last_name="Expert",
        site_url="https://cm.example/",
    )
    assert user.username == "expert@example.org" and not user.has_usable_password()
    assert Role.REVIEWER in user.role_set
    assert link.startswith("https://cm.example/accounts/") and mail.outbox[0].to == [
        "expert@example.org"
    ]
    again, _link = services.invite_reviewer(
        h.ACTOR, email="expert@example.org", first_name="", last_name="", site_url="https://x/"
    )
    assert again == user


def test_the_ranking_as_known_on_a_day_counts_only_what_was_submitted_by_then(call):
    app = h.screened(call)
    early = h.scored(app, h.reviewer("r1"), (10, 10))
    late = h.scored(app, h.reviewer("r2"), (0, 0))
    day = datetime.date(2026, 3, 2)
    moment = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)  # 00:30 the 3rd, BE
    Screening.objects.filter(application=app).update(
        screened_at=moment - datetime.timedelta(days=5)
    )
    type(early).objects.filter(pk=early.pk).update(
        submitted_at=moment - datetime.timedelta(hours=2)
    )
    type(late).objects.filter(pk=late.pk).update(submitted_at=moment)
    _items, _rubric, rows = selectors.ranking(call, day)
    assert rows[0].ranked.reviewers == 1 and rows[0].ranked.mean == 100.0
    _items, _rubric, rows = selectors.ranking(call, day + datetime.timedelta(days=1))
    assert rows[0].ranked.reviewers == 2 and rows[0].ranked.mean == 50.0
    _items, _rubric, rows = selectors.ranking(call, day - datetime.timedelta(days=10))
    assert rows == []  # not screened yet
