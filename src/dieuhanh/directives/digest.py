"""The tasks' figures of the daily digest (notifications/digest.py): overdue tasks, tasks due by
the end of this week, and reports beyond a unit's authority awaiting a leader's answer, each
counted through `Task.objects.visible_to(user)` and the task list's filter, so the figure is what
its link lists to that person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import ngettext

from dieuhanh.core import access
from dieuhanh.directives.choices import TaskStatus
from dieuhanh.directives.filters import OPEN, TaskFilter
from dieuhanh.directives.models import ProgressReport, Task
from dieuhanh.notifications.digest import Figure, list_url


def awaiting_answer(tasks: Any) -> Any:
    """Reports beyond the unit's authority on `tasks` that no leader has answered yet."""
    return ProgressReport.objects.filter(
        task__in=tasks, beyond_authority=True, acknowledged_at__isnull=True, leader_response=""
    )


def figures(user: Any, day: dt.date) -> list[Figure]:
    if not access.holds(user, "directives", "view"):
        return []
    tasks = Task.objects.visible_to(user)
    overdue = TaskFilter(status=TaskStatus.OVERDUE.value)
    this_week = TaskFilter(status=OPEN, due_from=day, due_to=day + dt.timedelta(days=6 - day.weekday()))
    n_overdue = overdue.apply(tasks).count()
    n_week = this_week.apply(tasks).count()
    out = [
        Figure(n_overdue, ngettext("%(n)s nhiệm vụ quá hạn", "%(n)s nhiệm vụ quá hạn", n_overdue) % {"n": n_overdue},
               list_url("directives:task_list", overdue)),
        Figure(n_week, ngettext("%(n)s nhiệm vụ đến hạn trong tuần", "%(n)s nhiệm vụ đến hạn trong tuần", n_week)
               % {"n": n_week}, list_url("directives:task_list", this_week)),
    ]
    if access.holds(user, "directives", "follow"):
        n_flagged = awaiting_answer(tasks).count()
        out.append(Figure(
            n_flagged, ngettext("%(n)s báo cáo chờ ý kiến", "%(n)s báo cáo chờ ý kiến", n_flagged) % {"n": n_flagged},
            list_url("directives:task_list", TaskFilter(flagged=True)),
        ))
    return out
