"""/api/docs works with no network but the application's own: Swagger UI's script and styles are
served from the application's static files, never from a CDN."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_list_the_operations_with_every_outside_request_blocked(live_server, page, screenshot):
    blocked: list[str] = []

    def only_this_machine(route):
        url = route.request.url
        if urlsplit(url).hostname in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_this_machine)
    response = page.goto(live_server.url + "/api/docs")
    assert response is not None and response.status == 200
    # Swagger UI draws one block per operation once its script has run and read /api/openapi.json.
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() > 5
    assert page.locator(".opblock-summary-path", has_text="/api/").count() > 0
    assert blocked == []
    screenshot("docs")
