"""Template tags of the "5 rõ" tasks: the colour and words of a task's derived status, the days
late or left. `{% load tasks %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from dieuhanh.directives.choices import TaskStatus

register = template.Library()

# CSS modifier of each derived status (see static/dieuhanh/app.css, ".badge--…").
STATUS_CSS = {
    TaskStatus.ON_TRACK.value: "on-track",
    TaskStatus.DUE_SOON.value: "due-soon",
    TaskStatus.OVERDUE.value: "overdue",
    TaskStatus.DONE_ON_TIME.value: "done-on-time",
    TaskStatus.DONE_LATE.value: "done-late",
    TaskStatus.CANCELLED.value: "cancelled",
}


@register.filter
def status_css(value: Any) -> str:
    return STATUS_CSS.get(str(value), "on-track")


@register.simple_tag
def status_badge(task: Any) -> str:
    """The coloured badge of a task's derived status (annotated `status` or computed)."""
    value = task.status_value
    return format_html(
        '<span class="badge badge--{}">{}</span>', STATUS_CSS.get(value, "on-track"), str(TaskStatus(value).label)
    )


@register.simple_tag
def progress_bar(task: Any) -> str:
    """A task's progress bar, coloured by its derived status (the lists put one on every row:
    a tag, not an included template, whose per-row cost is many times this one's)."""
    percent = task.progress_percent
    return format_html(
        '<div class="progress progress--{}" role="progressbar" aria-valuenow="{}" aria-valuemin="0"'
        ' aria-valuemax="100" aria-label="{}%">\n'
        '  <span class="progress__track"><span class="progress__bar" style="width: {}%"></span></span>\n'
        '  <span class="progress__text">{}%</span>\n'
        "</div>\n",
        task.status_value or TaskStatus.ON_TRACK.value, percent, percent, percent, percent,
    )


@register.simple_tag
def status_label(value: str) -> str:
    return str(TaskStatus(value).label)


@register.filter
def days_late_text(task: Any) -> str:
    days = task.days_late()
    return ngettext("%(days)s ngày", "%(days)s ngày", days) % {"days": days}


@register.filter
def days_left_text(task: Any) -> str:
    from django.utils import timezone

    days = (task.due_date - timezone.localdate()).days
    if days == 0:
        return gettext("hạn hôm nay")
    return ngettext("còn %(days)s ngày", "còn %(days)s ngày", days) % {"days": days}
