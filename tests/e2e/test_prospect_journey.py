"""A prospect becomes a member, end to end (issue 18): a cluster manager adds a prospect,
finds its next step in the inbox, moves it through the stages, marks it joined — the
membership starts — and confirms the fee the pipeline proposes."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.members.contributions import save_schedule
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.prospects.models import Prospect, ProspectStep
from tests.conftest import CLUSTER_A
from tests.factories import dotted, enterprise_number

pytestmark = pytest.mark.e2e

NUMBER = enterprise_number(4545)


def _move(page, stage: str, **fields) -> None:
    form = page.locator("#prospect-move")
    form.locator("select[name=stage]").select_option(stage)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.get_by_role("button").click()
    page.wait_for_load_state()


def test_a_cluster_manager_turns_a_prospect_into_a_member(page, login):
    today = datetime.date.today()
    Cluster.objects.filter(code=CLUSTER_A).update(end_date=today + datetime.timedelta(days=365))
    euka = Cluster.objects.get(code=CLUSTER_A)
    manager = User.objects.get(username="cluster_manager_a")
    save_schedule(audit.Actor(manager, "web"), euka, today.year, {"": Decimal(600)})

    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/prospects/")
    expect(page.locator("#expected-members")).to_be_visible()
    page.locator("#prospect-new").click()
    form = page.locator("#prospect-form")
    # A mistake first: the number is checked and the form keeps what was typed.
    form.locator("input[name=enterprise_number]").fill("0412.345.679")
    form.locator("input[name=company_name]").fill("Vliegwerk NV")
    form.locator("input[name=contact_name]").fill("Vera Vlieg")
    form.locator("input[name=contact_email]").fill("vera@vliegwerk.example")
    form.locator("select[name=owner]").select_option(str(manager.pk))
    form.locator("input[name=next_step]").fill("Bellen")
    form.locator("input[name=next_step_date]").fill(today.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("#prospect-form .error")).to_be_visible()
    expect(form.locator("input[name=contact_name]")).to_have_value("Vera Vlieg")
    form.locator("input[name=enterprise_number]").fill(dotted(NUMBER))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/prospects/\d+/$"))
    prospect = Prospect.objects.get(enterprise_number=NUMBER)
    assert prospect.owner == manager and prospect.stage == "new"

    # Its next step is due today: the inbox says so and leads to the pipeline.
    page.goto("/")
    page.locator("#inbox .kind-prospect a").click()
    expect(page).to_have_url(re.compile(rf"/clusters/{CLUSTER_A}/prospects/\?due=due$"))
    page.locator("#prospects a", has_text="Vliegwerk NV").click()

    # Through the stages; "lost" without a reason is refused.
    _move(page, "contacted", note="Gebeld")
    _move(page, "meeting")
    _move(page, "lost")
    expect(page.locator("#prospect-move .error")).to_be_visible()
    prospect.refresh_from_db()
    assert prospect.stage == "meeting"
    _move(page, "joined", start_date=today.isoformat())
    expect(page.locator("#prospect-membership")).to_be_visible()
    membership = Membership.objects.get(cluster=euka, organisation__enterprise_number=NUMBER)
    assert membership.start_date == today and membership.organisation.name == "Vliegwerk NV"
    steps = ProspectStep.objects.filter(prospect=prospect).order_by("at", "pk")
    assert [s.to_stage for s in steps] == ["new", "contacted", "meeting", "joined"]

    # The fee of the schedule for its size class is proposed; the manager confirms it.
    proposal = page.locator("#fee-proposal")
    expect(proposal).to_be_visible()
    expect(proposal.locator("input[name=amount]")).to_have_value("600.00")
    proposal.get_by_role("button").click()
    expect(page.locator("#fee-proposal")).to_have_count(0)
    contribution = Contribution.objects.get(membership=membership)
    assert (contribution.year, contribution.amount, contribution.status) == (
        today.year,
        600,
        "expected",
    )
    # The pipeline counts it as joined this year.
    page.goto(f"/clusters/{CLUSTER_A}/prospects/")
    expect(page.locator("#expected-joined")).to_have_text("1")
