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


CASES = [(name, persona) for name in MATRIX for persona in ALL_PERSONAS]


@pytest.fixture(autouse=True)
def kept_results(settings):
    """Results kept by what they are computed from, as in production (core.memo): the
    matrix asks who may open a page, which is decided on every request, kept page or
    not; the figures behind the pages are computed once per state of the records, not
    once per persona."""
    settings.CLUSTERMONITOR_MEMO = True


@pytest.mark.parametrize(("route", "persona_name"), CASES, ids=[f"{r}-{p}" for r, p in CASES])
def test_it_allows_and_refuses_as_the_matrix_says(route, persona_name, client_for):
    build_url, expected = MATRIX[route]
    url = build_url()
    response = client_for(persona_name).get(url)
    want = expected[persona_name]
    if want == LOGIN:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    else:
        assert response.status_code == want, (url, persona_name, response.status_code)
