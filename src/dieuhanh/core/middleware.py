"""Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so an office PC set up
in English would get the English interface nobody asked for. Here the language comes only from
the user's explicit choice (the language cookie set by the switch in the header), and is
Vietnamese otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext as _


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


class IdleTimeoutMiddleware:
    """End a signed-in session nobody used for DIEUHANH_IDLE_MINUTES: the next request goes to
    the login page, which says why, and comes back to the page asked for after signing in.

    The time of last use is a timestamp in the session, written at most once a minute rather
    than on every request (SESSION_SAVE_EVERY_REQUEST): each open page polls the server every few
    seconds (the unread count, an import's progress, the IOC's alerts), and a write of the session
    row for each would be most of the database's writes — and would count a page left open as use,
    keeping an abandoned PC signed in forever. Those polls carry the `X-Dieuhanh-Poll` header
    (hx-headers in their templates) and do not extend the session; they are ended like any other
    request. The minute of granularity is the price. API calls with a token have no session and
    are not concerned."""

    KEY = "_dieuhanh_last_seen"
    POLL_HEADER = "X-Dieuhanh-Poll"
    WRITE_EVERY = 60  # seconds

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @classmethod
    def signed_in(cls, sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
        """Signing in is use (user_logged_in): the session is written then anyway, and the first
        page after it need not write it again."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            idle = settings.DIEUHANH_IDLE_MINUTES
            last = request.session.get(self.KEY)
            if isinstance(last, int) and now - last > idle * 60:
                return self._end(request, idle)
            if request.headers.get(self.POLL_HEADER) != "1" and (
                not isinstance(last, int) or now - last >= self.WRITE_EVERY
            ):
                request.session[self.KEY] = now
        return self.get_response(request)

    def _end(self, request: HttpRequest, idle: int) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)  # answered as to anyone signed out: 401, in JSON
        messages.warning(
            request,
            _("Phiên làm việc đã kết thúc vì không sử dụng trong %(minutes)d phút. Xin đăng nhập lại.")
            % {"minutes": idle},
        )
        target = f"{resolve_url(settings.LOGIN_URL)}?next={quote(request.get_full_path())}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target  # the whole page, not the fragment, goes to the login
            return response
        return HttpResponseRedirect(target)


class ContentSecurityPolicyMiddleware:
    """A Content Security Policy on every response that has none of its own: scripts, styles,
    images, fonts and connections from the application only (nothing from a CDN, no inline
    script, no eval), no plugins, no framing, forms posted only here. Inline styles stay allowed
    ('unsafe-inline' in style-src): htmx injects its indicator styles as an inline <style> and
    Swagger UI at /api/docs sets style attributes; a style cannot run code. Images may be data:
    URLs (Swagger UI's icons). A view may send a stricter policy of its own (a petition's
    attachment does)."""

    POLICY = "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
