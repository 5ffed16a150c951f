"""Invoicing the fees, end to end (issue 18): the cluster's manager generates the year's
invoices from the expected contributions, issues one, downloads its PDF and its Peppol
document and sends it by e-mail to the member's billing contact."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clustermonitor.billing.models import Invoice
from clustermonitor.programmes.models import Cluster
from tests.billing_helpers import billing_settings, member_with_fee
from tests.conftest import CLUSTER_A

pytestmark = pytest.mark.e2e


def test_the_cluster_manager_generates_issues_downloads_and_sends(page, login, mailoutbox):
    year = datetime.date.today().year
    cluster = Cluster.objects.get(code=CLUSTER_A)
    billing_settings(cluster)
    member_with_fee(1, cluster, year=year, amount="1500.00")

    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/invoices/?year={year}")
    page.locator("#generate").click()
    expect(page.locator("#confirm")).to_contain_text("1 ontwerpfactuur aanmaken")
    page.locator("#confirm-action").click()
    expect(page.locator("#invoices")).to_contain_text("Bedrijf 1 NV")

    page.locator("#invoices a", has_text="ontwerp").first.click()
    page.locator("#issue").click()
    page.locator("#confirm-action").click()
    number = f"{CLUSTER_A}-{year}-00001"
    expect(page.locator("h1")).to_contain_text(number)
    invoice = Invoice.objects.get(number=number)
    expect(page.locator("#main")).to_contain_text(invoice.reference_display)

    with page.expect_download() as download:
        page.get_by_role("link", name="Pdf downloaden").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name="Peppol-UBL downloaden").click()
    assert download.value.suggested_filename == f"{number}.xml"
    document = Path(download.value.path()).read_bytes()
    assert b"urn:fdc:peppol.eu:2017:poacc:billing:3.0" in document

    page.locator("#send").click()
    page.locator("#confirm-action").click()
    expect(page.locator("#main")).to_contain_text(re.compile("Per e-mail verstuurd"))
    (message,) = mailoutbox
    assert message.to == ["b1@x.example"] and number in message.subject
    assert {name for name, _content, _type in message.attachments} == {
        f"{number}.pdf",
        f"{number}.xml",
    }
