"""An invoice paid through a CODA statement, end to end (issue 18): the cluster's manager
adds the bank account, uploads the bank's CODA file; the invoice it pays is paid on the
payment's value date and the co-financing and KPI pages count it; a payment that names
no invoice waits and is assigned by hand; the same file again changes nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clustermonitor.banking import files
from clustermonitor.billing.models import Invoice, Payment
from clustermonitor.members.models import Contribution
from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A
from tests.test_banking import IBAN, invoice_for

pytestmark = pytest.mark.e2e


def test_an_invoice_paid_through_a_coda_statement(page, login, tmp_path):
    today = datetime.date.today()
    value_date = today - datetime.timedelta(days=3)
    # EUKA runs this year; two of its members have an issued invoice for this year's fee.
    Cluster.objects.filter(code=CLUSTER_A).update(end_date=today + datetime.timedelta(days=365))
    euka = Cluster.objects.get(code=CLUSTER_A)
    first = invoice_for(euka, 1, total="605.00")
    second = invoice_for(euka, 2, total="250.00")
    Contribution.objects.filter(invoice_lines__invoice__in=[first, second]).update(year=today.year)
    statement = tmp_path / "CODA-EUKA.cod"
    statement.write_bytes(
        files.coda(
            iban=IBAN,
            holder="EUKA vzw",
            number=42,
            old_balance=Decimal("1000.00"),
            old_date=value_date - datetime.timedelta(days=1),
            new_date=value_date,
            payments=[
                files.Payment(
                    Decimal("605.00"),
                    value_date,
                    structured=first.structured_reference,
                    name=first.organisation.name,
                    iban="BE62510007547061",
                ),
                files.Payment(Decimal("250.00"), value_date, communication="lidgeld"),
                files.Payment(Decimal("-4.50"), value_date, communication="kosten"),
            ],
        ).encode("latin-1")
    )

    # Before: nothing paid this year.
    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/kpis/?on={today.isoformat()}")
    kpi_before = page.locator("#kpis tbody tr").first.inner_text()

    # The cluster's bank account, then the statement.
    page.goto(f"/clusters/{CLUSTER_A}/bank/")
    page.fill("#account-add input[name=iban]", "BE71 0961 2345 6769")
    page.locator("#account-add button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("BE71 0961 2345 6769")
    page.set_input_files("#statement-upload input[name=file]", str(statement))
    page.locator("#statement-upload button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bank/statements/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("1 lijn(en) gekoppeld")
    expect(page.locator("#statement-lines tbody tr").nth(0)).to_contain_text(first.number)
    expect(page.locator("#statement-lines tbody tr").nth(2)).to_contain_text("uitgaand")

    # The invoice is paid on the value date, and so is its contribution.
    first.refresh_from_db()
    assert first.status == Invoice.Status.PAID and first.paid_on == value_date
    contribution = first.lines.get().contribution
    assert contribution.status == "paid" and contribution.paid_on == value_date

    # The co-financing ledger and the KPI page count the payment.
    page.goto(f"/clusters/{CLUSTER_A}/cofinancing/?year={today.year}")
    expect(page.locator("#ledger tr.current")).to_contain_text("605")
    page.goto(f"/clusters/{CLUSTER_A}/kpis/?on={today.isoformat()}")
    assert page.locator("#kpis tbody tr").first.inner_text() != kpi_before

    # The payment that names nothing waits; the manager assigns it to the second invoice.
    page.goto(f"/clusters/{CLUSTER_A}/bank/")
    waiting = page.locator("#lines-waiting tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting.first).to_contain_text("Geen openstaande factuur past")
    waiting.first.locator("a").click()
    page.select_option("#line-assign select[name=invoice]", str(second.pk))
    page.locator("#line-assign button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(f"factuur {second.number}")
    expect(page.locator("#line-status")).to_have_text("met de hand toegewezen")
    second.refresh_from_db()
    assert second.status == Invoice.Status.PAID and second.paid_on == value_date

    # The same file again: nothing changes.
    page.goto(f"/clusters/{CLUSTER_A}/bank/")
    page.set_input_files("#statement-upload input[name=file]", str(statement))
    page.locator("#statement-upload button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("1 eerder ingelezen")
    assert Payment.objects.count() == 2
