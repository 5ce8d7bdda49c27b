"""The Content Security Policy (core.middleware.ContentSecurityPolicyMiddleware): on every page,
with no inline script allowed — and no template needing one."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

from dieuhanh.testing import signed_in

SRC = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def _policy(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_every_page_has_a_policy_without_inline_scripts(world):
    for response in (Client().get(reverse("login")), signed_in(world.officer_a).get(reverse("home")),
                     Client().get("/api/v1/petitions")):
        policy = _policy(response)
        assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
        assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"


def test_a_views_own_stricter_policy_is_kept(world):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    from dieuhanh.core.middleware import ContentSecurityPolicyMiddleware

    strict = "default-src 'none'"
    mw = ContentSecurityPolicyMiddleware(lambda request: _with_policy(strict))
    assert mw(None)["Content-Security-Policy"] == strict  # type: ignore[arg-type]


def _with_policy(policy: str):
    from django.http import HttpResponse

    r = HttpResponse("x")
    r["Content-Security-Policy"] = policy
    return r


def test_no_template_has_an_inline_script_or_handler():
    offending = []
    for path in SRC.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offending += [f"{path.relative_to(SRC)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        offending += [f"{path.relative_to(SRC)}: {m.group(0)}" for m in HANDLER.finditer(text)]
    assert offending == []
