"""Accessibility (issue 16): axe-core (bundled by axe-playwright-python, injected by
Playwright) over the pages of every persona: no serious or critical violation of WCAG 2.1
A/AA.

Every GET page of the permission matrix is checked once, as the first persona (in the
matrix's order) who may open it, plus each persona's home page; downloads and htmx
fragments (no page of their own) are left out.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.matrix_routes import MATRIX, PERSONA_ORDER

pytestmark = pytest.mark.e2e

SERIOUS = {"serious", "critical"}
#: WCAG 2.1 A and AA only (axe's best practices are advice, not the standard).
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NOT_PAGES = (
    "xlsx", "csv", "download", "file", "raw", "mail-merge", "pdf", "healthz", "xlsform",
    "attachment", "rejected", "tracking", "set_language", "logout", "lookup",
)  # fmt: skip
PERSONAS = [p for p in PERSONA_ORDER if p != "anonymous"]


def _pages() -> dict[str, list[str]]:
    """persona → the routes checked as that persona."""
    pages = {p: [] for p in PERSONAS}
    for route, (_url, expected) in sorted(MATRIX.items()):
        if route.startswith("api") or any(word in route for word in NOT_PAGES):
            continue
        first = next((p for p in PERSONAS if expected.get(p) == 200), None)
        if first is not None:
            pages[first].append(route)
    return pages


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_serious_accessibility_violations(page, login, persona):
    login(persona)
    axe, found = Axe(), {}
    for route in ["programmes:home", *[r for r in _pages()[persona] if r != "programmes:home"]]:
        url = MATRIX[route][0]()
        page.goto(url)
        problems = _serious(axe.run(page, options=OPTIONS))
        if problems:
            found[f"{route} {url}"] = problems
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
