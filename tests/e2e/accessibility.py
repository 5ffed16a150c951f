"""Accessibility (issue 16): axe-core (the copy bundled by axe-playwright-python) over the
pages of every persona: no serious or critical violation of WCAG 2.1 A/AA. Run by
tests/e2e/test_layout.py on the pages it opens anyway (one page load for both checks).

Every GET page of the permission matrix is checked once, as the first persona (in the
matrix's order) who may open it, plus each persona's home page; downloads and htmx
fragments (no page of their own) are left out.

axe-core is half a megabyte of script: a sweep adds it to its browser context once
(`prepare`), and the browser runs it with every page it loads; axe is asked for the
violations only (the passing checks' details are most of its answer otherwise), and
does not read the style sheets again (OPTIONS).
"""

from functools import cache
from pathlib import Path

import axe_playwright_python

from tests.matrix_routes import PERSONA_ORDER

SERIOUS = {"serious", "critical"}
#: WCAG 2.1 A and AA only (axe's best practices are advice, not the standard), without
#: reading the page's style sheets again: axe-core's one rule that needs them
#: (css-orientation-lock) is experimental, which a selection by tags leaves out, and
#: fetching and parsing them was about 30 % of each run. Its criterion (WCAG 1.3.4, no
#: orientation lock) is checked on the sheets themselves: tests/test_stylesheets.py.
OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
    "preload": {"assets": ["media"]},
}
PERSONAS = [p for p in PERSONA_ORDER if p != "anonymous"]

RUN = "([context, options]) => axe.run(context || document, options)"


@cache
def _script() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def prepare(context) -> None:
    """Load axe-core into every page of this browser context, before the page's own
    scripts."""
    context.add_init_script(script=_script())


def routes_for(persona: str, pages_for) -> set[str]:
    """The routes checked as `persona`: its home page and, of the pages `pages_for(p)`
    lists for each persona (the HTML pages p may open), those no persona before it in
    the matrix's order may open."""
    earlier = set()
    for other in PERSONAS:
        mine = set(pages_for(other)) - earlier
        if other == persona:
            return {"programmes:home", *mine}
        earlier |= mine
    raise ValueError(persona)


def _serious(response) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in response["violations"]
        if v["impact"] in SERIOUS
    ]


def check(page, context: str | None = None) -> list[str]:
    """The serious and critical violations on the page as it is now (in `context`, a
    CSS selector, if given). axe-core is added to the page first unless the page's
    context has it already (`prepare`)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_script())
    return _serious(page.evaluate(RUN, [context, OPTIONS]))
