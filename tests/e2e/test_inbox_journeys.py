"""Journeys that start where each persona lands (issue 16): the home page's inbox leads to
the work, and the work leaves the inbox when it is done."""

import re

import pytest
from playwright.sync_api import expect

from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, PASSWORD

pytestmark = pytest.mark.e2e


def _home(page):
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/(\?.*)?$"))
    return page.locator("#inbox")


def test_a_report_goes_round_through_the_inboxes(page, login):
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit
    from clustermonitor.monitoring import services

    euka = Cluster.objects.get(code=CLUSTER_A)
    manager = User.objects.get(username="account_manager")
    manager.email = "am@vlaio.example"
    manager.save()
    euka.account_manager = manager
    euka.save()
    services.create_periods(audit.Actor.system("e2e"), euka)

    # The cluster manager opens the report from "Vandaag" and submits it.
    login("cluster_manager_a")
    inbox = _home(page)
    page.get_by_role("link", name=re.compile(f"{CLUSTER_A} vandaag")).click()
    expect(page.locator("#todo")).to_be_visible()
    page.goto(page.url.replace("/today/", "/reports/"))
    page.locator("a[href^='/reports/']").first.click()
    for name in ("achievements", "internationalisation", "competences", "sustainability"):
        page.fill(f"textarea[name=section_{name}]", f"Tekst over {name}.")
    page.click("#report-form button[type=submit]")
    page.click("#submit button.primary")
    name = manager.get_full_name() or manager.username
    expect(page.locator(".messages")).to_contain_text(f"{name}, je accountmanager")

    # The account manager finds it in the inbox and returns it with a comment.
    page.context.clear_cookies()
    login("account_manager")
    inbox = _home(page)
    item = inbox.locator(".kind-review a")
    expect(item).to_have_count(1)
    item.click()
    page.fill("#review textarea[name=comment]", "Voeg de missie naar Nederland toe.")
    page.click("#review button:not(.primary)")
    page.goto("/")
    expect(page.locator("#inbox .kind-review")).to_have_count(0)

    # Back in the cluster manager's inbox, the comment leads the report.
    page.context.clear_cookies()
    login("cluster_manager_a")
    _home(page).locator(".kind-returned a").click()
    returned = page.locator("#returned")
    expect(returned).to_contain_text("Voeg de missie naar Nederland toe.")
    box = returned.bounding_box()
    assert box["y"] < page.locator("#report-form").bounding_box()["y"]
    page.fill("textarea[name=section_internationalisation]", "Missie naar Nederland.")
    page.click("#report-form button[type=submit]")
    page.click("#submit button.primary")
    page.goto("/")
    expect(page.locator("#inbox .kind-returned")).to_have_count(0)


def test_the_programme_manager_and_the_evaluator_start_from_their_inbox(page, login):
    import datetime

    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit
    from clustermonitor.monitoring import services
    from clustermonitor.monitoring.models import ProgressReport
    from clustermonitor.surveys.models import Questionnaire, Wave
    from tests.conftest import CLUSTER_B
    from tests.test_progress_reports import SECTIONS

    bim = Cluster.objects.get(code=CLUSTER_B)
    services.create_periods(audit.Actor.system("e2e"), bim)
    report = ProgressReport.objects.get(period__cluster=bim, period__number=1)
    writer = audit.Actor(User.objects.get(username="cluster_manager_b"), "e2e")
    services.save_draft(writer, report, SECTIONS, {})
    services.submit(writer, report, tell=False)
    today = datetime.date.today()
    wave = Wave.objects.create(
        questionnaire=Questionnaire.objects.order_by("pk").first(),
        name="Ledenbevraging nu",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=10),
    )
    wave.clusters.add(bim)

    # The programme manager: BIM has no account manager, so the review is theirs.
    login("programme_manager")
    inbox = _home(page)
    expect(inbox.locator(".kind-wave")).to_contain_text("Ledenbevraging nu")
    inbox.locator(".kind-review a").click()
    page.click("#review button.primary")
    expect(page.locator(".status[data-state=approved]")).to_be_visible()
    page.goto("/")
    expect(page.locator("#inbox .kind-review")).to_have_count(0)

    # The evaluator: the open wave, and from it the wave's page.
    page.context.clear_cookies()
    login("evaluator")
    _home(page).locator(".kind-wave a").click()
    expect(page).to_have_url(re.compile(rf"/surveys/waves/{wave.pk}/$"))


def test_a_member_contact_lands_on_an_empty_inbox_and_finds_a_cluster(page, login):
    login("member_contact")
    expect(_home(page).locator("#inbox-empty")).to_be_visible()
    page.fill("#header-search", CLUSTER_A)
    page.press("#header-search", "Enter")
    expect(page.locator("#results-clusters")).to_contain_text(CLUSTER_A)
    expect(page.locator("#results-organisations")).to_have_count(0)


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matched by `selector` has the focus (a keyboard user's
    way there); fails when it is not reached within `limit` presses."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("e => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached by keyboard in {limit} presses")


def test_a_cluster_manager_works_by_keyboard_only(page):
    """Issue 16: keyboard-only journeys. Log in, reach the inbox's first item and open it,
    come back, search for the cluster: Tab, typing and Enter only."""
    page.goto("/accounts/login/")
    _tab_to(page, "input[name=username]")
    page.keyboard.type("cluster_manager_a")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#inbox")).to_be_visible()
    _tab_to(page, "a.skip")  # the first stop: straight to the content
    expect(page.locator("a.skip")).to_be_focused()
    _tab_to(page, "#header-search")
    page.keyboard.type(CLUSTER_A)
    page.keyboard.press("Enter")
    expect(page.locator("#results-clusters")).to_be_visible()
    _tab_to(page, "#results-clusters a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/clusters/{CLUSTER_A}/$"))
