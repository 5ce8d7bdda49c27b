"""What each app declares in its own folder, found at start-up: the platform reads these modules
of every installed app, so adding an app touches its folder and the settings' app list only.

- `permissions.py`: `PERMISSIONS`, the roles that hold each of the app's actions (`core.access`);
- `cases.py`: its case types, registered with `core.cases.register` (`core.cases`)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_module(app_name: str, module: str) -> ModuleType | None:
    """`<app>.<module>` if the app has one."""
    full = f"{app_name}.{module}"
    if find_spec(full) is None:
        return None
    return import_module(full)


def discover() -> None:
    """Read every installed app's declarations (CoreConfig.ready)."""
    from dieuhanh.core import access

    for config in apps.get_app_configs():
        if not config.name.startswith("dieuhanh."):
            continue
        permissions = app_module(config.name, "permissions")
        if permissions is not None:
            access.declare(config.label, permissions.PERMISSIONS, getattr(permissions, "CONFIDENTIAL", ()))
        app_module(config.name, "cases")
