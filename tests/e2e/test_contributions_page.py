"""The contributions list in Chromium (issue 16): the totals follow inline payments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from clustermonitor.core.templatetags.format import format_money
from clustermonitor.members.models import Contribution
from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A
from tests.factories import membership, organisation

pytestmark = pytest.mark.e2e


def test_three_inline_payments_update_the_totals(page, login):
    """The tester saw "betaald: € 0" after three "Betaald" clicks."""
    cluster = Cluster.objects.get(code=CLUSTER_A)
    year = datetime.date.today().year
    for i, amount in enumerate((100, 200, 300)):
        org = organisation(9400 + i, name=f"Testbetaler {i} NV")
        m = membership(org, cluster, start=datetime.date(2017, 1, 1))
        Contribution.objects.create(membership=m, year=year, amount=amount)
    already = sum(
        Contribution.objects.filter(
            membership__cluster=cluster, year=year, status="paid"
        ).values_list("amount", flat=True),
        Decimal(0),
    )
    with translation.override("nl"):
        zero, paid = format_money(already), format_money(already + 600)
    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/contributions/?year={year}&q=Testbetaler")
    totals = page.locator("#totals")
    expect(totals).to_contain_text(f"betaald: {zero}")
    for _ in range(3):
        before = page.locator("#contributions button").count()
        page.locator("#contributions button").first.click()
        expect(page.locator("#contributions button")).to_have_count(before - 1)
    expect(totals).to_contain_text(f"betaald: {paid}")
