"""What a user sees when a request fails: "the system is busy, try again" when the database waited
on a lock and gave up, the 500 page otherwise (docs/decisions/0034).

A write that waits on another's lock longer than the database allows — SQLite's busy timeout
(`DIEUHANH_DB_BUSY_SECONDS`, "database is locked"), PostgreSQL's `lock_timeout` (when set), a
serialization failure or a deadlock — is not a fault of the application: the transaction was
rolled back whole, and the same request a few seconds later succeeds. So it answers 503 with
`Retry-After`, on a page that says so in Vietnamese and keeps what the user typed (a form that
sends the same fields again, with a fresh CSRF token; a file must be chosen again), or, on the
API, the API's JSON error. It is logged as a warning, not mailed to the administrators as an
error.

Caught in two places: `BusyDatabaseMiddleware.process_exception` for an error raised by a view,
and `server_error` (the site's `handler500`) for one raised anywhere else (a session saved after
the view). Neither page touches the database: it may be the one that is busy."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter

log = logging.getLogger("dieuhanh.busy")

# PostgreSQL's SQLSTATEs of a lock not obtained: lock_not_available (lock_timeout, NOWAIT),
# serialization_failure, deadlock_detected.
BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_NOT_RESENT = ("csrfmiddlewaretoken", "password", "mat_khau", "otp", "token")


def retry_after() -> int:
    """Seconds the busy page asks to wait before trying again."""
    return int(getattr(settings, "DIEUHANH_BUSY_RETRY_SECONDS", 5))


def is_busy(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) is the database giving up on a lock."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DatabaseError) or type(exc).__module__.startswith(("sqlite3", "psycopg")):
            state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
            if state in BUSY_SQLSTATES:
                return True
            text = str(exc).lower()
            if any(words in text for words in _SQLITE_BUSY):
                return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The form's fields, to send again as they were (not the CSRF token, which is made anew,
    nor a password)."""
    if request.method != "POST":
        return []
    return [(name, value) for name, values in request.POST.lists() for value in values
            if not any(word in name.lower() for word in _NOT_RESENT)]


def _back(request: HttpRequest) -> str:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return request.get_full_path()


def busy_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """The 503 answer to a request the database was too busy for."""
    log.warning("database busy: %s %s answered 503 (%s)", request.method, request.path,
                str(exc).splitlines()[0] if exc is not None else "")
    wait = retry_after()
    detail = _("Một thao tác khác đang ghi vào cơ sở dữ liệu. Thao tác của bạn chưa được thực hiện, chưa có gì được ghi.")
    message = _("Hệ thống đang bận, xin thử lại sau ít giây.") + " " + detail
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {"__all__": [message]}}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        fields = _kept_fields(request)
        context: dict[str, Any] = {
            "detail": detail, "retry_after": wait, "fields": fields, "resend": request.method == "POST",
            "action": request.get_full_path(), "back": _back(request), "had_files": bool(request.FILES),
            "csrf_token": get_token(request),
        }
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store, private"
    response._has_been_logged = True  # type: ignore[attr-defined] # a warning above, not an error mailed
    return response


class BusyDatabaseMiddleware:
    """A view that failed on a busy database answers the busy page (`busy_response`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request, exception) if is_busy(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's `handler500`: the busy page when the error is a busy database (raised outside a
    view: the session saved after it), the 500 page otherwise. Called while the error is being
    handled, so `sys.exc_info()` names it."""
    exc = sys.exc_info()[1]
    if is_busy(exc):
        return busy_response(request, exc)
    from django.views.defaults import server_error as default

    return default(request)


class PrivateReporterFilter(SafeExceptionReporterFilter):
    """What an error's report (the mail to the administrators) shows of the request: the names of
    the fields a form sent, never their values — a form may carry a citizen's identity number,
    address or petition. (Settings whose names say secret are hidden by Django's own filter.)"""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)
