"""An applicant applies online, end to end (issue 19): from the portal's open calls to
the start form (the account made with the first save), the e-mailed link to choose a
password, the application form page by page — a member's bad enterprise number named
with its line and reason, then corrected — to the submission and the acknowledgement
with the version's hash, the same as in the e-mail."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clustermonitor.grants.models import ApplicationVersion
from clustermonitor.programmes.models import Application
from tests.grants_helpers import ANSWERS, open_call

pytestmark = pytest.mark.e2e

EMAIL = "ann.aanvrager@example.org"
PASSWORD = "een lang en sterk wachtwoord 42"


def _fill_page(page, answers: dict) -> None:
    for name, value in answers.items():
        page.fill(f"[name={name}]", str(value))


def test_an_applicant_applies_from_the_portal_to_the_acknowledgement(page, mailoutbox):
    setup = open_call()

    # The portal lists the open call; its page shows the conditions and the start form.
    page.goto("/portal/calls/")
    page.locator(f"#call-{setup.call_id} h2 a").click()
    expect(page.locator("#conditions")).to_contain_text("een benoemde clustermanager")
    expect(page.locator("#closes-at")).to_contain_text(
        re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d")
    )
    _fill_page(
        page,
        {
            "first_name": "Ann",
            "last_name": "Aanvrager",
            "email": EMAIL,
            "organisation": "H2 Haven vzw",
            "title": "Waterstof in de haven",
        },
    )
    page.locator("#apply button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/calls/started/$"))

    # The e-mail's link: choose the password, then log in.
    (welcome,) = mailoutbox
    link = re.search(r"https?://\S+", welcome.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.wait_for_load_state()
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    page.locator("#main form").get_by_role("button").click()
    page.fill("input[name=username]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("#main form").get_by_role("button").click()

    # My applications: the draft; fill in the form page by page.
    expect(page).to_have_url(re.compile(r"/my-applications/$"))
    page.locator("#my-applications a", has_text="Waterstof in de haven").click()
    page.locator("#fill-in").click()
    definition = setup.questionnaire.definition
    for group in definition["groups"]:
        answers = {n: ANSWERS[n] for n in group["questions"] if n in ANSWERS}
        if group["name"] == "p_members":
            answers["members"] = "0200.065.765; Alfa NV\n0200.065.766; Beta BV"
        _fill_page(page, answers)
        page.locator(".respond-actions button.primary").click()
        page.wait_for_load_state()

    # The overview names the bad number's line and reason; the submit button waits.
    problems = page.locator("#problems")
    expect(problems).to_contain_text("regel 2")
    expect(problems).to_contain_text("0200.065.766")
    expect(page.locator("#submit-form button")).to_be_disabled()
    application = Application.objects.get(applicant_account__email=EMAIL)
    page.goto(reverse("grants:form", args=[application.pk]) + "?page=p_members")
    page.fill("[name=members]", ANSWERS["members"])
    page.locator(".respond-actions button[value=save]").click()
    page.locator(".heading a.button", has_text="Overzicht").click()
    expect(page.locator("#problems")).to_have_count(0)

    # Submit: the acknowledgement shows the version's hash, the same as the e-mail's.
    page.locator("#submit-form button").click()
    expect(page.locator("#acknowledgement")).to_be_visible()
    version = ApplicationVersion.objects.get(application=application)
    expect(page.locator("#version-hash")).to_have_text(version.sha256)
    assert version.sha256 in mailoutbox[-1].body
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
