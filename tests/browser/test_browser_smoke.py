"""Proves the browser fixtures: Debian's Chromium, driven by Playwright, reaches the live server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


# Chromium asks for /favicon.ico on every navigation to a non-HTML document; the app has none yet.
@pytest.mark.allow_console_errors("/favicon.ico")
def test_chromium_loads_a_static_file_from_the_live_server(live_server, page):
    response = page.goto(live_server.url + "/static/django_htmx/htmx-2.min.js")
    assert response is not None
    assert response.status == 200
    assert "htmx" in page.content()


def test_page_renders_vietnamese_and_screenshots_are_saved(page, screenshot):
    page.set_content("<h1>Điều Hành</h1><script>console.log('fine')</script>")
    assert page.inner_text("h1") == "Điều Hành"
    path = screenshot("smoke")
    assert path.exists()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.allow_console_errors("deliberate")
def test_allowed_console_error_does_not_fail(page):
    page.set_content("<script>console.error('deliberate error for the test')</script>")
    page.wait_for_function("true")
