"""The web side of the case workflow (`core.cases`): the action panels and the history lines of a
case's page, and one view that takes any action of a case type.

The view answers the same way for every case type:
- a case outside the user's scope is a 404 (the app's `lookup` raises it);
- an action the user's roles do not allow is a 403;
- an action not open in the current state (or already used up) re-renders the page with the
  reason above the panels, status 409;
- input the form or the service refuses re-renders the page with the panel open and each
  message on its field (those naming no field of the form above it), status 200;
- success redirects to the case (or to what the action made) with the action's message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dieuhanh.core.cases import CaseAction, CaseType, StateConflict
from dieuhanh.core.forms import apply_errors


@dataclass
class HistoryEntry:
    """A line of a case's history on its page (core/_history.html): when (a day or a time), what
    happened and who did it, the change of state it made, the note, labelled `details` (a
    document's number, a legal basis) and a last, muted line."""

    when: dt.date | dt.datetime
    what: str
    who: str
    change: str = ""
    note: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    last: str = ""


class Render(Protocol):
    def __call__(
        self, request: HttpRequest, case: Any, /, *, bound: Any = None, loose: list[str] | None = None,
        page_errors: list[str] | None = None, status: int = 200,
    ) -> HttpResponse: ...


def url_name(case_type: CaseType, action: CaseAction, *, namespaced: bool = False) -> str:
    name = f"{case_type.url_name or case_type.name}_{action.url_slug}"
    return f"{case_type.url_namespace}:{name}" if namespaced and case_type.url_namespace else name


def action_url(case_type: CaseType, case: Any, action: CaseAction) -> str:
    """The web route of `action` on `case`."""
    return reverse(url_name(case_type, action, namespaced=True), kwargs={case_type.url_key: getattr(case, case_type.url_key)})


def action_urls(
    case_type: CaseType, prefix: str, converter: str, view: Callable[..., HttpResponse]
) -> list[URLPattern]:
    """One route per action, `<prefix><key>/<slug>/`, named `<url_name>_<slug>`."""
    return [
        path(f"{prefix}<{converter}:{case_type.url_key}>/{a.url_slug}/", view, {"action": a.url_slug}, name=url_name(case_type, a))
        for a in case_type.actions
    ]


def panels(
    request: HttpRequest, case_type: CaseType, case: Any, *, bound: Any = None, loose: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The panels of the actions the user may take now, plus the one whose form is `bound`
    (shown open, with its errors, even if it is no longer offered)."""
    allowed = set(case_type.allowed_actions(request.user, case))
    out = []
    for a in case_type.actions:
        is_bound = bound is not None and bound.prefix == a.url_slug
        if not is_bound and a.name not in allowed:
            continue
        form = bound if is_bound else a.form_class(prefix=a.url_slug, case=case, user=request.user)
        out.append({
            "name": a.name, "slug": a.url_slug, "title": a.title, "button": a.button, "danger": a.danger,
            "form": form, "open": is_bound, "loose": (loose or []) if is_bound else [],
            "url": action_url(case_type, case, a),
        })
    return out


def action_view(
    case_type: CaseType, *, lookup: Callable[[HttpRequest, Any], Any], render: Render,
    done: Callable[[HttpRequest, Any, CaseAction, Any], HttpResponse],
) -> Callable[..., HttpResponse]:
    """The view that takes any action of `case_type`. `lookup(request, key)` returns the case
    the user may see or raises Http404; `render` draws the case's page; `done(request, case,
    action, result)` answers a success (a message and a redirect)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, action: str, **kwargs: Any) -> HttpResponse:
        key = kwargs[case_type.url_key]
        case = lookup(request, key)
        a = case_type.by_slug.get(action)
        if a is None:
            raise Http404(gettext("Không có thao tác này."))
        refusal = case_type.refusal(request.user, case, a)
        if isinstance(refusal, PermissionDenied):
            raise refusal
        if refusal is not None:
            return render(request, case, page_errors=refusal.messages, status=409)
        form = a.form_class(request.POST, prefix=a.url_slug, case=case, user=request.user)
        loose: list[str] = []
        if form.is_valid():
            try:
                result = case_type.run(a, actor=request.user, case=case, **form.kwargs())
            except StateConflict as exc:  # the state moved since the page was read
                return render(request, lookup(request, key), page_errors=exc.messages, status=409)
            except ValidationError as exc:
                loose = apply_errors(form, exc, a.error_keys)
            else:
                return done(request, case, a, result)
        return render(request, lookup(request, key), bound=form, loose=loose)

    return view


def success(request: HttpRequest, action: CaseAction, to: str, **values: Any) -> HttpResponse:
    """The action's success message (in the reader's language, formatted with `values`) and a
    redirect to `to`."""
    text = gettext(str(action.success)) if action.success else ""  # gettext("") is the catalogue's header
    messages.success(request, text.format(**values))
    return redirect(to)


__all__ = ["action_url", "action_urls", "action_view", "panels", "success", "url_name"]

