"""Every URL and API route × every persona (STYLE lesson 5, pretix's matrix).

Adding a route without an entry here fails `test_it_covers_every_route`. Outsiders get
404 (nothing leaks), someone who may see a thing but not change it gets 403, the
anonymous visitor is sent to the login page (web) or gets 401 (API).

The pages are asked for in the interface's own language, Dutch: on each page a persona
may open, the translation guard's checks run on the same response (tests/
translation_checks.py: every message looked up has a Dutch translation, no raw ISO
timestamp in the visible text), so that every persona's version of every page is checked
once (tests/test_translations.py renders each page in both languages as one persona).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ALL_PERSONAS
from tests.matrix_routes import LOGIN, MATRIX
from tests.translation_checks import TIMESTAMP, Misses, visible_lines


def _route_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _route_names(pattern, full)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_it_covers_every_route():
    routes = set(_route_names())
    missing = routes - set(MATRIX)
    stale = set(MATRIX) - routes
    assert not missing, f"Routes without a permission-matrix entry: {sorted(missing)}"
    assert not stale, f"Matrix entries for routes that no longer exist: {sorted(stale)}"


@pytest.fixture(autouse=True)
def kept_results(settings):
    """Results kept by what they are computed from, as in production (core.memo): the
    matrix asks who may open a page, which is decided on every request, kept page or
    not; the figures behind the pages are computed once per state of the records, not
    once per persona."""
    settings.CLUSTERMONITOR_MEMO = True


def _answer(response, want) -> str | None:
    """Why `response` is not the matrix's `want`, or None when it is."""
    if want == LOGIN:
        if response.status_code != 302:
            return f"{response.status_code}, not the login page"
        if not response["Location"].startswith(reverse("accounts:login")):
            return f"sent to {response['Location']}, not the login page"
        return None
    return None if response.status_code == want else f"{response.status_code}, not {want}"


def _untranslated(response, misses: set[str]) -> list[str]:
    """What the translation guard finds on a page (see the module)."""
    found = [f"no Dutch translation for {message!r}" for message in sorted(misses)]
    if response.get("Content-Type", "").startswith("text/html"):
        found += [
            f"raw timestamp in {line[:120]!r}"
            for line in visible_lines(response.content)
            if TIMESTAMP.search(line)
        ]
    return found


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_it_allows_and_refuses_as_the_matrix_says(route, client_for, monkeypatch):
    # One route's records are made once and every persona asks for the same URL: a GET
    # changes nothing, so what one persona is answered cannot depend on another's turn.
    build_url, expected = MATRIX[route]
    url = build_url()
    misses = Misses(monkeypatch)
    wrong, untranslated = {}, {}
    for persona_name in ALL_PERSONAS:
        misses.take()  # what building the URL or another persona's page looked up
        response = client_for(persona_name).get(url)
        reason = _answer(response, expected[persona_name])
        if reason is not None:
            wrong[persona_name] = reason
        elif response.status_code == 200 and (found := _untranslated(response, misses.take())):
            untranslated[persona_name] = found
    assert not wrong, (url, wrong)
    assert not untranslated, (url, untranslated)


def test_an_untranslated_message_and_a_raw_timestamp_are_found(client_for, monkeypatch):
    # The translation guard above must be able to fail: a message the catalogue lacks,
    # looked up while a page is made, and an ISO timestamp in the page's text.
    from django.http import HttpResponse
    from django.utils import translation

    misses = Misses(monkeypatch)
    with translation.override("nl"):
        assert translation.gettext("Members") == "Leden"  # held: not recorded
        translation.gettext("A message nobody translated")
    page = HttpResponse("<p>Bijgewerkt 2026-12-06T10:00</p>", content_type="text/html")
    assert _untranslated(page, misses.take()) == [
        "no Dutch translation for 'A message nobody translated'",
        "raw timestamp in 'Bijgewerkt 2026-12-06T10:00'",
    ]


def test_a_wrong_answer_is_named_with_its_persona():
    # The check above must be able to fail, and say for whom.
    class Response(dict):
        status_code = 200

    assert _answer(Response(), 404) == "200, not 404"
    assert _answer(Response(), LOGIN) == "200, not the login page"
    assert _answer(Response(), 200) is None
