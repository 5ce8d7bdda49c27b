"""Badges of the one-stop pages: a dossier's status, its class (early / on time / late) and
"late now", in the colours of the shared stylesheet."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dieuhanh.dossiers.choices import JobState, Status, Timeliness

register = template.Library()

STATUS_CSS: dict[str, str] = {
    Status.RECEIVED: "on-track",
    Status.PROCESSING: "on-track",
    Status.SUPPLEMENT: "due-soon",
    Status.DONE: "done-on-time",
    Status.RETURNED: "done-on-time",
    Status.REFUSED: "cancelled",
    Status.WITHDRAWN: "cancelled",
}
TIMELINESS_CSS: dict[str, str] = {
    Timeliness.EARLY: "done-on-time",
    Timeliness.ON_TIME: "done-on-time",
    Timeliness.LATE: "done-late",
}
JOB_CSS: dict[str, str] = {
    JobState.QUEUED: "cancelled",
    JobState.RUNNING: "on-track",
    JobState.DONE: "done-on-time",
    JobState.FAILED: "overdue",
    JobState.INTERRUPTED: "due-soon",
    JobState.REFUSED: "overdue",
}


@register.simple_tag
def dossier_status(status: str) -> str:
    if status not in Status.values:
        return ""
    return format_html('<span class="badge badge--{}" data-status="{}">{}</span>', STATUS_CSS[status], status,
                       Status(status).label)


@register.simple_tag
def timeliness_badge(timeliness: str) -> str:
    if timeliness not in Timeliness.values:
        return ""
    return format_html('<span class="badge badge--{}" data-timeliness="{}">{}</span>', TIMELINESS_CSS[timeliness],
                       timeliness, Timeliness(timeliness).label)


@register.simple_tag
def late_now_badge() -> str:
    return format_html('<span class="badge badge--overdue" data-late-now>{}</span>', _("Đang quá hạn"))


@register.simple_tag
def job_state(state: str) -> str:
    if state not in JobState.values:
        return ""
    return format_html('<span class="badge badge--{}" data-job-state="{}">{}</span>', JOB_CSS[state], state,
                       JobState(state).label)
