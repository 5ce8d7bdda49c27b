"""Filters and tags of the IOC pages: an achievement ratio told as a percent of the plan, a
change on the year with its sign, and how often the alerts feed is fetched."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from dieuhanh.core.templatetags.dieuhanh import group_digits
from dieuhanh.lib.params import int_or_none

register = template.Library()

POLL_DEFAULT_SECONDS = 30
POLL_MIN_SECONDS = 2  # a wall display may ask for more often (?poll=), never below this
POLL_MAX_SECONDS = 3600


@register.filter
def plan_percent(ratio: Any) -> str:
    """Actual ÷ target (1.09 = 109 % of the plan) as "109,1"; "" without a ratio."""
    if ratio is None or ratio == "":
        return ""
    return group_digits(float(ratio) * 100, 1)


@register.filter
def figure(value: Any, measure: str = "") -> str:
    """A tile's figure: a rate (measure in %) to one decimal, any other up to three ("13.416,446")."""
    if value is None or value == "":
        return "—"
    return group_digits(value, 1 if "%" in (measure or "") else 3)


@register.filter
def signed(value: Any, decimals: int = 1) -> str:
    """A change with its sign: 22.4 → "+22,4", -7.88 → "-7,9", 0 → "0"."""
    if value is None or value == "":
        return ""
    text = group_digits(value, int(decimals))
    return f"+{text}" if float(value) > 0 and text != "0" else text


@register.simple_tag(takes_context=True)
def alerts_poll_seconds(context: template.Context) -> int:
    """Seconds between two fetches of the alerts feed: settings.IOC_ALERTS_POLL_SECONDS (30 by
    default), or the page's ?poll=N (from 2 s to an hour) for a display that wants it sooner."""
    seconds = int(getattr(settings, "IOC_ALERTS_POLL_SECONDS", POLL_DEFAULT_SECONDS))
    request = context.get("request")
    wanted = int_or_none(request.GET.get("poll"), min_value=0) if request is not None else None
    if wanted is not None:
        seconds = wanted
    return max(POLL_MIN_SECONDS, min(POLL_MAX_SECONDS, seconds))
