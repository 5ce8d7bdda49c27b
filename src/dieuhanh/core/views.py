"""Log-in, log-out and the officer's dashboard.

The dashboard counts only what `Task.objects.visible_to(user)` returns and aggregates in the
database (one grouped query per table), so it costs the same for ten tasks or ten thousand."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.permissions import ASSIGNERS
from dieuhanh.directives.choices import TaskStatus
from dieuhanh.directives.models import ProgressReport, Task
from dieuhanh.org import scope
from dieuhanh.org.choices import Role
from dieuhanh.org.models import AdminUnit

DASHBOARD_ROWS = 15  # overdue / due-soon tasks listed on the dashboard; the rest via "xem tất cả"
STATUS_ORDER = [
    TaskStatus.OVERDUE,
    TaskStatus.DUE_SOON,
    TaskStatus.ON_TRACK,
    TaskStatus.DONE_ON_TIME,
    TaskStatus.DONE_LATE,
    TaskStatus.CANCELLED,
]
FOLLOWERS = (Role.LEADER, Role.OFFICE, Role.ADMIN)  # who sees the "cần lãnh đạo cho ý kiến" list


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Đăng nhập")}


class LogoutView(auth_views.LogoutView):
    pass


def _unit_table(tasks: Any, user: Any) -> list[dict[str, Any]]:
    """Rows of (unit, counts by status, total) for lead units in the user's scope."""
    units = scope.unit_scope(user)
    grouped = tasks.order_by().values("lead_unit_id", "status").annotate(n=Count("id"))
    if units is not scope.ALL:
        grouped = grouped.filter(lead_unit_id__in=units)
    rows: dict[int, dict[str, Any]] = {}
    for item in grouped:
        row = rows.setdefault(item["lead_unit_id"], {"counts": dict.fromkeys(TaskStatus.values, 0), "total": 0})
        row["counts"][item["status"]] = item["n"]
        row["total"] += item["n"]
    names = AdminUnit.objects.in_bulk(list(rows))
    result = []
    for unit_id, row in rows.items():
        unit = names[unit_id]
        result.append(
            {
                "unit": unit,
                "cells": [(status, row["counts"][status]) for status in STATUS_ORDER],
                "total": row["total"],
            }
        )
    # Most overdue first; units abolished by a reform (their history) after today's units.
    result.sort(key=lambda r: (-r["cells"][0][1], r["unit"].valid_to is not None, r["unit"].name))
    return result


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    tasks = Task.objects.visible_to(user).with_status()
    counts = dict(tasks.order_by().values_list("status").annotate(n=Count("id")))
    status_cards = [
        {"value": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in STATUS_ORDER
    ]
    related = ("lead_unit", "lead_person", "accountable_person")
    overdue = tasks.filter(status=TaskStatus.OVERDUE).select_related(*related).order_by("due_date", "id")
    due_soon = tasks.filter(status=TaskStatus.DUE_SOON).select_related(*related).order_by("due_date", "id")
    flagged = None
    if scope.has_role(user, *FOLLOWERS):
        flagged = (
            ProgressReport.objects.filter(
                task__in=Task.objects.visible_to(user), beyond_authority=True, acknowledged_at__isnull=True
            )
            .select_related("task__lead_unit", "task__accountable_person", "reporter__person")
            .order_by("reported_on", "id")[:DASHBOARD_ROWS]
        )
    return render(
        request,
        "core/home.html",
        {
            "title": _("Tổng quan"),
            "status_cards": status_cards,
            "total": sum(counts.values()),
            "unit_rows": _unit_table(tasks, user),
            "status_order": STATUS_ORDER,
            "overdue": overdue[:DASHBOARD_ROWS],
            "overdue_count": counts.get(TaskStatus.OVERDUE.value, 0),
            "due_soon": due_soon[:DASHBOARD_ROWS],
            "due_soon_count": counts.get(TaskStatus.DUE_SOON.value, 0),
            "flagged": flagged,
            "can_assign": scope.has_role(user, *ASSIGNERS),
            "today": timezone.localdate(),
        },
    )
