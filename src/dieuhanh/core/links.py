"""`reverse` remembered: a page such as the IOC overview links a hundred units and two hundred
indicators, and Django's `reverse` costs some 35 µs a call (the resolver is searched each time).
The answer depends only on the name, the arguments, the URLconf and the script prefix, so it is
kept for those (at most a few thousand entries)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...], urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse(name, args=args, kwargs=kwargs)`, remembered."""
    return _reverse(
        name, tuple(args), tuple(sorted(kwargs.items())), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
