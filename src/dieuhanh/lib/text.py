"""Accent-insensitive text for search: "Chí Linh" and "chi linh" fold to the same key."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def shorten(text: str | None, chars: int) -> str:
    """`text` in at most `chars` characters, cut between words and ending in «…» (a title is
    never cut mid-word: «Khiếu nại quyết định thu hồi…», not «Khiếu nại quyết định th…»). A
    single word longer than the room is cut, having no space to break at. The one place every
    list, chart and picker shortens a title (templates through the `shorten` filter); show the
    whole text beside it (a `title` attribute) where it matters."""
    text = " ".join(str(text or "").split())
    if len(text) <= chars:
        return text
    room = max(chars - 1, 1)  # the room left beside «…»
    cut = text[:room + 1].rstrip()
    if " " in cut and len(cut) > room:
        cut = cut[:room]
        if not text[room].isspace():  # the next character continues the word: drop it
            cut = cut.rsplit(" ", 1)[0]
    else:
        cut = cut[:room]
    return cut.rstrip(" ,;:.-–—(") + "…"
