"""API v1 (django-ninja). OpenAPI documentation at /api/docs (for signed-in users; the schema
itself at /api/openapi.json, for a signed-in user or a token).

Authentication: `Authorization: Bearer <token>` (token from `dieuhanh token create USERNAME`),
or the browser session. Errors are JSON in one shape, `{"detail": ..., "errors": {field: [...]}}`
(schema `ErrorOut`, documented on every operation): 400 a body that is not JSON, 401
unauthenticated, 429 too many wrong tokens from the caller's address (with Retry-After), 403 not
allowed, 404 not found or not visible to the caller, 409 an action the case's current state does
not allow (or one already used up), 422 invalid input with `errors` keyed by field name and
Vietnamese messages (a number out of what the database holds, or written with other than the
digits 0–9, is such an input: see lib/params.py), 500 an unexpected error with
`errors: {"__all__": [...]}` (logged with its traceback), 503 the database too busy to wait for
(with Retry-After; core/errors.py)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation
from ninja.params.models import BodyModel
from ninja.security import HttpBearer, django_auth
from pydantic import BaseModel, Field

from dieuhanh.core.cases import StateConflict
from dieuhanh.core.tokens import user_for_token

log = logging.getLogger(__name__)


class TooManyTokenFailures(Exception):
    """The caller's address sent too many wrong tokens: 429 until `retry_after` seconds pass."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. Wrong tokens are counted per client address (a guessed or
    leaked list tried against the API): past DIEUHANH_API_TOKEN_FAILURES within
    DIEUHANH_API_TOKEN_MINUTES, the address gets 429 with Retry-After, right tokens included,
    until the window's end (core/ratelimit.py)."""

    FAILED = "api-token-failed"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.conf import settings

        from dieuhanh.core import ratelimit

        address = ratelimit.client_address(request)
        wait = ratelimit.held_back(self.FAILED, address, limit=settings.DIEUHANH_API_TOKEN_FAILURES)
        if wait:
            raise TooManyTokenFailures(wait)
        user = user_for_token(token)
        if user is not None:
            request.user = user
        else:
            ratelimit.over_limit(self.FAILED, address, limit=settings.DIEUHANH_API_TOKEN_FAILURES,
                                 window=settings.DIEUHANH_API_TOKEN_MINUTES * 60)
        return user


def signed_in_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The documentation page and the schema, for the people who may use the API: a signed-in
    user (browser session) or a caller with a valid token. Anyone else is sent to the login page
    from /api/docs, and answered the API's JSON 401 at /api/openapi.json (a program reads it); a
    wrong token counts against its address as it does on every endpoint (429 past the limit)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            try:
                bearer = BearerToken()(request)
            except TooManyTokenFailures as exc:
                return on_too_many_token_failures(request, exc)
            if bearer is None:
                if request.path.endswith("/docs"):
                    return redirect_to_login(request.get_full_path())
                return on_unauthenticated(request, AuthenticationError())
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Điều Hành API",
    version="1",
    description=__doc__ or "",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=signed_in_only,
    urls_namespace="api",
)


class ErrorOut(BaseModel):
    """Every error the API answers, whatever its status."""

    detail: str = Field(description="Lý do, một câu tiếng Việt")
    errors: dict[str, list[str]] | None = Field(
        None, description="Lỗi theo từng trường (tên trường → các thông báo); `__all__`: lỗi chung"
    )


_FIELD_WORDS = {
    "missing": "Thiếu trường bắt buộc.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_from_datetime_inexact": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "int_parsing_size": "Số quá lớn.",
    "string_type": "Phải là chuỗi ký tự.",
    "greater_than_equal": "Giá trị quá nhỏ (tối thiểu {ge}).",
    "less_than_equal": "Giá trị quá lớn (tối đa {le}).",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "float_parsing": "Phải là số.",
    "float_type": "Phải là số.",
    "finite_number": "Phải là số hữu hạn.",
    "list_type": "Phải là danh sách.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "string_too_short": "Phải có ít nhất {min_length} ký tự.",
    "enum": "Giá trị không hợp lệ (chọn một trong: {expected}).",
    "literal_error": "Giá trị không hợp lệ (chọn một trong: {expected}).",
    "datetime_parsing": "Thời điểm không hợp lệ (dạng YYYY-MM-DDTHH:MM).",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ (dạng YYYY-MM-DDTHH:MM).",
}


class _Context(dict[str, Any]):
    """A validation error's context for its message: a value pydantic did not give reads "…"."""

    def __missing__(self, key: str) -> str:
        return "…"


def error_response(request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        field = ".".join(loc) or "body"
        words = _FIELD_WORDS.get(err.get("type", ""))
        message = words.format_map(_Context(err.get("ctx") or {})) if words else str(err.get("msg", "Không hợp lệ."))
        errors.setdefault(field, []).append(message)
    return error_response(request, 422, "Dữ liệu không hợp lệ: " + ", ".join(errors), errors)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
    summary = " ".join(m for msgs in errors.values() for m in msgs)
    return error_response(request, 422, summary, errors)


@api.exception_handler(StateConflict)
def on_state_conflict(request: HttpRequest, exc: StateConflict) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"state": exc.messages}
    return error_response(request, 409, " ".join(m for msgs in errors.values() for m in msgs), errors)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(exc) or "Bạn không có quyền thực hiện thao tác này.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "Không tìm thấy hoặc bạn không có quyền xem.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "Chưa xác thực: gửi tiêu đề Authorization: Bearer <mã API>.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(TooManyTokenFailures)
