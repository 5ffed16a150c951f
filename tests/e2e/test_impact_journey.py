"""An evaluator reads the economic effects of membership and downloads them; a cluster
manager reads their own cluster's (issue 20)."""

import io

import pytest
from openpyxl import load_workbook

from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.test_impact_figures import _population

pytestmark = pytest.mark.e2e


@pytest.fixture
def accounts(world):
    _population(Cluster.objects.get(code=CLUSTER_A), Cluster.objects.get(code=CLUSTER_B))


def test_evaluator_reads_the_effect_and_downloads_it(accounts, page, login):
    login("evaluator")
    page.locator("header nav summary", has_text="Evaluatie").click()
    page.get_by_role("link", name="Economische effecten").click()
    page.locator("#impact-estimate").wait_for()
    assert page.locator('[data-figure="n_treated"]').inner_text() == "60"
    assert "VTE" in page.locator("#impact-effect").inner_text()
    assert page.locator("#impact-event-study svg").count() == 1

    page.select_option("select[name=outcome]", "turnover")
    page.get_by_role("button", name="Tonen").click()
    page.locator("#impact-estimate").wait_for()
    assert "ongeveer" in page.locator("#impact-effect").inner_text()  # a log outcome: a %

    with page.expect_download() as download:
        page.get_by_role("link", name="Schatting (.xlsx)").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert workbook.sheetnames == ["Schatting", "Eventstudie", "Opsplitsingen", "Intensiteit"]


def test_cluster_manager_reads_their_own_cluster(accounts, person):
    page = person("cluster_manager_a", next=f"/clusters/{CLUSTER_A}/impact/")
    page.locator("#impact-estimate").wait_for()
    assert page.locator('[data-figure="n_treated"]').inner_text() == "30"
    assert page.get_by_role("link", name="Economische effecten").count() >= 1  # the tab
