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
