"""A newsletter, end to end (issue 18): EUKA's manager composes a mailing in Dutch and
English, sends a test to their own address, sends it and watches the progress; a
recipient unsubscribes with the link in the mail; the next mailing skips them."""

import re

import pytest
from playwright.sync_api import expect

from clustermonitor.accounts.models import User
from clustermonitor.mailings.models import Mailing, Suppression
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A
from tests.factories import membership, organisation

pytestmark = pytest.mark.e2e


def _compose(page, subject: str, body: str) -> None:
    page.goto(f"/clusters/{CLUSTER_A}/mailings/")
    page.get_by_role("link", name="Nieuwe mailing").click()
    page.select_option("select[name=segment]", "members")
    page.fill("input[name=subject_nl]", subject)
    page.fill("textarea[name=body_nl]", body)
    page.fill("input[name=subject_en]", "News from the cluster")
    page.fill("textarea[name=body_en]", "Dear member,\n\n**Welcome** to our news.")
    page.locator("#mailing-form button[type=submit]").click()
    expect(page.locator("#preview-nl")).to_be_visible()


def test_a_mailing_from_compose_to_unsubscribe(page, login, mailoutbox):
    euka = Cluster.objects.get(code=CLUSTER_A)
    for i, address in enumerate(("anna@lid-een.example", "bert@lid-twee.example"), 1):
        ship = membership(organisation(9300 + i, name=f"Lid {i} NV", postcode="9000"), euka)
        Contact.objects.create(membership=ship, name=f"Persoon {i}", email=address)
    User.objects.filter(username="cluster_manager_a").update(email="manager@euka.example")
    login("cluster_manager_a")

    # Compose: the preview shows the text as it will read, Markdown rendered.
    _compose(page, "Nieuws van de cluster", "Beste lid,\n\n**Welkom** bij ons nieuws.")
    expect(page.locator("#preview-nl .mail-preview strong")).to_have_text("Welkom")
    expect(page.locator("#preview-en .mail-preview strong")).to_have_text("Welcome")
    expect(page.locator("#mailing-expected")).to_contain_text("krijgen")

    # A test to the manager's own address.
    page.select_option("#test-send select[name=language]", "en")
    page.locator("#test-send button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Test verzonden naar manager@euka.example")
    assert [m.to for m in mailoutbox] == [["manager@euka.example"]]
    assert mailoutbox[0].subject == "News from the cluster"

    # Send, and the progress shows the counts.
    page.locator("#send button[type=submit]").click()
    expect(page.locator("#mailing-status")).to_have_text("verstuurd")
    mailing = Mailing.objects.get(subject_nl="Nieuws van de cluster")
    expect(page.locator("#n-sent")).to_have_text(str(mailing.n_sent))
    assert mailing.n_sent >= 2
    to_anna = next(m for m in mailoutbox if m.to == ["anna@lid-een.example"])
    assert to_anna.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Anna follows the link in her mail: the page asks first, the button unsubscribes.
    link = re.search(r"https?://\S+/u/\S+/", to_anna.body).group(0)
    page.context.clear_cookies()
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.locator("h1")).to_have_text("Uitschrijven")
    assert not Suppression.objects.exists()  # opening the link changed nothing
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("#unsubscribed")).to_contain_text("uitgeschreven")
    assert Suppression.objects.get().email == "anna@lid-een.example"

    # The next mailing skips her.
    login("cluster_manager_a")
    _compose(page, "Tweede nieuwsbrief", "Nog meer nieuws.")
    page.locator("#send button[type=submit]").click()
    expect(page.locator("#mailing-status")).to_have_text("verstuurd")
    second = Mailing.objects.get(subject_nl="Tweede nieuwsbrief")
    assert second.n_suppressed == 1 and second.n_sent == mailing.n_sent - 1
    expect(page.locator("#n-suppressed")).to_have_text("1")
    assert not any(
        m.to == ["anna@lid-een.example"] and m.subject == "Tweede nieuwsbrief" for m in mailoutbox
    )
