"""The citizen's lookup by code (`/tra-cuu/`): one box for whatever the citizen holds a code of — a
petition's receipt, a one-stop dossier's slip — without an account.

The code is the only key, so it must be a secret that cannot be guessed: `new_code()` draws ten
characters from 32 (50 bits; a petition's `receipt_code`, a dossier's `lookup_code`), and the page
counts look-ups per address (`core.ratelimit`). A dossier's own code (unit, date, number) is
guessable and is never accepted here.

Each app that has something to look up declares finders in `PlatformApp.public_lookups` (dotted
paths to `find(code) -> Found | None`); `find()` asks them in the settings' order. A finder
returns only what a citizen may know: never a name, address, phone, ID number, internal note or
officer. Codes are compared after `normalise_code()`, the one place that forgives how a code was
typed."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy

from dieuhanh.core import ratelimit
from dieuhanh.core.platform import platform_apps

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
LENGTH = 10
# What people type between the characters of a code: spaces (also non-breaking), hyphens and
# dashes, dots, slashes and underscores.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―./_]+")


def normalise_code(text: str | None) -> str:
    """A code as stored: separators removed, upper case. "7kq2m-9xhta " → "7KQ2M9XHTA"."""
    return _SEPARATORS.sub("", text or "").upper()


def new_code() -> str:
    """A fresh random code of LENGTH characters of ALPHABET that names nothing yet, in any app:
    the one box of the lookup page must never find two things."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if not any(finder(code) is not None for finder in finders()):
            return code


def grouped(code: str) -> str:
    """A code in two groups of five, as printed: "7KQ2M-9XHTA" (easier to read out and type)."""
    return f"{code[:5]}-{code[5:]}" if len(code) == LENGTH else code


@dataclass
class Found:
    """What a finder found: the partial template that shows it, the facts it may show, and the
    app's style sheet partial the template needs (if any)."""

    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    styles: str = ""
    # The case itself, for what the platform adds below it (the citizen's rating,
    # notifications.ratings); never shown as such.
    obj: Any = None


def finders() -> list[Callable[[str], Found | None]]:
    return [import_string(path) for app in platform_apps() for path in app.public_lookups]


def find(text: str | None) -> Found | None:
    """What the code `text` (as typed) names, or None."""
    code = normalise_code(text)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    for finder in finders():
        if (found := finder(code)) is not None:
            return found
    return None


class LookupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã tra cứu"), max_length=40, required=False,
                           error_messages={"max_length": gettext_lazy("Mã tra cứu dài quá: mã gồm 10 ký tự, ví dụ 7KQ2M-9XHTA.")},
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ví dụ: 7KQ2M-9XHTA"), "autocomplete": "off",
                                                         "autocapitalize": "characters", "spellcheck": "false"}))

    def cleaned_code(self) -> str:
        return normalise_code(self.cleaned_data.get("code"))


# At most LOOKUP_LIMIT look-ups per address per LOOKUP_WINDOW seconds, whatever is looked up.
LOOKUP_LIMIT, LOOKUP_WINDOW = 30, 600


def public_lookup(request: HttpRequest) -> HttpResponse:
    """The citizen's lookup page. One budget of look-ups per address (core.ratelimit), counted
    before the code is even read: a code is a 50-bit secret, and guessing one needs many tries."""
    form = LookupForm(request.GET or None)
    found = None
    searched = False
    status = 200
    error = ""
    if request.GET.get("code") is not None:
        if not form.is_valid():
            error = str(form.errors["code"][0])
            status = 400
        elif not (code := form.cleaned_code()):
            error = gettext("Nhập mã tra cứu ghi trên giấy biên nhận.")
        elif ratelimit.over_limit("petitions:lookup", ratelimit.client_address(request), limit=LOOKUP_LIMIT,
                                  window=LOOKUP_WINDOW):
            error = gettext("Ông/bà tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút.")
            status = 429
        else:
            searched = True
            found = find(code)
            if found is None:
                status = 404
    return _render(request, form, found, searched=searched, error=error, status=status)


def render_page(request: HttpRequest, *, code: str, found: Found | None = None, error: str = "", notice: str = "",
                rating_form: Any = None, status: int = 200) -> HttpResponse:
    """The lookup page for `code` as another view answers with it (the rating's form posts to
    notifications.ratings, which answers with this page)."""
    form = LookupForm(initial={"code": grouped(code)} if code else None)
    return _render(request, form, found, searched=found is not None, error=error, notice=notice,
                   rating_form=rating_form, status=status)


def _render(request: HttpRequest, form: LookupForm, found: Found | None, *, searched: bool, error: str = "",
            notice: str = "", rating_form: Any = None, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"title": gettext("Tra cứu kết quả giải quyết đơn, hồ sơ"), "form": form, "found": found,
                               "searched": searched, "error": error, "notice": notice}
    if found is not None:
        context.update(found.context)
        if found.obj is not None:
            from dieuhanh.notifications import ratings

            code = normalise_code(found.context.get("lookup_code") or getattr(found.obj, "receipt_code", "")
                                  or getattr(found.obj, "lookup_code", ""))
            context["rating"] = ratings.panel(found.obj, code, rating_form)
    return render(request, "core/public_lookup.html", context, status=status)
