"""A cluster manager's week without a spreadsheet, end to end (issue 18's quality bar):
in the web UI only, EUKA's manager turns a prospect into a member and confirms its fee;
opens registration on the day's event, which a visitor registers for on the public page,
and checks the attendee in on a 375 px phone; sends a newsletter to the members, which a
recipient leaves with the mail's one-click unsubscribe link; generates and issues the new
member's invoice and uploads the bank's CODA statement that pays it; and finds KPI 2 and
the active members moved. The CODA file is written with the banking app's file writer (as
the bank would send it), from what the invoice page shows."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clustermonitor.accounts.models import User
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.banking import files
from clustermonitor.core import audit
from clustermonitor.members.contributions import save_schedule
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from tests.billing_helpers import billing_settings
from tests.conftest import CLUSTER_A
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import dotted, enterprise_number, membership, organisation
from tests.test_banking import IBAN

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
NUMBER = enterprise_number(4747)
NEW_MEMBER = "Zeilwerk NV"
VISITOR = "hanne@havendrones.example"


def _figures(page) -> tuple[int, int]:
    """The cluster's 'today' page: (members, active members)."""
    page.goto(f"/clusters/{CLUSTER_A}/today/")
    facts = page.locator("#summary li")
    members = int(facts.nth(0).locator("strong").inner_text())
    active = int(facts.nth(1).locator("strong").inner_text())
    return members, active


def _kpi2(page, today: datetime.date) -> int:
    page.goto(f"/clusters/{CLUSTER_A}/kpis/?on={today.isoformat()}")
    return int(page.locator("#kpis tbody tr").first.locator("td").nth(2).inner_text())


