"""Role checks shared by every service. Visibility of rows is `Model.objects.visible_to(user)`;
this module answers "may this user do X over unit U"."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from dieuhanh.org import scope
from dieuhanh.org.choices import Role

ASSIGNERS = (Role.OFFICE, Role.LEADER, Role.ADMIN)
LEADERS = (Role.LEADER, Role.ADMIN)
REPORTERS = (Role.UNIT_OFFICER, Role.OFFICE, Role.LEADER, Role.ADMIN)


def may(user: Any, roles: tuple[str, ...], unit_id: int | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    units = scope.unit_scope(user, *roles)
    if units is scope.ALL:
        return True
    return unit_id is not None and unit_id in units


def require(user: Any, roles: tuple[str, ...], unit_id: int | None, what: str) -> None:
    if not may(user, roles, unit_id):
        raise PermissionDenied(f"Bạn không có quyền {what}.")
