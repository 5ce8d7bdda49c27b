"""The header's unread count (notifications/_header_badge.html)."""

from __future__ import annotations

from typing import Any

from django import template

from dieuhanh.notifications import services
from dieuhanh.notifications.views import poll_seconds

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    user = context.get("user")
    return services.unread_count(user) if user is not None and user.is_authenticated else 0


@register.simple_tag
def notification_poll_seconds() -> int:
    return poll_seconds()
