"""The jury, end to end (issue 19): the programme manager screens a submitted application
and puts two reviewers on it; each declares no conflict of interest and scores it (the
second does not see the first's scores before submitting their own); the programme
manager then records the jury's decision and the letter is there."""

import re

import pytest
from playwright.sync_api import expect

from clustermonitor.accounts.models import User
from clustermonitor.programmes.models import Application
from clustermonitor.review.models import Assignment, Decision
from tests import review_helpers as h
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _switch(page, login, username):
    page.context.clear_cookies()
    login(username)


def _score(page, values, comment, action):
    form = page.locator("#score-form")
    inputs = form.locator("input[type=number]")
    for i, value in enumerate(values):
        inputs.nth(i).fill(str(value))
    form.locator("textarea").first.fill(comment)
    form.locator(f"button[value={action}]").click()
    page.wait_for_load_state()


def test_two_reviewers_declare_and_score_and_the_programme_manager_decides(page, login):
    call = h.new_call(70)
    h.criteria(call)
    h.rubric(call)
    application = h.application(call, "Havenclub vzw")
    h.reviewer("reviewer2", password=PASSWORD)

    # The programme manager screens it from the call's page and assigns the jury.
    login("programme_manager")
    page.goto(f"/calls/{call.pk}/")
    page.locator(f"#call-links a[href='/calls/{call.pk}/review/']").click()
    page.locator(f"a[href='/applications/{application.pk}/screening/']").click()
    expect(page.locator("#automatic li[data-kind=manager][data-passed=yes]")).to_be_visible()
    page.locator("#screening-form input[value=yes]").check()
    page.locator("#screening-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/calls/{call.pk}/review/$"))
    application.refresh_from_db()
    assert application.status == "in_review"
    page.locator("#link-jury").click()
    for username in ("reviewer", "reviewer2"):
        form = page.locator("#assign-form")
        form.locator("select[name=application]").select_option(str(application.pk))
        reviewer = User.objects.get(username=username)
        form.locator("select[name=reviewer]").select_option(str(reviewer.pk))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert Assignment.objects.filter(application=application).count() == 2

    # The first reviewer: "My assignments", no conflict, scores submitted.
    _switch(page, login, "reviewer")
    link = "a[href='/review/my-assignments/']"
    page.locator("nav.menu details", has=page.locator(link)).locator("summary").click()
    page.locator(f"nav.menu {link}").click()
    page.locator("#my-assignments a", has_text="Havenclub vzw").click()
    page.locator("#declaration-form input[value=no]").check()
    page.locator("#declaration-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#version")).to_contain_text("Drie werkgroepen.")
    _score(page, (8, 7), "EERSTE-OORDEEL", "submit")
    expect(page.locator("#own-scores")).to_be_visible()

    # The second: no peeking before their own scores are in.
    _switch(page, login, "reviewer2")
    page.goto("/review/my-assignments/")
    page.locator("#my-assignments a", has_text="Havenclub vzw").click()
    page.locator("#declaration-form input[value=no]").check()
    page.locator("#declaration-form button[type=submit]").click()
    page.wait_for_load_state()
    _score(page, (6, 9), "Tweede oordeel", "draft")
    expect(page.locator("body")).not_to_contain_text("EERSTE-OORDEEL")
    _score(page, (6, 9), "Tweede oordeel", "submit")
    expect(page.locator("#other-scores")).to_contain_text("EERSTE-OORDEEL")

    # The jury meets: the programme manager records the decision.
    _switch(page, login, "programme_manager")
    page.goto(f"/calls/{call.pk}/review/ranking/")
    expect(page.locator(f"#ranking tr[data-application='{application.pk}'] .total")).to_have_text(
        re.compile(r"73[.,]3")  # (76,7 + 70,0) / 2
    )
    page.locator(f"#ranking a[href='/applications/{application.pk}/decision/']").click()
    form = page.locator("#decision-form")
    form.locator("input[value=funded]").check()
    form.locator("input[name=funded_amount]").fill("250000")
    form.locator("textarea[name=motivation]").fill("Sterk consortium met duidelijke doelen.")
    form.locator("button[type=submit]").click()
    expect(page.locator("#decision")).to_be_visible()
    expect(page.locator("#letter-pdf")).to_be_visible()
    application.refresh_from_db()
    assert application.status == Application.Status.FUNDED
    assert Decision.objects.get(application=application).outcome == "funded"
