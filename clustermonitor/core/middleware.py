import logging

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

log = logging.getLogger(__name__)


class LanguageMiddleware:
    """Activate the visitor's chosen language, else Dutch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which
    would show most agency staff an English interface; the product is Dutch first
    and English on request (the language switch sets the cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "geolocation": ["self"]} → 'camera=(), geolocation=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set (issue 13, hardening).

    - ``Permissions-Policy`` on every response, static files included (this middleware
      sits before WhiteNoise): the browser features of settings.PERMISSIONS_POLICY are
      denied unless allowed there. A view that needs a feature sets its own header.
    - ``Cache-Control: no-store`` (Django's never-cache headers) on every response to a
      signed-in user: pages and downloads with records must not stay in the browser's or a
      proxy's cache. Static files and anonymous pages keep their caching; the server-side
      kept pages (core.pagecache) are not affected, they keep the content only.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
        ):
            add_never_cache_headers(response)
        return response


#: Seconds a client is asked to wait before trying again when the database is busy.
BUSY_RETRY_AFTER = 5
_BUSY = ("database is locked", "database table is locked", "database is busy")


def database_busy(error: BaseException | None) -> bool:
    """Whether `error` is SQLite refusing a write because another connection held the
    write lock past the busy timeout (SQLITE_BUSY_TIMEOUT): a moment later it works."""
    from django.db import OperationalError

    return isinstance(error, OperationalError) and any(m in str(error).lower() for m in _BUSY)


#: The API's answer while the database is busy (its clients read JSON, not a page).
BUSY_DETAIL = "Database busy, try again in a moment / Databank bezet, probeer zo opnieuw"


def busy_response(request=None) -> HttpResponse:
    """503 with Retry-After: for the API a JSON body (``{"detail": …}``, as its other
    errors), otherwise a short page in Dutch and English. Rendered without the request's
    context (no user, no menu): those would ask the busy database again."""
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    if request is not None and request.path.startswith("/api/"):
        response = JsonResponse({"detail": BUSY_DETAIL}, status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": BUSY_RETRY_AFTER}), status=503
        )
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseBusyMiddleware:
    """A view that found the database locked (SQLite, after the busy timeout) answers
    503 with Retry-After instead of 500: nothing was written (the transaction rolled
    back), and the same request succeeds a moment later. `server_error` below does the
    same for a lock met outside the view (a middleware saving the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_busy(exception):
            log.warning("database busy, 503 for %s %s: %s", request.method, request.path, exception)
            return busy_response(request)
        return None


def server_error(request):
    """handler500: 503 for a database still locked after the busy timeout, else
    Django's 500 page. Called while the exception is being handled (sys.exc_info)."""
    import sys

    from django.views import defaults

    if database_busy(sys.exc_info()[1]):
        return busy_response(request)
    return defaults.server_error(request)