def on_too_many_token_failures(request: HttpRequest, exc: TooManyTokenFailures) -> HttpResponse:
    minutes = max(1, (exc.retry_after + 59) // 60)
    response = error_response(
        request, 429, f"Quá nhiều mã API sai từ địa chỉ này: thử lại sau {minutes} phút.")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals, in the shared shape and in Vietnamese: the one it raises by itself is
    a request body it cannot read (not JSON, or not UTF-8), answered 400 naming the body."""
    if exc.status_code == 400:
        message = "Nội dung gửi lên không đọc được: phải là JSON hợp lệ, mã hoá UTF-8."
        return error_response(request, 400, message, {"body": [message]})
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, or a database refusing a value nobody checked: the caller still gets JSON in the
    same shape as every other error (a client parses one shape), and the traceback goes to the
    log, as Django's own handler would have written it."""
    from dieuhanh.core.errors import busy_response, is_busy

    if is_busy(exc):  # a lock not obtained in time: 503 and Retry-After, the same JSON shape
        return busy_response(request, exc)
    log.error("Lỗi không lường trước ở API: %s %s", request.method, request.get_full_path(), exc_info=exc)
    return error_response(request, 500, "Lỗi hệ thống.", {
        "__all__": ["Lỗi hệ thống: yêu cầu chưa được xử lý. Lỗi đã được ghi lại; vui lòng thử lại sau hoặc báo quản trị hệ thống."]
    })


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under /api/ that no endpoint serves (an id written with other digits than 0–9
    included): the API's JSON 404, not the site's HTML page — for a POST with a session cookie
    too, which without the exemption would meet Django's CSRF page (in HTML) first; answering 404
    changes nothing, and the API's own endpoints check CSRF for the session themselves."""
    return error_response(request, 404, "Không tìm thấy hoặc bạn không có quyền xem.")


def _register_routers() -> None:
    """Each platform app's routers (`PlatformApp.api`), in the settings' order."""
    from django.utils.module_loading import import_string

    from dieuhanh.core.platform import platform_apps

    for app in platform_apps():
        for r in app.api:
            api.add_router(r.prefix, import_string(r.router), tags=[r.tag])


_register_routers()


def _error_statuses(op: Operation) -> set[int]:
    """The errors an operation can answer, from its shape (see the module docstring): every
    operation needs a caller (401, and 429 for an address past its wrong tokens) who may use it
    (403), and can fail (500) or find the database too busy (503, core/errors.py); one with any
    input (path, query or body) can name an object that is missing or hidden from the caller
    (404) and can refuse the input (422), and one with a body can receive one that is not JSON
    (400); a write can find its object in a state that does not allow it (409)."""
    statuses = {401, 403, 429, 500, 503}
    if op.models:
        statuses |= {404, 422}
    if any(issubclass(m, BodyModel) for m in op.models):
        statuses.add(400)
    if set(op.methods) - {"GET", "HEAD", "OPTIONS"}:
        statuses.add(409)
    return statuses


def operations() -> list[tuple[str, Operation]]:
    """Every operation of the API with its path (below /api), routers in the order added."""
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            found += [(prefix + path, op) for op in path_view.operations]
    return found


def _document_errors() -> None:
    """Each operation's error answers in its OpenAPI description, once for the whole API, as
    `ErrorOut` (what `error_response` sends). An operation's own declaration of a status wins.
    (Every operation then declares several statuses, so a view answering other than 200 says
    which with `Status(code, body)`.)"""
    for _path, op in operations():
        for status in sorted(_error_statuses(op)):
            op.response_models.setdefault(status, op._create_response_model(ErrorOut))


_document_errors()


def schema_name_clashes(ops: list[Operation] | None = None) -> dict[str, list[str]]:
    """The schema names (OpenAPI component names) that more than one Python class would take.

    Ninja names a component after its class (`__name__`) and keeps the last one it meets, so two
    apps each with their own `StatsOut` would both be described by one of them, and a client
    generated from the schema would read one app's answers with the other's fields. Walks every
    model (and enumeration) reachable from the operations' inputs and answers; ninja's own
    wrappers (the query, path and body holders) are not components and are skipped. `ops`:
    those operations instead of the API's."""
    import enum
    import typing

    seen: set[type] = set()
    names: dict[str, set[type]] = {}

    def walk(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel | enum.Enum):
            if tp in seen:
                return
            seen.add(tp)
            if not tp.__module__.startswith(("ninja.", "abc")):
                names.setdefault(tp.__name__, set()).add(tp)
            if issubclass(tp, BaseModel):
                for f in tp.model_fields.values():
                    walk(f.annotation)
            return
        for arg in typing.get_args(tp):
            walk(arg)

    for op in ops if ops is not None else [op for _path, op in operations()]:
        for model in [*op.response_models.values(), *op.models]:
            walk(model)
    return {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in names.items() if len(classes) > 1
    }


def _json_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Ninja answers a method a path does not serve with a plain-text 405; ours is JSON in the
    shared shape, with the same Allow header."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(request, 405, f"Phương thức {request.method} không dùng được ở đây (dùng: {allowed}).")
            response["Allow"] = allowed
        return response

    return wrapped


def urls() -> tuple[list[URLPattern], str, str]:
    """`api.urls` with every route's 405 in JSON (`_json_not_allowed`)."""
    patterns, app_name, namespace = api.urls
    wrapped = []
    for p in patterns:
        assert isinstance(p, URLPattern), p  # Ninja lists its routes flat, without include()
        wrapped.append(URLPattern(p.pattern, _json_not_allowed(p.callback), p.default_args, p.name))
    return wrapped, app_name, namespace