@pytest.fixture
def visitor(browser, world):
    """A second browser (the visitor's, the recipient's): the manager stays logged in."""
    context = browser.new_context(base_url=world.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_cluster_managers_week(page, visitor, login, mailoutbox, tmp_path):
    today = datetime.date.today()
    year = today.year
    # The world of the week: EUKA runs, has a fee schedule and billing settings; one of
    # its members (with a contact) took part in one activity this year, so one more makes
    # it active; today's public event has no registration yet.
    Cluster.objects.filter(code=CLUSTER_A).update(end_date=today + datetime.timedelta(days=365))
    euka = Cluster.objects.get(code=CLUSTER_A)
    manager = User.objects.get(username="cluster_manager_a")
    save_schedule(audit.Actor(manager, "web"), euka, year, {"": Decimal(600)})
    billing_settings(euka)
    haven = organisation(8300, name="Havendrones NV")
    Contact.objects.create(
        membership=membership(haven, euka, start=today - datetime.timedelta(days=400)),
        name="Hanne Haven",
        email=VISITOR,
    )
    earlier = Activity.objects.create(
        title="Eerdere workshop", kind="workshop", date=today - datetime.timedelta(days=30)
    )
    earlier.clusters.add(euka)
    Participation.objects.create(activity=earlier, organisation=haven, name="Hanne Haven")
    event = Activity.objects.create(
        title="Dronedemo aan de kaai", kind="event", date=today, location="Antwerpen", public=True
    )
    event.clusters.add(euka)

    login("cluster_manager_a")
    members_before, active_before = _figures(page)
    kpi2_before = _kpi2(page, today)

    # (1) A prospect becomes a member, and its fee is confirmed.
    page.goto(f"/clusters/{CLUSTER_A}/prospects/")
    page.locator("#prospect-new").click()
    form = page.locator("#prospect-form")
    form.locator("input[name=enterprise_number]").fill(dotted(NUMBER))
    form.locator("input[name=company_name]").fill(NEW_MEMBER)
    form.locator("input[name=contact_name]").fill("Zita Zeil")
    form.locator("input[name=contact_email]").fill("zita@zeilwerk.example")
    form.locator("select[name=owner]").select_option(str(manager.pk))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/prospects/\d+/$"))
    move = page.locator("#prospect-move")
    move.locator("select[name=stage]").select_option("joined")
    move.locator("[name=start_date]").fill(today.isoformat())
    move.get_by_role("button").click()
    expect(page.locator("#prospect-membership")).to_be_visible()
    proposal = page.locator("#fee-proposal")
    expect(proposal.locator("input[name=amount]")).to_have_value("600.00")
    proposal.get_by_role("button").click()
    expect(page.locator("#fee-proposal")).to_have_count(0)

    # (2) Registration opens on today's event; a visitor registers on the public page.
    page.goto(f"/activities/{event.pk}/registrations/")
    page.locator(f"a[href='/activities/{event.pk}/registrations/settings/']").click()
    page.fill("input[name=capacity]", "30")
    page.locator("#main form button[type=submit]").first.click()
    expect(page.locator("#registration-summary")).to_contain_text("open")
    public_link = page.locator("#registration-summary a").first.inner_text()
    visitor.goto(re.sub(r"^https?://[^/]+", "", public_link))
    visitor.fill("input[name=name]", "Hanne Haven")
    visitor.fill("input[name=email]", VISITOR)
    visitor.fill("input[name=company_name]", "Havendrones")
    visitor.fill("input[name=enterprise_number]", dotted(haven.enterprise_number))
    visitor.check("input[name=consent]")
    visitor.locator("#register-form button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(rf"/portal/events/{event.pk}/registered/$"))
    assert [m.to for m in mailoutbox] == [[VISITOR]]  # the confirmation with the ticket

    # On the day, on a phone: the manager finds her by name and checks her in.
    page.set_viewport_size(PHONE)
    page.goto(f"/activities/{event.pk}/check-in/")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the check-in page scrolls sideways on a phone: {width}"
    page.fill("#search input[name=q]", "hanne")
    page.locator("#search button[type=submit]").click()
    page.locator(".checkin-list li", has_text="Hanne Haven").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("Hanne Haven is aangemeld")
    expect(page.locator("#checkin-count")).to_have_text("1")
    page.set_viewport_size({"width": 1280, "height": 800})

    # (3) A newsletter to the members, sent in the background; Hanne unsubscribes.
    page.goto(f"/clusters/{CLUSTER_A}/mailings/")
    page.get_by_role("link", name="Nieuwe mailing").click()
    page.select_option("select[name=segment]", "members")
    page.fill("input[name=subject_nl]", "Nieuws van de week")
    page.fill("textarea[name=body_nl]", "Beste lid,\n\n**Welkom** aan onze nieuwe leden.")
    page.fill("input[name=subject_en]", "News of the week")
    page.fill("textarea[name=body_en]", "Dear member,\n\n**Welcome** to our new members.")
    page.locator("#mailing-form button[type=submit]").click()
    expect(page.locator("#preview-nl .mail-preview strong")).to_have_text("Welkom")
    page.locator("#send button[type=submit]").click()
    expect(page.locator("#mailing-status")).to_have_text("verstuurd")
    expect(page.locator("#n-sent")).not_to_have_text("0")
    to_hanne = next(m for m in mailoutbox if m.to == [VISITOR] and "Nieuws" in m.subject)
    assert to_hanne.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"https?://\S+/u/\S+/", to_hanne.body).group(0)
    visitor.goto(re.sub(r"^https?://[^/]+", "", link))
    visitor.locator("#main form button[type=submit]").click()
    expect(visitor.locator("#unsubscribed")).to_contain_text("uitgeschreven")

    page.goto(f"/clusters/{CLUSTER_A}/mailings/consents/")
    expect(page.locator("#suppressed tbody")).to_contain_text(VISITOR)

    # (4) The new member's invoice: generated, issued, paid through the CODA statement.
    page.goto(f"/clusters/{CLUSTER_A}/invoices/?year={year}")
    page.locator("#generate").click()
    expect(page.locator("#confirm")).to_contain_text("1 ontwerpfactuur aanmaken")
    page.locator("#confirm-action").click()
    expect(page.locator("#invoices")).to_contain_text(NEW_MEMBER)
    page.locator("#invoices a", has_text="ontwerp").first.click()
    page.locator("#issue").click()
    page.locator("#confirm-action").click()
    number = f"{CLUSTER_A}-{year}-00001"
    expect(page.locator("h1")).to_contain_text(number)
    invoice_url = page.url
    reference = page.locator("#main").get_by_text(re.compile(r"\+\+\+[\d/]+\+\+\+")).first
    digits = re.sub(r"\D", "", reference.inner_text())
    assert len(digits) == 12, digits
    total = page.locator("tr", has_text="Totaal incl. btw").locator("strong").inner_text()
    amount = Decimal(re.sub(r"[^\d,]", "", total).replace(",", "."))
    assert amount == Decimal("726.00")  # the fee of 600 and 21 % VAT
    statement = tmp_path / "CODA-EUKA.cod"
    statement.write_bytes(
        files.coda(
            iban=IBAN,
            holder="EUKA vzw",
            number=7,
            old_balance=Decimal("1000.00"),
            old_date=today - datetime.timedelta(days=1),
            new_date=today,
            payments=[
                files.Payment(
                    amount, today, structured=digits, name=NEW_MEMBER, iban="BE62510007547061"
                )
            ],
        ).encode("latin-1")
    )  # fmt: skip
    page.goto(f"/clusters/{CLUSTER_A}/bank/")
    page.fill("#account-add input[name=iban]", "BE71 0961 2345 6769")
    page.locator("#account-add button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("BE71 0961 2345 6769")
    page.set_input_files("#statement-upload input[name=file]", str(statement))
    page.locator("#statement-upload button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("1 lijn(en) gekoppeld")
    expect(page.locator("#statement-lines tbody tr").first).to_contain_text(number)
    page.goto(invoice_url)
    expect(page.locator("dt:text-is('Status') + dd")).to_have_text(f"betaald ({today:%d/%m/%Y})")

    # (5) The figures moved: KPI 2 counts the new company, the check-in made one more
    # member active, and the new member is among the members.
    assert _kpi2(page, today) == kpi2_before + 1
    expect(page.locator("#companies tr", has_text=NEW_MEMBER)).to_contain_text("nieuw")
    assert _figures(page) == (members_before + 1, active_before + 1)
