"""Whole pages kept per session and version of the records (the heavy analysis pages).

The programme dashboard, a member list or a reach page of a programme with 200 clusters
takes tens of milliseconds to render even when every figure behind it is kept
(core.memo). These pages are read far more often than the records change, so the
rendered page is kept, keyed by:

- the session (the page carries the user's name, menu and CSRF token: never shared
  between sessions, let alone users);
- the path, the query string, the language and whether htmx asked for a fragment;
- the version of the records (`core.memo.data_version`): the last audit entry — every
  write of the application, a change of roles included — and the highest id of the
  tables that bulk loaders fill.

So a page is never older than the last write. The access check runs before the kept
page is served (the decorated view's `check`), pages with a flash message pending are
never kept, and only complete 200 HTML responses to GET are kept (a view sets
`response.keep = False` on a page still waiting for a result of the background worker).
Off in the test environment like core.memo (tests turn it on with
`settings.CLUSTERMONITOR_MEMO`).
"""

import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.utils import translation

from clustermonitor.core import sharedcache
from clustermonitor.core.memo import data_version, enabled

TIMEOUT = 3600
#: The version of the records is the last audit entry (every write of the application)
#: and the highest id of these tables: those bulk loaders fill (demo, generate,
#: imports) and those the programme's figures are computed from.
VERSION_MODELS = (
    "programmes.Programme",
    "programmes.Cluster",
    "programmes.ClusterType",
    "programmes.Call",
    "programmes.KPI",
    "programmes.Target",
    "programmes.ReportedFigure",
    "programmes.PublishedFigure",
    "registry.Organisation",
    "members.Membership",
    "members.Contribution",
    "activities.Activity",
    "activities.Participation",
    "collaborations.Collaboration",
    "collaborations.Collaboration_clusters",
    "collaborations.Party",
    "collaborations.StageChange",
    "surveys.Invitation",
    "surveys.Response",
)


def records_version() -> tuple:
    """One query of index look-ups (core.memo.data_version over VERSION_MODELS); with a
    shared cache, kept for the current generation of the records (core.sharedcache:
    every committed write starts a new one), so no query at all between writes."""
    from django.apps import apps

    return sharedcache.mirrored(
        "records-version",
        lambda: data_version(*(apps.get_model(label) for label in VERSION_MODELS)),
    )


def _key(request) -> str:
    parts = (
        request.session.session_key,
        request.path,
        request.META.get("QUERY_STRING", ""),
        translation.get_language(),
        request.headers.get("HX-Request", ""),
        records_version(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def kept_page(check=None):
    """Keep the decorated view's pages (see the module). `check(request, *args,
    **kwargs)` is the view's access check: it runs on every request, kept page or not."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if (
                not enabled()
                or request.method != "GET"
                or "format" in request.GET
                or not request.user.is_authenticated
                or request.session.session_key is None
                or len(messages.get_messages(request))
            ):
                return view(request, *args, **kwargs)
            key = _key(request)
            # The kept page and the rows its access check reads, in one round trip; the
            # check runs before anything kept is served.
            mirrors = getattr(check, "mirrors", None)
            kept = sharedcache.get_with_mirrors(key, mirrors(*args, **kwargs) if mirrors else ())
            if check is not None:
                check(request, *args, **kwargs)
            if kept is not None:
                content, content_type = kept
                response = HttpResponse(content, content_type=content_type)
                response["X-Kept-Page"] = "1"
                return response
            response = view(request, *args, **kwargs)
            content_type = response.get("Content-Type", "")
            if (
                response.status_code == 200
                and not response.streaming
                and content_type.startswith("text/html")
                and not response.has_header("Content-Disposition")
                and getattr(response, "keep", True)  # False: a part is still coming
            ):
                sharedcache.put(key, (response.content, content_type), TIMEOUT)
            return response

        return wrapped

    return decorate


def public_page(view):
    """Keep the decorated public view's pages for visitors (docs/portal.md, "Fast").

    A visitor's page is the same for every visitor: it is kept per address (scheme, host,
    path and query string), language and version of the records (every publication is
    audited, so publishing starts a new version: a kept page is never older than the
    last write). Logged-in users get the page computed (their header carries their name
    and menu). A page that used a CSRF token, set a cookie or showed a message is
    personal and never kept. `?lang=` sets the language cookie, on a kept page too, so
    the visitor's next pages follow the chosen language."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            not enabled()
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return _remember_language(request, view(request, *args, **kwargs))
        parts = (
            request.scheme,
            request.get_host(),  # the canonical and hreflang addresses are absolute
            request.path,
            sorted(request.GET.lists()),
            page_language(request),
            records_version(),
        )
        key = "public-page:" + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
        kept = sharedcache.get(key)
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Kept-Page"] = "1"
            return _remember_language(request, response)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.has_header("Content-Disposition")
        ):
            headers = [
                (name, response[name])
                for name in ("Content-Type", "Content-Language", "X-Robots-Tag")
                if response.has_header(name)
            ]
            sharedcache.put(key, (response.content, headers), TIMEOUT)
        return _remember_language(request, response)

    return wrapped


def page_language(request) -> str:
    """The language the public page is rendered in: `?lang=`, else the visitor's."""
    language = request.GET.get("lang")
    return language if language in dict(settings.LANGUAGES) else translation.get_language()


def _remember_language(request, response):
    language = request.GET.get("lang")
    if (
        language in dict(settings.LANGUAGES)
        and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
        and response.status_code == 200
    ):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
