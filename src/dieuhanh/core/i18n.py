"""Text kept in the records is written in the source language (Vietnamese, decision 0004),
whatever language the person who acts reads the interface in: a step's note made from a choice's
label is the same in every record, and the history shows it as recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def recorded(text: StrOrPromise) -> str:
    """`text` (a translatable label) in the source language, for storing."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)
