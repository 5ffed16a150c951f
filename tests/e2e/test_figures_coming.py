"""After a change the whole-programme figures are computed by the background worker;
the page answers at once with a placeholder that fetches them itself (htmx) when the
worker has kept them (issue 13: the first request after a write within a second).

Needs Redis like tests/test_shared_cache.py (the worker's results reach the web through
the shared cache), and the browser like every e2e test."""

import uuid

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.test_shared_cache import REDIS_URL, _redis_or_skip, _shared


@pytest.fixture
def with_worker(settings, world):
    """Production's shape: Redis shared by the live server and the worker, tasks queued
    in the database; the test runs the worker when it chooses."""
    client = _redis_or_skip()
    prefix = f"cm-e2e-{uuid.uuid4().hex[:12]}"
    _shared(settings, REDIS_URL, prefix)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield lambda: call_command("db_worker", batch=True, interval=0.1, verbosity=0)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_the_dashboard_and_table8_fill_themselves_in_when_the_worker_is_done(
    page, login, with_worker
):
    login("programme_manager")
    page.goto("/dashboard/")
    waiting = page.locator("#dashboard-body [role=status]")
    expect(waiting).to_contain_text("De KPI-tabellen worden berekend")  # Dutch first
    expect(page.locator("#dashboard-filters")).to_be_visible()  # the rest is there at once
    expect(page.locator("#totals-programme")).to_have_count(0)
    with_worker()
    # The placeholder asks again every 2 s and swaps the tables in.
    expect(page.locator("#totals-programme")).to_be_visible()
    expect(page.locator("#dashboard-body[aria-busy]")).to_have_count(0)

    page.goto("/cofinancing/?year=2018")
    expect(page.locator("#table8-body [role=status]")).to_contain_text("Tabel 8 wordt berekend")
    with_worker()
    expect(page.locator("#table8")).to_be_visible()
