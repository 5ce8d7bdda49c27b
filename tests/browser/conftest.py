"""Fixtures for browser tests: Playwright's sync API driving Debian's Chromium, headless.

    @pytest.mark.browser
    def test_something(live_server, page, screenshot):
        page.goto(live_server.url + "/")
        screenshot("home")          # → test-artifacts/test_something-home.png

`page` fails the test if the page logged a console error or raised an uncaught exception; opt out
with `@pytest.mark.allow_console_errors` (all) or `@pytest.mark.allow_console_errors("favicon")`
(only errors containing one of the given strings). A failing test leaves a screenshot in
test-artifacts/ too. Playwright never downloads a browser here: Chromium comes from apt
(`./scripts/test` installs it); DIEUHANH_CHROMIUM overrides /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("DIEUHANH_CHROMIUM", "/usr/bin/chromium")
# --no-sandbox: CI runs as root. The networking flags stop Chromium from calling home: this
# machine has no network and the refused connections slow every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(
    os.environ.get("DIEUHANH_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "allow_console_errors(*substrings): the page fixture tolerates console errors "
        "(all of them, or only those containing one of the substrings)",
    )
    config.addinivalue_line("markers", "two_factor: two-factor sign-in stays required for the test's logins")


@pytest.fixture(autouse=True)
def _password_only_unless_two_factor(request, settings):
    """These tests sign in through the login form, as the demo's personas do: by password alone,
    unless marked `two_factor` (tests/browser/test_two_factor_ui.py), which keeps the requirement
    on. The requirement itself, the code step and the gate are tested with it on in
    core/tests/test_two_factor.py and in that browser test."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.DIEUHANH_TWO_FACTOR_REQUIRED = False


def pytest_collection_modifyitems(items):
    # Everything under tests/browser is a browser test, marked or not (so `-m "not browser"` works).
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150]


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
    # calls from a thread with a running loop (SynchronousOnlyOperation). The tests are plain
    # synchronous code, so lift that guard, for as long as Playwright runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: browser tests use Debian's Chromium (apt-get install chromium; "
            "./scripts/test installs it), never a browser downloaded by Playwright",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page, in Vietnamese and Viet Nam's time zone."""
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            errors.append(f"console error: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught exception: {exc}"))
    yield page

    failed = getattr(request.node, "_report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):  # a screenshot must never hide the real failure
            page.screenshot(path=ARTIFACTS / f"{_safe(request.node.name)}-FAILED.png", full_page=True)
    # Let the page's own requests (the IOC's figures, the unread count) finish before the test's
    # database is flushed: on PostgreSQL a TRUNCATE racing a page's multi-table SELECT deadlocks.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5_000)
    context.close()
    _wait_for_requests_in_flight()

    marker = request.node.get_closest_marker("allow_console_errors")
    if marker is not None:
        errors = [e for e in errors if marker.args and not any(s in e for s in marker.args)]
    if errors:
        pytest.fail("the page reported errors:\n  " + "\n  ".join(errors), pytrace=False)


def _wait_for_requests_in_flight(timeout: float = 10.0) -> None:
    """Wait until the live server's handler threads have ended: the browser's connections are
    closed, so each ends when its request does. socketserver names them after their target."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def screenshot(page, request):
    """screenshot(name) saves the page to test-artifacts/<test>-<name>.png and returns the path."""

    def take(name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_safe(request.node.name)}-{_safe(name)}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return take
