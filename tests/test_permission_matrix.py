"""Every URL and API route × every persona (STYLE lesson 5, pretix's matrix).

Adding a route without an entry here fails `test_it_covers_every_route`. Outsiders get
404 (nothing leaks), someone who may see a thing but not change it gets 403, the
anonymous visitor is sent to the login page (web) or gets 401 (API).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ALL_PERSONAS
from tests.matrix_routes import LOGIN, MATRIX


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


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_it_allows_and_refuses_as_the_matrix_says(route, client_for):
    # One route's records are made once and every persona asks for the same URL: a GET
    # changes nothing, so what one persona is answered cannot depend on another's turn.
    build_url, expected = MATRIX[route]
    url = build_url()
    wrong = {}
    for persona_name in ALL_PERSONAS:
        reason = _answer(client_for(persona_name).get(url), expected[persona_name])
        if reason is not None:
            wrong[persona_name] = reason
    assert not wrong, (url, wrong)


def test_a_wrong_answer_is_named_with_its_persona():
    # The check above must be able to fail, and say for whom.
    class Response(dict):
        status_code = 200

    assert _answer(Response(), 404) == "200, not 404"
    assert _answer(Response(), LOGIN) == "200, not the login page"
    assert _answer(Response(), 200) is None
