"""Journeys that start where each persona lands (issue 16): the home page's inbox leads to
the work, and the work leaves the inbox when it is done."""

import re

import pytest
from playwright.sync_api import expect

from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A

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
