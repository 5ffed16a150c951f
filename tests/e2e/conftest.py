"""Browser fixtures for the end-to-end tests: Debian's Chromium driven by Playwright's
sync API against pytest-django's live server.

Playwright cannot download its own browsers here, so we launch /usr/bin/chromium.
Without it the tests skip, unless CLUSTERMONITOR_REQUIRE_BROWSER=1 (CI), where a
missing browser must fail the run instead of hiding it.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD, restore_world, totp_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous enough for a loaded CI machine, short enough that a broken page fails fast.
TIMEOUT_MS = 10_000


def _unavailable(message: str):
    if os.environ.get("CLUSTERMONITOR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (CLUSTERMONITOR_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the end-to-end tests of a worker (they run one after the other;
    a parallel run hands out a module's at once); each test gets its own context. Closed
    after the last of them, so the tests that follow in the same process run without
    Playwright's event loop."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium to run the e2e tests")
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop in this thread, so Django would
        # refuse the tests' own ORM calls (SynchronousOnlyOperation). Set only while the
        # browser lives, i.e. for the e2e tests.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(live_server, transactional_db):
    """The reference portfolio and personas. The live server needs a transactional
    database, whose flush after each test empties the session's shared world, so it
    is put back here (from the session's snapshot), and once more after the last e2e
    test for the tests that follow (tests/conftest.py, pytest_runtest_teardown)."""
    restore_world()
    return live_server


def new_page(browser, base_url: str):
    """A page in a context of its own: its own cookies, i.e. its own person."""
    # A browser locale of English proves the interface ignores Accept-Language.
    context = browser.new_context(base_url=base_url, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(browser, world):
    page = new_page(browser, world.url)
    yield page
    page.context.close()


def log_in(page, username: str, password: str = PASSWORD, next: str = ""):
    """Log in through the form, as a person would, with the second step where the
    persona has an authenticator app; then to ``next`` (the home page if empty), as a
    link to a page behind the login does."""
    page.goto("/accounts/login/" + (f"?{urlencode({'next': next})}" if next else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The header has submit buttons too (language, log out): use the login form's own.
    page.locator("#main form").get_by_role("button").click()
    page.wait_for_load_state()
    if re.search(r"/accounts/two-factor/(\?|$)", page.url):
        # The agency personas' authenticator app: the code computed from its key.
        page.fill("input[name=code]", totp_code(username))
        page.locator("#main form").get_by_role("button").click()
        page.wait_for_load_state()
    return page


@pytest.fixture
def login(page):
    """Log the test's page in (see log_in)."""

    def log_in_page(username: str, password: str = PASSWORD):
        return log_in(page, username, password)

    return log_in_page


@pytest.fixture
def person(browser, world):
    """A journey with several people: a page in a context of its own per person, logged
    in once (``person("reviewer")``, ``next=`` a page to land on instead of the home
    page) or not at all (``person()``), so that the journey
    goes back and forth between them without logging in again."""
    pages = []

    def open_page(username: str | None = None, password: str = PASSWORD, next: str = ""):
        page = new_page(browser, world.url)
        pages.append(page)
        return log_in(page, username, password, next) if username else page

    yield open_page
    for page in pages:
        page.context.close()
