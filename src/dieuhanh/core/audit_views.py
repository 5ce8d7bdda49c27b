"""The audit log page (/nhat-ky/): administrators and inspectors read every change, newest first,
filtered by action, kind of object, object and actor.

Audit events never carry a petitioner's identity (services snapshot `Petition.AUDIT_FIELDS`, and
a reveal records who looked, when and why — not what they saw), so this page shows the events
as stored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dieuhanh.core import access, audit
from dieuhanh.core.forms import FilterForm, choice_field
from dieuhanh.core.models import AuditEvent

PAGE_SIZE = 50
FOLD_AFTER = 5  # changes listed before "xem thêm"


def _type_label(object_type: str) -> str:
    """A kind of object as its model names itself ("đơn" → "Đơn"); the label itself for a model
    no longer installed."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def _object_types() -> list[tuple[str, str]]:
    """The kinds of object the log holds events of, for the filter."""
    found = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, _type_label(t)) for t in found), key=lambda item: item[1])


class AuditFilterForm(FilterForm):
    """The log's filter bar (rendering only: `audit_log` reads the parameters itself)."""

    action = forms.ChoiceField(label="Thao tác", required=False, widget=forms.Select(attrs={"id": "f-action"}))
    object_type = forms.ChoiceField(label="Đối tượng", required=False, widget=forms.Select(attrs={"id": "f-type"}))
    object_id = forms.CharField(label="Mã đối tượng", required=False,
                                widget=forms.TextInput(attrs={"id": "f-id", "inputmode": "numeric"}))
    actor = forms.CharField(label="Người thực hiện", required=False,
                            widget=forms.TextInput(attrs={"id": "f-actor", "placeholder": "tên đăng nhập"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "action").choices = [("", "Tất cả"), *audit.verb_choices()]
        choice_field(self, "object_type").choices = [("", "Tất cả"), *_object_types()]


def _changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for the fields an event changed, or every field it recorded when
    there is no "before"."""
    before = audit.shown(event.object_type, event.before)
    after = audit.shown(event.object_type, event.after)
    keys = list(after) + [k for k in before if k not in after]
    rows = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if before and old == new:
            continue
        if not before and new in (None, "", False, 0, []):
            continue  # a creation: only the values it set
        rows.append((key, old, new))
    return rows


@access.requires("core", "audit", "Chỉ quản trị hệ thống và cán bộ kiểm tra, thanh tra được xem nhật ký thay đổi.")
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-seq")
    action = request.GET.get("action", "")
    object_type = request.GET.get("object_type", "")
    object_id = request.GET.get("object_id", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        events = events.filter(actor_name__iexact=actor)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for e in page.object_list:
        changes = _changes(e)
        rows.append({"e": e, "label": audit.verb_label(e.action, e.object_type), "changes": changes,
                     "folded": FOLD_AFTER, "more": max(0, len(changes) - FOLD_AFTER),
                     "type_label": _type_label(e.object_type)})
    return render(request, "core/audit_log.html", {
        "title": "Nhật ký thay đổi",
        "page": page,
        "rows": rows,
        "filter_form": AuditFilterForm(request.GET),
    })
