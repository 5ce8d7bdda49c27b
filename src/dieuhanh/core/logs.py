"""Structured logs: one JSON object per line, and a request id that ties a request's lines together
(docs/decisions/0034).

Every record the processes log (web server, worker, commands) is written by `JsonFormatter` as
one line: `time` (UTC, ISO 8601), `level`, `logger`, `message`, and, when known, `request_id`,
`user_id`, `method`, `path`, `status`, `duration_ms`, and `exc` (the traceback) for an error. A
log collector (journald, Loki, Elasticsearch...) reads them without a pattern; a person reads
them with `jq`. `DIEUHANH_LOG_FORMAT=text` writes plain lines instead (a developer's terminal).

`RequestIdMiddleware` takes the request's `X-Request-ID` (set by a reverse proxy that made one)
or makes one, answers it in the response's `X-Request-ID`, keeps it with the user's id for every
line logged while the request runs, and logs one line per request (`dieuhanh.request`, INFO)
with its status and duration. A user who reports an error can give the id shown on the error
page's response; the administrator finds every line of that request with it."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from dieuhanh.core import framestack, requestmemo

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("dieuhanh_request", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
request_log = logging.getLogger("dieuhanh.request")

# The attributes every LogRecord has: anything else on a record was passed as `extra` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")


def current() -> dict[str, Any]:
    """What is known of the request being served in this thread (empty outside a request)."""
    return dict(_context.get() or {})


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: v for k, v in current().items() if v is not None})
        request = getattr(record, "request", None)  # Django's own error records carry the request
        if isinstance(request, HttpRequest):
            out.setdefault("method", request.method)
            out.setdefault("path", request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            out["status"] = status
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in ("request", "status_code") and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class ContextFilter(logging.Filter):
    """For plain text lines: puts the request id on the record (`%(request_id)s`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current().get("request_id", "-")
        return True


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:  # the session could not be read: the line is still written
        return None


class RequestIdMiddleware:
    """See the module's docstring. First of the middleware, so its line covers the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("x-request-id", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        state: dict[str, Any] = {"request_id": request_id, "method": request.method, "path": request.path}
        token = _context.set(state)
        kept = requestmemo.begin(request.method)  # here, not a middleware of its own: no deeper stack
        started = time.monotonic()
        try:
            # below a frame that keeps room for the whole request's frames (core/framestack.py)
            response = framestack.run(self.get_response, request)
            state["user_id"] = _user_id(request)
            response["X-Request-ID"] = request_id
            request_log.info("%s %s %s", request.method, request.path, response.status_code,
                             extra={"status": response.status_code,
                                    "duration_ms": round((time.monotonic() - started) * 1000, 1)})
            return response
        finally:
            requestmemo.end(kept)
            _context.reset(token)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        """The user is known once the authentication middleware ran: lines logged by the view name them."""
        state = _context.get()
        if state is not None:
            state["user_id"] = _user_id(request)
