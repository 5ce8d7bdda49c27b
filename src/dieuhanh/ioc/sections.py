"""Sections an app adds to the IOC overview (`PlatformApp.ioc_sections`): a card with its title
and figures, each a number that links to the list behind it. The IOC reads them from the
registry; it names no app.

An app declares a `Section` in its own folder (its `ioc.py`) and lists its dotted path in its
AppConfig; `figures(user, period)` counts only what the user may read (`visible_to`), for the
period's year and the chosen unit (`period.unit`, with the units it covers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from dieuhanh.ioc.data import Period


@dataclass(frozen=True)
class Figure:
    key: str  # data-figure attribute, for tests and styles
    label: str
    value: Any
    url: str = ""
    tone: str = ""  # "bad" (overdue), "warn" (due soon) or ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    figures: Callable[[Any, Period], list[Figure]]
    permission: tuple[str, str] | None = None  # shown to users who hold it somewhere


def sections() -> list[Section]:
    from dieuhanh.core.platform import platform_apps

    found = [import_string(path) for app in platform_apps() for path in app.ioc_sections]
    return sorted(found, key=lambda s: s.order)


def for_user(user: Any, period: Period) -> list[dict[str, Any]]:
    """The registered sections the user may see, with their figures."""
    from dieuhanh.core import access

    out = []
    for section in sections():
        if section.permission is not None and not access.holds(user, *section.permission):
            continue
        out.append({"key": section.key, "title": section.title, "figures": section.figures(user, period)})
    return out
