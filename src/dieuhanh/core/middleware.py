"""Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so an office PC set up
in English would get the English interface nobody asked for. Here the language comes only from
the user's explicit choice (the language cookie set by the switch in the header), and is
Vietnamese otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Nothing a signed-in user is shown, and no API answer, is kept by the browser or a proxy:
    `Cache-Control: no-store, private` on every such response (README, "Deployment checklist").

    One rule rather than a list of "pages with personal data": almost every signed-in page
    names people (petitioners, applicants, officers), and a page forgotten in a list would stay
    in the disk cache of a shared office PC, readable after sign-out with the Back button. The
    cost — a page is fetched again when revisited — is small for a working system. Static files
    never reach this middleware (WhiteNoise answers them before it) and keep their long caching;
    the citizens' public pages (anonymous) are left as they are."""

    VALUE = "no-store, private"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            response["Cache-Control"] = self.VALUE
            # An older cache that ignores Cache-Control must not keep it either.
            response.headers.pop("Expires", None)
        return response
