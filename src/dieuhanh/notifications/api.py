"""API v1 of notifications: /api/v1/notifications — the caller's own notifications, their unread
count and the read marks. Another person's notification is not found (404), as on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from pydantic import BaseModel, Field

from dieuhanh.core.api_pages import Page, PageQuery, page_of
from dieuhanh.lib.params import DbId
from dieuhanh.notifications import services
from dieuhanh.notifications.models import Notification

router = Router()


class NotificationOut(BaseModel):
    id: int
    rule: str = Field(description="Loại thông báo, ví dụ task.overdue")
    title: str
    body: str
    url: str = Field(description="Đường dẫn (trong hệ thống) đến đối tượng")
    object_type: str
    object_id: int | None
    bundled: int = Field(description="Thông báo tóm tắt: số thông báo cùng loại được gộp vào (0: thông báo đơn lẻ)")
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationQuery(PageQuery):
    unread: bool = Field(False, description="Chỉ thông báo chưa đọc")


class UnreadOut(BaseModel):
    unread: int


class MarkedOut(BaseModel):
    marked: int
    unread: int


def notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk, "rule": n.rule, "title": n.title, "body": n.body, "url": n.url, "object_type": n.object_type,
        "object_id": n.object_id, "bundled": n.bundled, "created_at": n.created_at, "read_at": n.read_at,
    }


@router.get("", response=Page[NotificationOut], summary="Thông báo của tôi (chưa đọc trước, mới nhất trước)")
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]) -> dict[str, Any]:
    rows = services.shown(request.user)  # type: ignore[arg-type]  # authenticated: a User
    if query.unread:
        rows = rows.filter(read_at__isnull=True)
    return page_of(services.newest_unread_first(rows), query, notification_out)


@router.get("/unread-count", response=UnreadOut, summary="Số thông báo chưa đọc")
def unread_count(request: HttpRequest) -> dict[str, Any]:
    return {"unread": services.unread_count(request.user)}  # type: ignore[arg-type]


@router.post("/read-all", response=MarkedOut, summary="Đánh dấu mọi thông báo là đã đọc")
def mark_all_read(request: HttpRequest) -> dict[str, Any]:
    marked = services.mark_read(request.user)  # type: ignore[arg-type]
    return {"marked": marked, "unread": services.unread_count(request.user)}  # type: ignore[arg-type]


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="Đánh dấu một thông báo là đã đọc")
def mark_read(request: HttpRequest, notification_id: DbId) -> dict[str, Any]:
    n = get_object_or_404(services.inbox(request.user), pk=notification_id)  # type: ignore[arg-type]
    services.mark_read(request.user, [n.pk])  # type: ignore[arg-type]
    n.refresh_from_db()
    return notification_out(n)
