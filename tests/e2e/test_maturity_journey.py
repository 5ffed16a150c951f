"""The maturity ladder and professional cluster management in the browser (issue 21):
the programme manager sets up the ladder's first level; a cluster's manager keeps their
team and reads their cluster's benchmark and level."""

import pytest

from tests.conftest import CLUSTER_A

pytestmark = pytest.mark.e2e


def _submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()


def test_the_programme_manager_sets_up_the_ladder(person):
    page = person("programme_manager", next="/ladder/levels/new/")
    page.fill("input[name=order]", "1")
    page.fill("input[name=code]", "arena")
    page.fill("input[name=name]", "Arena (startend netwerk)")
    page.fill("input[name=name_en]", "Arena (emerging network)")
    page.fill("input[name=min_months]", "0")
    page.fill("input[name=max_annual_subsidy]", "150000")
    page.fill("input[name=max_years]", "3")
    _submit(page)
    page.wait_for_url("**/ladder/")
    assert "Arena (startend netwerk)" in page.locator("main").inner_text()


def test_a_cluster_manager_keeps_the_team_and_reads_the_benchmark(person):
    page = person("cluster_manager_a", next=f"/clusters/{CLUSTER_A}/team/new/")
    page.fill("input[name=name]", "Ann Peeters")
    page.fill("textarea[name=qualifications]", "Master handelsingenieur")
    _submit(page)
    page.wait_for_url(f"**/clusters/{CLUSTER_A}/team/")
    assert "Ann Peeters" in page.locator("main").inner_text()

    page.goto(page.url.replace("/team/", "/benchmark/"))
    main = page.locator("main").inner_text()
    assert page.locator("main table").count() >= 1
    assert CLUSTER_A in main or "EUKA" in main

    page.goto(page.url.replace("/benchmark/", "/ladder/"))
    assert page.locator("main h1").count() == 1
