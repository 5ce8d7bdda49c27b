"""The case page's panel for officers: what the citizen was told (the message log, addresses
masked) and how they rated the handling (notifications.citizens, ratings)."""

from __future__ import annotations

from typing import Any

from django import template

from dieuhanh.notifications.models import CitizenMessage
from dieuhanh.notifications.ratings import case_type, rating_of

register = template.Library()


@register.inclusion_tag("notifications/_case_panel.html")
def citizen_panel(obj: Any, user: Any) -> dict[str, Any]:
    """For a confidential petition, the rating's comment (the denouncer's own words) and where
    the messages went are shown only to those who may see the denouncer's identity."""
    label = case_type(obj)
    private = False
    if label == "petitions.petition" and obj.confidential:
        from dieuhanh.petitions.confidentiality import may_see_identity

        private = not may_see_identity(user, obj)
    return {
        "messages": list(CitizenMessage.objects.filter(case_type=label, case_id=obj.pk).order_by("created_at", "id")),
        "rating": rating_of(obj),
        "no_contact": bool(getattr(obj, "no_contact", False)),
        "private": private,
    }
