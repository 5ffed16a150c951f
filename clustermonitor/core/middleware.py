from django.conf import settings
from django.utils import translation


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
