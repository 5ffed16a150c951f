"""Ask to join, end to end (issue 17): a visitor finds a cluster with the finder, asks to
join, confirms the e-mail address; the cluster's manager accepts from the inbox; the
company is a member and, once its first contribution is paid, counts in KPI 2."""

import datetime
import re

import duckdb
import pytest
from playwright.sync_api import expect

from clustermonitor.members.models import Membership
from clustermonitor.portal.models import JoinRequest
from clustermonitor.programmes.models import Cluster
from tests import matrix_objects
from tests.conftest import CLUSTER_A
from tests.factories import dotted, enterprise_number

pytestmark = pytest.mark.e2e

NUMBER = enterprise_number(4343)
KBO_NAME = "Dronebouwers Vlaanderen NV"


def _kbo_lookup(folder) -> None:
    """The KBO lookup `import-kbo` builds, holding the visitor's company only."""
    (folder / "kbo").mkdir()
    duckdb.sql(
        f"COPY (SELECT '{NUMBER}' AS enterprise_number, '{KBO_NAME}' AS name,"
        " '9000' AS postcode, DATE '2015-05-01' AS start_date, '28990' AS nace_2008,"
        f" '{KBO_NAME.lower()}' AS folded) TO '{folder / 'kbo' / 'enterprises.parquet'}'"
        " (FORMAT parquet)"
    )


def test_a_visitor_asks_to_join_and_the_cluster_manager_accepts(
    page, login, mailoutbox, settings, tmp_path
):
    today = datetime.date.today()
    # EUKA runs (its reference agreement ended in 2019) and its profile is published.
    Cluster.objects.filter(code=CLUSTER_A).update(end_date=today + datetime.timedelta(days=365))
    euka = Cluster.objects.get(code=CLUSTER_A)
    matrix_objects.published_profile()
    settings.VAR_DIR = tmp_path
    _kbo_lookup(tmp_path)

    # The visitor finds the cluster with the finder, by what the company works on.
    page.goto("/finder/")
    page.fill("#finder-form input[name=q]", "drones")
    page.locator("#finder-form button[type=submit]").click()
    result = page.locator("#finder-results li", has_text=euka.name).first
    expect(result).to_be_visible()
    result.get_by_role("link", name=re.compile("Lid worden")).click()
    expect(page).to_have_url(re.compile(rf"/portal/clusters/{CLUSTER_A}/join/\?from=finder"))

    # A mistake first: the form keeps what was typed and says why.
    page.fill("input[name=enterprise_number]", "0412.345.679")
    page.fill("input[name=company_name]", "Dronebouwers")
    page.fill("input[name=contact_name]", "Dirk Drone")
    page.fill("input[name=email]", "dirk@dronebouwers.example")
    page.fill("textarea[name=message]", "Wij bouwen inspectiedrones.")
    page.locator("#join-form button[type=submit]").click()
    expect(page.locator("#join-form")).to_contain_text("geen geldig ondernemingsnummer")
    expect(page.locator("input[name=contact_name]")).to_have_value("Dirk Drone")
    expect(page.locator("textarea[name=message]")).to_have_value("Wij bouwen inspectiedrones.")
    page.fill("input[name=enterprise_number]", dotted(NUMBER))
    page.check("input[name=consent]")
    page.locator("#join-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/join/sent/$"))
    assert JoinRequest.objects.get().state == JoinRequest.State.UNCONFIRMED

    # The e-mail's link, then the button: the request reaches the cluster.
    (message,) = mailoutbox
    assert message.to == ["dirk@dronebouwers.example"]
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.locator("#join-confirm button[type=submit]").click()
    expect(page.locator("#join-confirm")).to_contain_text("doorgegeven")
    join = JoinRequest.objects.get()
    assert join.state == JoinRequest.State.OPEN and join.found_in == "kbo"

    # The cluster's manager finds it in the inbox and accepts it.
    page.context.clear_cookies()
    login("cluster_manager_a")
    page.locator("#inbox .kind-join a").click()
    expect(page).to_have_url(re.compile(rf"/clusters/{CLUSTER_A}/join-requests/$"))
    page.locator("#join-requests a", has_text="Dronebouwers").click()
    expect(page.locator("#join-company")).to_contain_text(KBO_NAME)  # looked up already
    expect(page.locator("#join-accept input[name=start_date]")).to_have_value(today.isoformat())
    page.locator("#join-accept button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("is nu lid")
    membership = Membership.objects.get(cluster=euka, organisation__enterprise_number=NUMBER)
    assert membership.organisation.name == KBO_NAME and membership.start_date == today
    assert len(mailoutbox) == 2 and "Welkom" in mailoutbox[-1].subject
    page.goto("/")
    expect(page.locator("#inbox .kind-join")).to_have_count(0)

    # Its first contribution paid, the company counts in KPI 2 (new active companies).
    page.goto(f"/clusters/{CLUSTER_A}/contributions/?year={today.year}")
    page.locator(f"a[href='/memberships/{membership.pk}/contributions/new/']").click()
    page.fill("input[name=amount]", "500")
    page.select_option("select[name=status]", "paid")
    page.fill("input[name=paid_on]", today.isoformat())
    page.locator("#main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/clusters/{CLUSTER_A}/contributions/"))
    page.goto(f"/clusters/{CLUSTER_A}/kpis/?on={today.isoformat()}")
    row = page.locator("#companies tr", has_text=KBO_NAME)
    expect(row).to_contain_text("nieuw")
    expect(page.locator("#kpis tbody tr").first.locator("td").nth(2)).to_have_text("1")
