"""The column chooser of wide tables in Chromium (core/templatetags/columns.py, static
columns.js): by keyboard only, a column hides and stays hidden after a reload, a group
header narrows and hides with its columns, "Show all columns" brings everything back,
the choice survives an htmx sort, the download keeps every column, and without script
the table shows in full."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e import accessibility
from tests.e2e.test_layout import DESKTOP

pytestmark = pytest.mark.e2e

TABLE7 = 'details.column-chooser[data-columns-for="dashboard-table7"]'


def _tab_to(page, label: str):
    """Tab forward until the checkbox labelled `label` has the focus."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('label')?.textContent.trim()") == label:
            return
    raise AssertionError(f"no checkbox {label!r} by Tab")


def _visible_headers(page, table: str) -> list[str]:
    return page.locator(f"{table} thead th:visible").all_inner_texts()


def test_a_column_hidden_by_keyboard_stays_hidden_after_a_reload_until_reset(page, login):
    login("programme_manager")
    page.set_viewport_size(DESKTOP)
    page.goto(reverse("monitoring:dashboard"))
    chooser = page.locator(TABLE7)
    summary = chooser.locator("summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_text("Kolommen")
    table = page.locator("table#clusters")
    group = table.locator("thead th.group").first  # KPI1, over four columns
    expect(group).to_have_attribute("colspan", "4")
    n_cells = table.locator("tbody tr").first.locator("td:visible").count()

    summary.focus()
    page.keyboard.press("Enter")
    expect(chooser.get_by_role("group", name="Deze kolommen tonen")).to_be_visible()
    assert accessibility.check(page, TABLE7) == []
    # The first column is not offered: it names the row.
    expect(chooser.get_by_role("checkbox", name="Cluster (altijd getoond)")).to_be_disabled()
    _tab_to(page, "Uitvoerende organisatie")
    page.keyboard.press("Space")
    expect(table.locator("thead th", has_text="Uitvoerende organisatie")).to_be_hidden()
    # A group header narrows with its columns and hides with the last of them.
    for column in ("gerapporteerd", "berekend", "streefwaarde", "%"):
        _tab_to(page, f"KPI1 Unieke actieve bedrijven · {column}")
        page.keyboard.press("Space")
    expect(group).to_be_hidden()
    expect(summary).to_have_text("Kolommen (5 verborgen)")
    row = table.locator("tbody tr").first.locator("td:visible")
    expect(row).to_have_count(n_cells - 5)
    page.keyboard.press("Escape")
    expect(summary).to_be_focused()
    expect(chooser).not_to_have_attribute("open", "")

    page.reload()
    expect(table.locator("thead th", has_text="Uitvoerende organisatie")).to_be_hidden()
    expect(group).to_be_hidden()
    # (the menu is closed: its boxes are out of the accessibility tree)
    boxes = page.locator(TABLE7)
    expect(
        boxes.get_by_role("checkbox", name="Type", exact=True, include_hidden=True)
    ).to_be_checked()
    expect(
        boxes.get_by_role("checkbox", name="Uitvoerende organisatie", include_hidden=True)
    ).not_to_be_checked()
    # The next group's header still spans its four columns, above its own cells.
    kpi2 = table.locator("thead th.group").nth(1)
    expect(kpi2).to_have_attribute("colspan", "4")
    assert kpi2.bounding_box()["x"] == pytest.approx(
        table.locator("thead tr").nth(1).locator("th:visible").first.bounding_box()["x"], abs=1
    )

    summary.focus()
    page.keyboard.press("Enter")
    _tab_to_button(page, "Alle kolommen tonen")
    page.keyboard.press("Enter")
    expect(group).to_be_visible()
    expect(group).to_have_attribute("colspan", "4")
    expect(table.locator("thead th", has_text="Uitvoerende organisatie")).to_be_visible()
    expect(summary).to_have_text("Kolommen")
    page.keyboard.press("Tab")  # out of the menu, to the table's box: the menu closes
    expect(page.locator("#table7 .table-wrap")).to_be_focused()
    expect(chooser).not_to_have_attribute("open", "")
    page.reload()
    expect(table.locator("tbody tr").first.locator("td:visible")).to_have_count(n_cells)


def _tab_to_button(page, name: str):
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"no button {name!r} by Tab")


def test_rows_that_share_cells_keep_their_columns_in_line(page, login):
    """Table 5 groups its rows (a rowspan for the group and its number of clusters):
    with "Clusters" hidden, every cell still sits under its own header."""
    login("programme_manager")
    page.set_viewport_size(DESKTOP)
    page.goto(reverse("monitoring:dashboard"))
    chooser = page.locator('details.column-chooser[data-columns-for="dashboard-table5"]')
    chooser.locator("summary").click()
    chooser.get_by_role("checkbox", name="Clusters", exact=True).uncheck()
    for table in page.locator("table[data-columns=dashboard-table5]").all():
        expect(table.locator("thead th").nth(2)).to_be_hidden()  # "Clusters"
        header = table.locator("thead th").nth(3)  # reported, the fourth column
        for row in table.locator("tbody tr").all():
            cell = row.locator("td.num:visible").first
            assert cell.bounding_box()["x"] == pytest.approx(header.bounding_box()["x"], abs=1)


def test_the_choice_holds_after_an_htmx_sort_and_without_script_the_table_is_full(
    page, login, browser, world
):
    login("programme_manager")
    page.set_viewport_size(DESKTOP)
    page.goto(reverse("programmes:portfolio"))
    chooser = page.locator('details.column-chooser[data-columns-for="portfolio"]')
    chooser.locator("summary").click()
    chooser.get_by_role("checkbox", name="Oorsprong").uncheck()
    origin = page.locator("#portfolio thead th", has_text="Oorsprong")
    expect(origin).to_be_hidden()
    page.locator("#portfolio thead a[data-sort=end_date]").click()  # htmx: a new table
    expect(page.locator("#portfolio thead th[aria-sort]")).to_have_count(1)
    expect(origin).to_be_hidden()
    expect(page.locator("#portfolio tbody tr").first.locator("td:visible")).to_have_count(10)
    # The download has every column all the same: the choice is what the reader sees.
    with page.expect_download() as download:
        page.click("#download-xlsx")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert "Oorsprong" in next(sheet.iter_rows(values_only=True))

    context = browser.new_context(
        base_url=world.url, java_script_enabled=False, storage_state=page.context.storage_state()
    )
    try:
        plain = context.new_page()
        plain.goto(reverse("programmes:portfolio"))
        expect(plain.locator("details.column-chooser")).to_be_hidden()
        expect(plain.locator("#portfolio thead th", has_text="Oorsprong")).to_be_visible()
        expect(plain.locator("#portfolio tbody tr").first.locator("td:visible")).to_have_count(11)
    finally:
        context.close()
