"""Derived indicators: figures counted live from another app's records, never typed in (the share
of tasks done on time, of petitions resolved, of dossiers on time…). Each app declares its own in
its `indicators.py` (`DERIVED`, a tuple of `DerivedIndicator`), found at start-up: the indicators
app names no other app.

`counts(user, years, today, memo)` returns, in one grouped query over what `user` may read,
`{(unit_id, year): (numerator, denominator)}`; a `count` indicator is the numerator alone (the
number of overdue tasks), the others a rate in %. Several indicators of one app may share a query
through `memo`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dieuhanh.core.http import AnyUser

Counts = dict[tuple[int, int], tuple[int, int]]  # (unit_id, year) -> (numerator, denominator)


@dataclass(frozen=True)
class DerivedIndicator:
    source: str  # stored in Indicator.derived_source
    label: StrOrPromise
    counts: str  # dotted path: (user, years, today, memo) -> Counts
    count: bool = False  # a number of things, not a rate

    @property
    def function(self) -> Callable[[AnyUser, list[int], dt.date, dict[str, Any]], Counts]:
        fn: Callable[[AnyUser, list[int], dt.date, dict[str, Any]], Counts] = import_string(self.counts)
        return fn


_REGISTRY: dict[str, DerivedIndicator] = {}


def discover() -> None:
    """Read every installed app's `indicators.py` (IndicatorsConfig.ready)."""
    from django.apps import apps

    from dieuhanh.core.registry import app_module

    for config in apps.get_app_configs():
        if not config.name.startswith("dieuhanh.") or config.name == "dieuhanh.indicators":
            continue
        module = app_module(config.name, "indicators")
        for item in getattr(module, "DERIVED", ()) if module is not None else ():
            _REGISTRY[item.source] = item


def sources() -> dict[str, DerivedIndicator]:
    return dict(_REGISTRY)


def source_choices() -> list[tuple[str, str]]:
    """The choices of `Indicator.derived_source`: every declared derived indicator, its label
    in the reader's language (labels are declared in Vietnamese, marked with gettext_noop)."""
    return [(d.source, gettext(str(d.label))) for d in _REGISTRY.values()]
