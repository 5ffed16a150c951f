"""Keyboard-only journeys (issue 16): no mouse, only Tab, Shift+Tab, Enter, Space and
typing. Each stop the keyboard reaches must show where the focus is."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, PASSWORD, totp_code

pytestmark = pytest.mark.e2e

#: The focused element is visibly marked: an outline (app.css :focus-visible) or a
#: box shadow. Returns what is wrong, or "" when all is well.
FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "nothing has the focus";
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  if (outline || s.boxShadow !== "none") return "";
  return `no visible focus on <${e.tagName.toLowerCase()} ${e.className}>`;
}"""


def _focus_shown(page) -> None:
    problem = page.evaluate(FOCUS_SHOWN)
    assert not problem, problem


def _tab_to(page, selector: str, limit: int = 150, back: bool = False) -> None:
    """Press Tab (Shift+Tab with `back`) until the element matched by `selector` has the
    focus, and check the focus shows; fails when it is not reached within `limit`."""
    target = page.locator(selector).first
    expect(target).to_be_attached()
    for _ in range(limit):
        if target.evaluate("e => e === document.activeElement"):
            _focus_shown(page)
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} not reached by keyboard in {limit} presses")


def _log_in(page, username: str) -> None:
    """The login form (and the second step with the authenticator's code) by keyboard."""
    page.goto("/accounts/login/")
    _tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if re.search(r"/accounts/two-factor/(\?|$)", page.url):
        _tab_to(page, "input[name=code]")
        page.keyboard.type(totp_code(username))
        page.keyboard.press("Enter")
    expect(page.locator("#inbox")).to_be_visible()


def test_a_cluster_manager_resubmits_a_returned_report_by_keyboard(page):
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit
    from clustermonitor.monitoring import services
    from clustermonitor.monitoring.models import ProgressReport
    from tests.test_progress_reports import SECTIONS

    euka = Cluster.objects.get(code=CLUSTER_A)
    euka.account_manager = User.objects.get(username="account_manager")
    euka.save()
    services.create_periods(audit.Actor.system("e2e"), euka)
    report = ProgressReport.objects.get(period__cluster=euka, period__number=1)
    writer = audit.Actor(User.objects.get(username="cluster_manager_a"), "e2e")
    services.save_draft(writer, report, SECTIONS, {})
    services.submit(writer, report, tell=False)
    reviewer = audit.Actor(euka.account_manager, "e2e")
    services.return_report(reviewer, report, "Voeg de missie naar Nederland toe.", tell=False)

    _log_in(page, "cluster_manager_a")
    _tab_to(page, "#inbox .kind-returned a")
    page.keyboard.press("Enter")
    expect(page.locator("#returned")).to_contain_text("Voeg de missie naar Nederland toe.")
    _tab_to(page, "textarea[name=section_internationalisation]")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Missie naar Nederland.")
    _tab_to(page, "#report-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    _tab_to(page, "#submit button.primary")
    page.keyboard.press("Enter")
    expect(page.locator("#report-form")).to_have_count(0)
    report.refresh_from_db()
    assert report.state == "submitted" and report.versions.count() == 2
    assert report.latest_version.sections["internationalisation"].endswith("Missie naar Nederland.")
    # Back home, the returned report has left the inbox.
    page.goto("/")
    expect(page.locator("#inbox .kind-returned")).to_have_count(0)


def _answer_by_keyboard(page, limit: int = 400) -> None:
    """One questionnaire page: Tab through it, Space on the first option of every choice
    question still unanswered, a number typed in every empty number field; Enter on the
    page's main button (Next or Submit) when the focus reaches it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement;
              const form = e.closest && e.closest("form.respond-form");
              const group = e.name ? [...document.getElementsByName(e.name)] : [];
              return {
                inForm: !!form, tag: e.tagName.toLowerCase(), type: e.type || "",
                primary: e.matches("form.respond-form .respond-actions button.primary"),
                empty: e.type === "radio" || e.type === "checkbox"
                  ? !group.some(i => i.checked) : !e.value,
                number: e.classList.contains("number"),
              };
            }"""
        )
        if not focused["inForm"]:
            continue
        _focus_shown(page)
        if focused["primary"]:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        if focused["type"] in ("radio", "checkbox") and focused["empty"]:
            page.keyboard.press("Space")
        elif focused["number"] and focused["empty"]:
            page.keyboard.type("3")
    raise AssertionError("the page's Next button was not reached by keyboard")


def test_a_member_answers_the_survey_from_a_personal_link_by_keyboard(browser, world):
    from tests.factories import open_survey_link

    invitation, token = open_survey_link(Cluster.objects.get(code=CLUSTER_A), 9710, "Toets NV")

    context = browser.new_context(base_url=world.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"/s/{token}/")
    # The skip link is the first stop and leads into the questionnaire.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    _focus_shown(page)
    page.keyboard.press("Enter")
    total = int(page.locator("progress").get_attribute("max"))
    for number in range(1, total + 2):
        if page.locator("form.respond-form").count() == 0:
            break
        expect(page.locator("progress")).to_have_attribute("value", str(number))
        _answer_by_keyboard(page)
    expect(page.locator("form.respond-form")).to_have_count(0)
    invitation.refresh_from_db()
    assert invitation.response.completed_at is not None
    context.close()


def test_a_programme_manager_confirms_generating_invitations_by_keyboard(page):
    from clustermonitor.surveys.models import Questionnaire, Wave
    from tests.factories import membership, organisation

    euka = Cluster.objects.get(code=CLUSTER_A)
    today = datetime.date.today()
    wave = Wave.objects.create(
        questionnaire=Questionnaire.objects.order_by("pk").first(),
        name="Ledenbevraging nu",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=10),
    )
    wave.clusters.add(euka)
    for i in range(3):
        membership(organisation(9720 + i, name=f"Sleutel {i} NV"), euka, start=euka.start_date)
    expected = (
        euka.memberships.filter(organisation__kind="company")
        .active_on(wave.opens_on)
        .values("organisation")
        .distinct()
        .count()
    )

    _log_in(page, "programme_manager")
    # The skip link is the first stop; past it, the next Tab is in the content.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('#main')")
    _tab_to(page, "#inbox .kind-wave a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/surveys/waves/{wave.pk}/$"))
    _tab_to(page, "#generate")
    page.keyboard.press("Enter")
    question = page.locator("#confirm")
    expect(question).to_contain_text(f"{expected} nieuwe uitnodiging")
    assert not wave.invitations.exists()
    # Cancel is reachable too; Shift+Tab goes back to the button that acts.
    _tab_to(page, "#confirm a.secondary")
    _tab_to(page, "#confirm-action", back=True)
    page.keyboard.press("Space")
    expect(page.locator("#tracking-total")).to_contain_text(str(expected))
    assert wave.invitations.count() == expected


def test_the_focus_check_fails_where_the_focus_is_hidden(page):
    """The check the journeys make at every stop can fail: with the outline taken away,
    the focused field is reported."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").evaluate(
        "e => e.style.setProperty('outline', 'none', 'important')"
    )
    with pytest.raises(AssertionError, match="no visible focus on <input"):
        _tab_to(page, "input[name=username]")
