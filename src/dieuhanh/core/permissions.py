"""The platform's own permissions (`core.access`):

- `view`: the pages every officer has (home, calendar);
- `audit`: read the audit log (administrators; inspectors, whose work it is to check);
- `calendar`: change the working-day calendar;
- `two_factor_reset`: remove another user's two-factor devices (a lost phone; core/twofactor.py)."""

from __future__ import annotations

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": tuple(Role.values),
    "audit": (Role.ADMIN, Role.INSPECTOR),
    "calendar": (Role.ADMIN,),
    "two_factor_reset": (Role.ADMIN,),
}
