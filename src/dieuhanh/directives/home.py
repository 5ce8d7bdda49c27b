"""The tasks' panel of the officer's dashboard (`PlatformApp.home_panels`): tasks by status, the
overdue and due-soon ones, the units table and the reports waiting for a leader. It counts only
what `Task.objects.visible_to(user)` returns and aggregates in the database (one grouped query
per table), so it costs the same for ten tasks or ten thousand."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count
from django.utils import timezone

from dieuhanh.core import access
from dieuhanh.directives.choices import STATUS_ORDER, TaskStatus
from dieuhanh.directives.models import ProgressReport, Task
from dieuhanh.org.models import AdminUnit
from dieuhanh.org.rollup import UnitRollup

DASHBOARD_ROWS = 15  # overdue / due-soon tasks listed on the dashboard; the rest via "xem tất cả"


class UnitRow(TypedDict):
    unit: AdminUnit
    param: str  # the task list's filter: "unit" (today's unit and its past) or "lead_unit"
    cells: list[tuple[str, int]]  # (status, count) in STATUS_ORDER
    total: int


def _unit_table(tasks: Any, user: Any) -> tuple[list[UnitRow], bool]:
    """Rows of (unit, counts by status, total) for today's wards and communes, each counting the
    tasks its task list shows (`?unit=`): those led by the unit, its villages, and the units it
    succeeded, so 2021's phường Sao Đỏ counts under today's phường Chu Văn An (`org.rollup`,
    as on the statistics pages and the IOC). Work led by a unit with no commune-level heir today
    (the former city level, the province) keeps a row of its own (`?lead_unit=`).
    The second value says whether a ward split between heirs is counted under each of them."""
    units = access.units(user, "directives", "view")
    grouped = tasks.order_by().values("lead_unit_id", "status").annotate(n=Count("id"))
    if units is not access.ALL:
        grouped = grouped.filter(lead_unit_id__in=units)
    by_lead: dict[int, dict[str, int]] = {}
    for item in grouped:
        by_lead.setdefault(item["lead_unit_id"], {})[item["status"]] = item["n"]
    rollup = UnitRollup()
    rollup.load(by_lead)
    rows: dict[tuple[str, int], dict[str, int]] = {}
    split = False
    for lead_id, counts in by_lead.items():
        shown = rollup.shown(lead_id)
        split |= len(shown) > 1
        keys = [("unit", uid) for uid in shown] or [("lead_unit", lead_id)]
        for key in keys:
            row = rows.setdefault(key, dict.fromkeys(TaskStatus.values, 0))
            for status, n in counts.items():
                row[status] += n
    result: list[UnitRow] = [
        {
            "unit": rollup.unit(uid),
            "param": param,
            "cells": [(status, counts[status]) for status in STATUS_ORDER],
            "total": sum(counts.values()),
        }
        for (param, uid), counts in rows.items()
    ]
    # Today's units first, most overdue first; then the history of units with no heir.
    result.sort(key=lambda r: (r["param"] != "unit", -r["cells"][0][1], r["unit"].name))
    return result, split


def panel(user: Any) -> dict[str, Any]:
    tasks = Task.objects.visible_to(user).with_status()
    counts = dict(tasks.order_by().values_list("status").annotate(n=Count("id")))  # type: ignore[misc]  # `status` is annotated by with_status()
    status_cards = [
        {"value": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in STATUS_ORDER
    ]
    related = ("lead_unit", "lead_person", "accountable_person")
    overdue = tasks.filter(status=TaskStatus.OVERDUE).select_related(*related).order_by("due_date", "id")  # type: ignore[misc]  # `status` is annotated by with_status()
    due_soon = tasks.filter(status=TaskStatus.DUE_SOON).select_related(*related).order_by("due_date", "id")  # type: ignore[misc]  # `status` is annotated by with_status()
    unit_rows, unit_rows_split = _unit_table(tasks, user)
    flagged = None
    if access.holds(user, "directives", "follow"):
        flagged = (
            ProgressReport.objects.filter(
                task__in=Task.objects.visible_to(user), beyond_authority=True, acknowledged_at__isnull=True
            )
            .select_related("task__lead_unit", "task__accountable_person", "reporter__person")
            .order_by("reported_on", "id")[:DASHBOARD_ROWS]
        )
    return {
        "status_cards": status_cards,
        "total": sum(counts.values()),
        "unit_rows": unit_rows,
        "unit_rows_split": unit_rows_split,
        "status_order": STATUS_ORDER,
        "overdue": overdue[:DASHBOARD_ROWS],
        "overdue_count": counts.get(TaskStatus.OVERDUE.value, 0),
        "due_soon": due_soon[:DASHBOARD_ROWS],
        "due_soon_count": counts.get(TaskStatus.DUE_SOON.value, 0),
        "flagged": flagged,
        "can_assign": access.holds(user, "directives", "assign"),
        "today": timezone.localdate(),
    }
