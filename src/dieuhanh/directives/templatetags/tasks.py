"""Template tags of the "5 rõ" tasks: the colour and words of a task's derived status, the days
late or left. `{% load tasks %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from dieuhanh.core import html
from dieuhanh.core.templatetags.dieuhanh import vn_date
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


_PROGRESS = (
    '<div class="progress progress--{0}" role="progressbar" aria-valuenow="{1}" aria-valuemin="0"'
    ' aria-valuemax="100" aria-label="{1}%">\n'
    '  <span class="progress__track"><span class="progress__bar" style="width: {1}%"></span></span>\n'
    '  <span class="progress__text">{1}%</span>\n'
    "</div>\n"
)


@register.simple_tag
def progress_bar(task: Any) -> str:
    """A task's progress bar, coloured by its derived status (the lists put one on every row:
    a tag, not an included template, whose per-row cost is many times this one's)."""
    return html.format_html(_PROGRESS, task.status_value or TaskStatus.ON_TRACK.value, task.progress_percent)


# Any number the path converter takes: the task's link is reversed once for a list's rows, with
# this in place of the id, and the row's id put where it stands.
_PK_MARK = 987654321


@register.simple_tag
def task_rows(tasks: Any, missing_ids: Any) -> str:
    """The rows of the task list (`_task_results.html`, whose header names the columns): code,
    task with its document, lead person and a missing-report badge, lead unit, accountable
    leader, due date, progress, status. Written here rather than in the template: a list of
    fifty rows paid ~0.1 ms a row for the template's nodes and a `reverse` each."""
    before, after = reverse("directives:task_detail", args=[_PK_MARK]).split(str(_PK_MARK))
    lead, badge = gettext("chủ trì:"), gettext("Chưa báo cáo kỳ này")
    missing = format_html(' · <span class="badge badge--due-soon" data-missing-report>{}</span>', badge)
    row = (
        "\n  <tr>\n"
        '    <td class="nowrap"><a class="code" href="{}">{}</a></td>\n'
        "    <td>\n"
        '      <a href="{}">{}</a>\n'
        '      <div class="muted small">{} · {} {}{}</div>\n'
        "    </td>\n"
        "    <td>{}</td>\n"
        "    <td>{}</td>\n"
        '    <td class="nowrap">{}</td>\n'
        '    <td class="progress-cell">{}</td>\n'
        "    <td>{}</td>\n"
        "  </tr>\n"
    )
    badges: dict[str, str] = {}  # a badge per status, written once for the page
    return html.format_rows(row, (
        (
            href, task.code, href, task.title,
            task.source_document.symbol, lead, task.lead_person.full_name, missing if task.pk in missing_ids else "",
            task.lead_unit.name, task.accountable_person.full_name, vn_date(task.due_date),
            progress_bar(task),
            badges.get(task.status_value) or badges.setdefault(task.status_value, status_badge(task)),
        )
        for task in tasks
        for href in (f"{before}{task.pk}{after}",)
    ))


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
