"""Public pages kept for visitors (core.pagecache.public_page, docs/portal.md "Fast"):
one rendering per address, language and version of the records; publishing shows at
once; never for a logged-in user, never a page that carries a CSRF token or a cookie."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.core.pagecache import public_page
from tests.conftest import CLUSTER_A
from tests.test_portal import PROFILE, _edit, _published, _step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept(settings):
    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    yield
    cache.clear()


PAGES = [
    reverse("portal:front"),
    reverse("portal:directory"),
    reverse("portal:cluster-detail", args=[CLUSTER_A]),
    reverse("portal:sitemap"),
]


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_gets_the_kept_page_in_one_query(web, client_for, url):
    _published(web)
    visitor = client_for("anonymous")
    first = visitor.get(url)
    assert first.status_code == 200 and "X-Kept-Page" not in first
    with CaptureQueriesContext(connection) as queries:
        again = visitor.get(url)
    assert again["X-Kept-Page"] == "1"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert len(queries) <= 1  # the version of the records
    # Another visitor gets the same kept page.
    assert client_for("anonymous").get(url)["X-Kept-Page"] == "1"


def test_publishing_shows_on_the_kept_pages_at_once(web, client_for):
    manager, pm = _published(web)
    visitor = client_for("anonymous")
    url = reverse("portal:cluster-detail", args=[CLUSTER_A])
    visitor.get(url, {"lang": "en"})
    assert visitor.get(url, {"lang": "en"})["X-Kept-Page"] == "1"
    assert _edit(manager, description_en="A second text.").status_code == 302
    # A draft changes nothing public, kept or not.
    assert "A second text." not in visitor.get(url, {"lang": "en"}).content.decode()
    _step(manager, "submit")
    _step(pm, "publish")
    page = visitor.get(url, {"lang": "en"})
    assert "X-Kept-Page" not in page
    assert "A second text." in page.content.decode()
    directory = visitor.get(reverse("portal:directory"), {"lang": "en"}).content.decode()
    assert "A second text." in directory or PROFILE["description_en"] not in directory


def test_kept_per_language_and_host(web, client_for):
    _published(web)
    visitor = client_for("anonymous")
    url = reverse("portal:cluster-detail", args=[CLUSTER_A])
    dutch, english = visitor.get(url, {"lang": "nl"}), visitor.get(url, {"lang": "en"})
    assert dutch["Content-Language"] == "nl" and english["Content-Language"] == "en"
    assert "Eerste beschrijving." in dutch.content.decode()
    assert "First description." in english.content.decode()
    kept = visitor.get(url, {"lang": "en"})
    assert kept["X-Kept-Page"] == "1" and kept["Content-Language"] == "en"
    # The canonical address names the host asked for, not the first visitor's.
    other = visitor.get(url, {"lang": "en"}, HTTP_HOST="localhost")
    assert "X-Kept-Page" not in other
    assert 'href="http://localhost/' in other.content.decode()


def test_the_chosen_language_is_remembered_on_a_kept_page(web, client_for):
    _published(web)
    url = reverse("portal:directory")
    client_for("anonymous").get(url, {"lang": "en"})
    visitor = client_for("anonymous")
    page = visitor.get(url, {"lang": "en"})
    assert page["X-Kept-Page"] == "1"
    assert page.cookies["django_language"].value == "en"
    # The next page, without ?lang=, is in English.
    assert visitor.get(reverse("portal:front"))["Content-Language"] == "en"


def test_a_visitors_page_has_no_csrf_token_and_links_its_languages(web, client_for):
    _published(web)
    page = client_for("anonymous").get(reverse("portal:directory"), {"lang": "nl"})
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in page.cookies
    assert 'hreflang="en" lang="en"' in html


def test_a_logged_in_user_never_gets_a_kept_page(web, client_for):
    _published(web)
    url = reverse("portal:directory")
    client_for("anonymous").get(url)
    user = client_for("cluster_manager_a")
    for _ in range(2):
        page = user.get(url)
        assert "X-Kept-Page" not in page
    assert "csrfmiddlewaretoken" in page.content.decode()  # the logout form


def test_a_page_with_a_csrf_token_or_a_cookie_is_never_kept(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    rendered = []

    def request(path):
        r = rf.get(path)
        r.user = AnonymousUser()
        r.session = SessionStore()
        r._messages = FallbackStorage(r)
        return r

    @public_page
    def with_token(request):
        rendered.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    @public_page
    def with_cookie(request):
        rendered.append(1)
        response = HttpResponse("<p>hello</p>")
        response.set_cookie("seen", "1")
        return response

    @public_page
    def plain(request):
        rendered.append(1)
        return HttpResponse("<p>hello</p>")

    for view, path, renderings in (
        (with_token, "/a", 2),
        (with_cookie, "/b", 2),
        (plain, "/c", 1),
    ):
        rendered.clear()
        view(request(path))
        view(request(path))
        assert len(rendered) == renderings, view.__name__
