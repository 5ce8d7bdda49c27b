"""/api/docs is for signed-in users, and works with no network but the application's own: a
visitor is sent to the login page and back; Swagger UI's script and styles are served from the
application's static files, never from a CDN, and run under the site's Content Security Policy
(no inline script): the page fixture fails the test on any console error, a refused script
included."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dieuhanh.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_api_docs_list_the_operations_with_every_outside_request_blocked(live_server, page, screenshot, transactional_db, world):
    blocked: list[str] = []

    def only_this_machine(route):
        url = route.request.url
        if urlsplit(url).hostname in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_this_machine)
    page.goto(live_server.url + "/api/docs")
    assert urlsplit(page.url).path == "/dang-nhap/"  # signed-in users only
    page.get_by_label("Tên đăng nhập").fill(world.officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/api/docs")
    # Swagger UI draws one block per operation once its script has run and read /api/openapi.json.
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() > 5
    assert page.locator(".opblock-summary-path", has_text="/api/").count() > 0
    assert blocked == []
    screenshot("docs")
