"""An applicant's bad input in the browser (issue 19): a member's invalid enterprise number
is named on the overview with its line and reason, the submit button waits, and a
correction on the form's page clears it. The rest of applying online (the portal, the
account by the first save, the e-mailed link, the form, the acknowledgement with its
hash) is the grant cycle's journey (test_grant_cycle_journey.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.grants_helpers import ANSWERS, draft_for, open_call

pytestmark = pytest.mark.e2e


def test_a_bad_member_number_is_named_by_line_and_corrected(page, login):
    members = "0200.065.765; Alfa NV\n0200.065.766; Beta BV"
    application = draft_for(open_call(), answers={**ANSWERS, "members": members})

    login("applicant")
    page.goto(reverse("grants:application", args=[application.pk]))
    problems = page.locator("#problems")
    expect(problems).to_contain_text("regel 2")
    expect(problems).to_contain_text("0200.065.766: controlecijfer klopt niet")
    expect(page.locator("#submit-form button")).to_be_disabled()

    page.goto(reverse("grants:form", args=[application.pk]) + "?page=p_members")
    page.fill("[name=members]", ANSWERS["members"])
    with page.expect_navigation():
        page.locator(".respond-actions button[value=save]").click()
    page.locator(".heading a.button", has_text="Overzicht").click()
    expect(page.locator("#submit-form button")).to_be_enabled()
    expect(page.locator("#problems")).to_have_count(0)
