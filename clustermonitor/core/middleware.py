from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers


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
