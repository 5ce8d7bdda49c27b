"""The audit log page (/nhat-ky/): administrators and inspectors read every change, newest first,
filtered by action, kind of object, object and actor.

Audit events never carry a petitioner's identity (services snapshot `Petition.AUDIT_FIELDS`, and
a reveal records who looked, when and why — not what they saw), so this page shows the events
as stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dieuhanh.core import audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.core.models import AuditEvent
from dieuhanh.org import scope
from dieuhanh.org.choices import Role

READERS = (Role.ADMIN, Role.INSPECTOR)
PAGE_SIZE = 50
FOLD_AFTER = 5  # changes listed before "xem thêm"
OBJECT_TYPES = {
    "petitions.petition": "Đơn",
    "petitions.receptionsession": "Buổi tiếp công dân",
    "directives.task": "Nhiệm vụ",
    "directives.document": "Văn bản",
    "directives.meeting": "Cuộc họp",
    "directives.progressreport": "Báo cáo tiến độ",
    "org.user": "Tài khoản",
    "org.rolegrant": "Phân quyền",
}


def _label(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action


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


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not scope.has_role(request.user, *READERS):
        raise PermissionDenied("Chỉ quản trị hệ thống và cán bộ kiểm tra, thanh tra được xem nhật ký thay đổi.")
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
        rows.append({"e": e, "label": _label(e.action), "changes": changes, "folded": FOLD_AFTER,
                     "more": max(0, len(changes) - FOLD_AFTER),
                     "type_label": OBJECT_TYPES.get(e.object_type, e.object_type)})
    return render(request, "core/audit_log.html", {
        "title": "Nhật ký thay đổi",
        "page": page,
        "rows": rows,
        "actions": AuditAction.choices,
        "object_types": OBJECT_TYPES.items(),
        "current": {"action": action, "object_type": object_type, "object_id": object_id, "actor": actor},
    })
