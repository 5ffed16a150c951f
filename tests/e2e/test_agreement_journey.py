"""From a funded application to a paid second tranche, end to end (issue 19, part C):
the programme manager makes the agreement from the call's page, pays the advance, the
cluster's first progress report is approved on its page, the second tranche becomes
payable and is paid."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from clustermonitor.agreements.models import Agreement, Payment
from clustermonitor.core import audit
from clustermonitor.monitoring import services as monitoring
from clustermonitor.monitoring.models import SECTIONS, ProgressReport
from clustermonitor.programmes import rules_math
from tests.agreement_helpers import funded_application, version_data
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _submit_first_report(cluster) -> ProgressReport:
    """The cluster's manager submits year 1 (its steps are the monitoring journey's)."""
    from clustermonitor.accounts import services as accounts
    from clustermonitor.accounts.models import Role

    manager = accounts.create_user(
        audit.Actor.system("tests"),
        username="cluster.cirtex",
        password=PASSWORD,
        role=Role.CLUSTER_MANAGER,
        cluster=cluster,
    )
    actor = audit.Actor(manager, "web")
    report = ProgressReport.objects.get(period__cluster=cluster, period__number=1)
    sections = {key: f"{label}: gedaan." for key, label in SECTIONS}
    kpis = {
        code: {"reported": "10", "reason": "Uit de ledenlijst van de cluster."}
        for code in ("KPI1", "KPI2", "KPI3")
    }
    monitoring.save_draft(actor, report, sections, kpis)
    monitoring.submit(actor, report, tell=False)
    return report


def _pay(page, tranche: int, amount: str, reference: str, day: datetime.date):
    page.locator(f"tr[data-tranche='{tranche}'] a[href*='/payments/new/']").click()
    page.fill("input[name=amount]", amount)
    page.fill("input[name=reference]", reference)
    page.fill("input[name=paid_on]", day.isoformat())
    page.locator("#main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/clusters/CIRTEX/agreement/$"))


def test_a_funded_application_to_its_second_tranche_paid(page, login):
    today = datetime.date.today()
    start = rules_math.add_months(today, -13)
    due = rules_math.add_years(start, 3) - datetime.timedelta(days=1)
    application = funded_application(
        data=version_data(
            start_date=start.isoformat(),
            targets=[{"kpi": "KPI1", "value": "60", "due_date": due.isoformat()}],
        )
    )

    # The call's page: the funded application has no cluster yet.
    login("programme_manager")
    page.goto(f"/calls/{application.call_id}/")
    page.locator("a[data-make-agreement]").click()
    page.fill("input[name=code]", "CIRTEX")
    page.fill("input[name=signed_on]", (start - datetime.timedelta(days=20)).isoformat())
    page.fill("input[name=condition]", "Businessplan voor integratie in de SPC")
    page.fill("input[name=condition_due_date]", rules_math.add_months(start, 18).isoformat())
    page.locator("#main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/clusters/CIRTEX/agreement/$"))
    expect(page.locator("h1")).to_contain_text("IBN-2-CIRTEX")
    expect(page.locator("#conditions")).to_contain_text("Businessplan")
    agreement = Agreement.objects.get(cluster__code="CIRTEX")
    assert agreement.application_id == application.pk

    # The advance is payable from the start: paid.
    expect(page.locator("tr[data-tranche='1']")).to_have_attribute("data-state", "payable")
    expect(page.locator("tr[data-tranche='2']")).to_have_attribute("data-state", "planned")
    _pay(page, 1, "126.000,00", "BOEK-1", start)
    expect(page.locator("tr[data-tranche='1']")).to_have_attribute("data-state", "paid")
    expect(page.locator("tr[data-tranche='2'] a[href*='/payments/new/']")).to_have_count(0)

    # Year 1's report, submitted by the cluster, approved by the programme manager.
    report = _submit_first_report(agreement.cluster)
    page.goto(f"/reports/{report.pk}/")
    page.locator("#review button.primary").click()
    report.refresh_from_db()
    assert report.state == "approved"

    # The second tranche is payable now, and paid.
    page.goto("/clusters/CIRTEX/agreement/")
    expect(page.locator("tr[data-tranche='2']")).to_have_attribute("data-state", "payable")
    expect(page.locator("tr[data-tranche='3']")).to_have_attribute("data-state", "planned")
    _pay(page, 2, "126000", "BOEK-2", today)
    expect(page.locator("tr[data-tranche='2']")).to_have_attribute("data-state", "paid")
    assert sorted(Payment.objects.values_list("reference", flat=True)) == ["BOEK-1", "BOEK-2"]

    # The programme's schedule counts both.
    page.goto("/agreements/?call=2")
    expect(page.locator("tr[data-cluster='CIRTEX']")).to_contain_text("252.000")
