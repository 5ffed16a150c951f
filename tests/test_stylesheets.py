"""WCAG 2.1 success criterion 1.3.4 Orientation (AA): no page is locked to portrait or
landscape. axe-core's rule for it (css-orientation-lock) is experimental, so the
browser sweep's selection of WCAG rules leaves it out (tests/e2e/accessibility.py); the
pages, the report and the PDFs take their style from the project's own sheets and
`<style>` blocks only, so it is checked here: none of them has an orientation media
query, which is the only way CSS can lock a page's orientation."""

import re
from pathlib import Path

import pytest

import clustermonitor

pytestmark = pytest.mark.any_database

PACKAGE = Path(clustermonitor.__file__).parent
ORIENTATION = re.compile(r"@media[^{]*\borientation\b", re.IGNORECASE)


def _styles() -> dict[Path, str]:
    """Our style sheets and the templates with a `<style>` block, with their text."""
    texts = {
        path: path.read_text("utf-8")
        for pattern in ("*.css", "*.html")
        for path in PACKAGE.rglob(pattern)
    }
    return {
        path: text
        for path, text in sorted(texts.items())
        if path.suffix == ".css" or "<style" in text
    }


def test_no_style_of_ours_locks_the_orientation():
    styles = _styles()
    names = {path.name for path in styles}
    assert {"app.css", "respond.css", "report.css", "invoice_pdf.html"} <= names
    locked = [
        str(path.relative_to(PACKAGE)) for path, text in styles.items() if ORIENTATION.search(text)
    ]
    assert not locked, f"an orientation media query locks a page: {locked}"


def test_the_check_finds_an_orientation_query():
    assert ORIENTATION.search("@media screen and (orientation: portrait) { html { x: y } }")
    assert ORIENTATION.search("@MEDIA (min-width: 40em) AND (Orientation: landscape) {")
    assert not ORIENTATION.search("@media (min-width: 40em) { .orientation { x: y } }")
