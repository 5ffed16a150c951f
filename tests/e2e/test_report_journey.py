"""An evaluator generates the evaluation report from the button and reads it (issue 8)."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_evaluator_generates_the_report_and_opens_it(page, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login("evaluator")
    page.locator("header nav summary", has_text="Evaluatie").click()  # the menu's group
    page.get_by_role("link", name="Evaluatierapport").click()
    page.fill("input[name=as_of]", "2020-01-31")
    page.select_option("select[name=clusters]", ["EUKA", "BIM"])
    page.uncheck("input[name=formats][value=pdf]")
    page.click("#generate-report")
    files = page.locator("#report-files a")
    files.first.wait_for()
    names = files.all_inner_texts()
    assert names[0] == "clustermonitor-report-2020-01-31-BIM-EUKA-nl.html"
    assert "clustermonitor-report-2020-01-31-BIM-EUKA-nl.xlsx" in names

    with page.context.expect_page() as opened:
        files.first.click()
    report = opened.value
    report.wait_for_load_state()
    assert report.locator("h1").inner_text() == "Evaluatie van het clusterprogramma"
    assert report.locator("nav.toc li").count() >= 8
    assert report.locator("figcaption").first.inner_text().startswith(("Tabel 1", "Figuur 1"))

    with page.expect_download() as download:
        page.get_by_role("link", name="clustermonitor-report-2020-01-31-BIM-EUKA-nl.xlsx").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert workbook.sheetnames[0] == "Inhoud"

    page.locator("h1 small a").click()
    expect(page.locator("#report-runs tbody tr")).to_have_count(1)  # waits for the page
    assert "BIM, EUKA" in page.locator("#report-runs tbody tr").inner_text()
