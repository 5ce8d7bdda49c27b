"""The platform's own permissions (`core.access`), and `may`/`require` over role tuples for the
code that still asks by roles.

- `view`: the pages every officer has (home, calendar);
- `audit`: read the audit log (administrators; inspectors, whose work it is to check);
- `calendar`: change the working-day calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from dieuhanh.org import scope
from dieuhanh.org.choices import Role

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

STAFF = tuple(Role.values)

PERMISSIONS = {
    "view": STAFF,
    "audit": (Role.ADMIN, Role.INSPECTOR),
    "calendar": (Role.ADMIN,),
}


def may(user: AnyUser | None, roles: tuple[str, ...], unit_id: int | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    units = scope.unit_scope(user, *roles)
    if units is scope.ALL:
        return True
    return unit_id is not None and unit_id in units


def require(user: AnyUser | None, roles: tuple[str, ...], unit_id: int | None, what: str) -> None:
    if not may(user, roles, unit_id):
        raise PermissionDenied(f"Bạn không có quyền {what}.")
