"""No page scrolls sideways: every HTML page of the permission matrix (tests/
matrix_routes.py, status 200) fits a 1,366 px wide window as the first persona who may
open it, with axe-core on the same page load; and every page members and applicants
open fits a 375 px phone, as them.

Wide tables scroll inside their own container (.table-wrap); the page itself must not.
One browser context per persona, logged in once; the failures are collected and listed
together, with each page's width, so that one run shows every page to fix.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e import accessibility
from tests.e2e.conftest import log_in, new_page
from tests.matrix_routes import MATRIX

pytestmark = [pytest.mark.e2e, pytest.mark.any_database]

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 375, "height": 740}

# Routes whose 200 is not an HTML page of the interface: files, fragments and the health
# check (and the API's, under api:).
NOT_PAGES = {
    "members:member-list-xlsx",
    "members:import-rejected",
    "imports:import-rejected",
    "surveys:response-import-rejected",
    "members:member-lookup",  # an htmx fragment of the member-add page
    "mailings:mailing-progress",  # an htmx fragment of the mailing's page
    "programmes:portfolio-xlsx",
    "surveys:questionnaire-xlsform",
    "surveys:wave-mail-merge-xlsx",
    "surveys:wave-mail-merge-csv",
    "surveys:wave-tracking-xlsx",
    "surveys:wave-raw-identities",
    "surveys:wave-raw-answers",
    "billing:invoice-pdf",  # a PDF download
    "billing:my-invoice-pdf",  # a member's own invoice, a PDF download
    "billing:my-invoice-ubl",  # a member's own invoice, the Peppol XML document
    "billing:invoice-ubl",  # the Peppol XML document
    "reports:run-file",
    "monitoring:attachment-download",
    "core:healthz",
    "portal:cluster-logo-file",  # a picture
    "portal:directory-map",  # pictures (the members' maps)
    "portal:cluster-map",
    "portal:robots",  # text for search engines
    "portal:sitemap",  # XML for search engines
    "portal:figure-csv",  # the open figures' downloads
    "portal:figure-csv-metadata",
    "portal:figure-json",
    "portal:events-feed",  # iCalendar for calendar programs
    "portal:cluster-events-feed",  # iCalendar for calendar programs
    "registrations:event-download",  # an event's registrations as .xlsx / .csv
    "prospects:pipeline-download",  # a cluster's pipeline as .xlsx / .csv
    "selfservice:personal-data-download",  # JSON: what is kept about the signed-in person
    "grants:attachment",  # an application's attached file, a download
    "review:letter",  # the jury's decision letter, a PDF download
}
# The pages a member (a member organisation's contact, a survey respondent) opens, also
# on a phone.
MEMBER_PAGES = {
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "surveys:respond",
    # The public portal (issue 17): anyone, on any screen; at / a visitor gets its front.
    "programmes:home",
    "portal:front",
    "portal:directory",
    "portal:cluster-detail",
    "portal:events",
    "portal:finder",  # the public finder: a company's visitor, often on a phone
    "mailings:unsubscribe",  # a newsletter's reader, often on a phone
    "portal:ask-to-join",  # ask to join, and the pages of its confirmation
    "portal:join-sent",
    "portal:join-confirm",
    "portal:figures",  # the open figures
    "registrations:register",  # an event's public registration form, and its pages
    "registrations:registered",
    "registrations:cancel",
    "portal:calls",  # the open calls and the start of an application (issue 19)
    "portal:call",
    "portal:call-started",
}

# One call per page: the page's width against the window's; only when the page is too
# wide, the elements that stick out (reading every element's box is a layout pass over
# the whole page, a third of the time a page takes otherwise).
OVERFLOW_JS = """() => {
    const sizes = {page: document.documentElement.scrollWidth, window: window.innerWidth};
    if (sizes.page <= sizes.window) return sizes;
    sizes.widest = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !e.closest('.table-wrap'))
        .slice(-3)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className && typeof e.className === 'string'
                     ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                  + ' ' + Math.round(e.getBoundingClientRect().right));
    return sizes;
}"""


def pages_for(persona: str) -> list[str]:
    return [
        name
        for name, (_, expected) in MATRIX.items()
        if expected[persona] == 200 and name not in NOT_PAGES and not name.startswith("api:")
    ]


def overflowing(page, names, viewport, audited=frozenset()) -> list[str]:
    """The pages among these that are wider than the window, with what sticks out; and
    on the `audited` ones, axe-core's serious and critical findings (tests/e2e/
    accessibility.py: one page load for both checks)."""
    page.set_viewport_size(viewport)
    wide = []
    for name in names:
        url = MATRIX[name][0]()
        response = page.goto(url)
        assert response is not None and response.status == 200, (name, url)
        assert response.headers.get("content-type", "").startswith("text/html"), (name, url)
        sizes = page.evaluate(OVERFLOW_JS)
        if sizes["page"] > sizes["window"]:
            wide.append(
                f"{name} {url}: {sizes['page']} px > {sizes['window']} px {sizes['widest']}"
            )
        if name in audited and (problems := accessibility.check(page)):
            wide.append(f"{name} {url}: accessibility {problems}")
    return wide


#: Every page once on a desktop, with axe-core: as the first persona (in the matrix's
#: order) who may open it, and each persona's home page (accessibility.routes_for). A
#: page is one template for everyone; what differs between personas is which records
#: and buttons they see, and the programme manager, who opens all but a few pages
#: first, sees the most of both. The pages members and applicants open are swept on a
#: phone as well, each as that persona (below).
DESKTOP_SWEEP = {
    persona: sorted(accessibility.routes_for(persona, pages_for))
    for persona in accessibility.PERSONAS
}
#: The sweeps are independent: a parallel run shares them out among its workers
#: (tests/conftest.py, _group). The programme manager's pages in three parts; the few
#: pages the other personas open first, together.
SPREAD = True
PM_PARTS = 3
SWEEPS = [("programme_manager", part) for part in range(PM_PARTS)] + [("others", 0)]
PHONE_PERSONAS = ("member_contact", "applicant")


def _sweep(persona: str, part: int) -> dict[str, list[str]]:
    if persona == "programme_manager":
        return {persona: DESKTOP_SWEEP[persona][part::PM_PARTS]}
    return {p: names for p, names in DESKTOP_SWEEP.items() if p != "programme_manager"}


@pytest.mark.parametrize(("persona", "part"), SWEEPS)
def test_every_page_fits_a_desktop_and_passes_axe(browser, world, persona, part, settings):
    settings.CLUSTERMONITOR_MEMO = True  # as in production: figures kept by their inputs
    wide = []
    for who, names in _sweep(persona, part).items():
        page = new_page(browser, world.url)
        accessibility.prepare(page.context)
        try:
            log_in(page, who)
            wide += overflowing(page, names, DESKTOP, set(names))
        finally:
            page.context.close()
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("persona", PHONE_PERSONAS)
def test_the_pages_members_and_applicants_open_fit_a_phone(page, login, persona, settings):
    settings.CLUSTERMONITOR_MEMO = True
    login(persona)
    names = pages_for(persona)
    assert len(names) >= 8  # the fewest of any persona
    wide = overflowing(page, names, PHONE)
    assert not wide, "\n".join(wide)


def test_the_sweeps_together_open_every_page_of_every_persona():
    swept = {
        name
        for persona, part in SWEEPS
        for names in _sweep(persona, part).values()
        for name in names
    }
    every = {name for persona in accessibility.PERSONAS for name in pages_for(persona)}
    assert swept == every
    assert all("programmes:home" in DESKTOP_SWEEP[p] for p in accessibility.PERSONAS)
    assert len(DESKTOP_SWEEP["programme_manager"]) >= 150


def test_the_check_finds_what_it_looks_for(browser, world):
    """The sweep's checks can fail: a page too wide for the window and a picture without
    a text alternative (axe-core loaded with the page, as the sweep loads it)."""
    page = new_page(browser, world.url)
    accessibility.prepare(page.context)
    try:
        page.route("**/too-wide", lambda route: route.fulfill(
            content_type="text/html",
            body='<html lang="en"><title>t</title><main><img src="data:,">'
            '<div style="width:2000px">wide</div></main></html>',
        ))  # fmt: skip
        page.set_viewport_size(DESKTOP)
        page.goto(world.url + "/too-wide")
        sizes = page.evaluate(OVERFLOW_JS)
        assert sizes["page"] > sizes["window"] and sizes["widest"][-1].startswith("div ")
        assert any(
            problem.startswith("image-alt (critical)") for problem in accessibility.check(page)
        )
    finally:
        page.context.close()


def test_the_pages_members_open_fit_a_phone_and_a_desktop(page):
    names = [name for name in pages_for("anonymous") if name in MEMBER_PAGES]
    assert set(names) == MEMBER_PAGES
    # The public portal's pages as a visitor sees them: axe-core too.
    public = {name for name in names if name.startswith("portal:")} | {"programmes:home"}
    wide = overflowing(page, names, PHONE) + overflowing(page, names, DESKTOP, public)
    assert not wide, "\n".join(wide)


def test_a_wide_table_scrolls_in_its_own_box_with_its_header_and_first_column_in_view(page, login):
    """In a window too narrow for it, the published-versus-computed comparison scrolls
    in its own box: the page stays within the window, and the header row and the first
    column stay in view while the box scrolls."""
    login("programme_manager")
    page.set_viewport_size({"width": 700, "height": 600})
    page.goto(reverse("monitoring:published"))
    box = page.locator(".table-wrap").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth && e.scrollHeight > e.clientHeight")
    assert page.evaluate("document.documentElement.scrollWidth") <= 700
    box.scroll_into_view_if_needed()
    first_header = box.locator("thead th").first
    first_cell = box.locator("tbody tr td").first
    top, left = box.bounding_box()["y"], first_cell.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = 300; e.scrollTop = 200; }")
    assert abs(first_cell.bounding_box()["x"] - left) < 1  # the first column stays put
    assert abs(first_header.bounding_box()["y"] - top) < 2  # the header stays on top
    # and what scrolled did move: the last header went left.
    assert box.locator("thead th").last.evaluate("e => e.getBoundingClientRect().left") < 700


def test_the_menu_opens_by_keyboard_and_without_script(page, login, browser, world):
    login("programme_manager")
    page.set_viewport_size(DESKTOP)
    page.goto(reverse("programmes:portfolio"))
    group = page.locator("header nav.menu details").filter(has_text="Beheer")
    link = group.get_by_role("link", name="Auditlog")
    expect(link).to_be_hidden()
    group.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(link).to_be_visible()
    page.keyboard.press("Tab")  # into the group's first page
    expect(group.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")  # closes the group, back on its heading
    expect(link).to_be_hidden()
    expect(group.locator("summary")).to_be_focused()
    # Another group opening closes the first (one open at a time).
    page.locator("header nav.menu summary", has_text="Programma").click()
    group.locator("summary").click()
    expect(page.locator("header nav.menu details[open]")).to_have_count(1)

    # Without script: the same session's cookies in a context that runs no JavaScript.
    context = browser.new_context(
        base_url=world.url, java_script_enabled=False, storage_state=page.context.storage_state()
    )
    try:
        plain = context.new_page()
        plain.goto(reverse("programmes:portfolio"))
        plain.locator("header nav.menu summary", has_text="Beheer").click()
        plain.locator("header nav.menu").get_by_role("link", name="Auditlog").click()
        assert plain.url.endswith(reverse("core:audit-log"))
    finally:
        context.close()
