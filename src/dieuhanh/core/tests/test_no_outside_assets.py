"""Nothing is loaded from outside the application: every page the URL configuration serves (found
by walking it, as test_every_endpoint does) references scripts, styles, images and frames only by
a path on this server, and no stylesheet of the application imports from another host. A
municipal network may have no Internet, and a CDN sees who reads which page.

The walk opens each page without a path parameter as the administrator and as an anonymous
visitor (the citizens' pages); the browser test tests/browser/test_api_docs_offline.py checks
the one page whose assets come from a package (/api/docs)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from dieuhanh.core.tests.test_every_endpoint import ENDPOINTS
from dieuhanh.testing import signed_in

# The attributes through which a page makes the browser fetch something by itself.
FETCHED = {
    "script": ("src",),
    "link": ("href",),  # stylesheets, icons, preloads, manifests (a rel="alternate" link is not fetched, but no page needs an outside one)
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)
PAGES = [url for url, _name in ENDPOINTS if "<" not in url and not re.search(r"999999|khongco|khong-co|H00-", url)]


def outside(ref: str) -> bool:
    """A reference that leaves this server: with a scheme other than data:, or protocol-relative."""
    ref = ref.strip().split()[0] if ref.strip() else ""
    parts = urlsplit(ref)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in FETCHED.get(tag, ()):
            value = values.get(name)
            if value:
                # srcset holds "url width, url width"
                self.refs += [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in name else [value]
        if values.get("style"):
            self.refs += CSS_URL.findall(values["style"] or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs += CSS_URL.findall(data)


def outside_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return [ref for ref in parser.refs if outside(ref)]


def test_the_checker_sees_each_kind_of_outside_reference():
    page = """<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>
    <img srcset="/a.png 1x, http://img.example/b.png 2x"><style>@import "https://fonts.example/f.css";</style>
    <div style="background: url(https://img.example/c.png)"></div>
    <script src="/static/ok.js"></script><img src="data:image/png;base64,AAAA"><a href="https://law.example/">law</a>"""
    assert outside_refs(page) == [
        "https://cdn.example/x.css", "//cdn.example/x.js", "http://img.example/b.png",
        "https://fonts.example/f.css", "https://img.example/c.png",
    ]


def test_the_walk_opens_many_pages():
    assert len(PAGES) > 40


@pytest.mark.parametrize("url", PAGES)
def test_a_page_loads_nothing_from_outside(world, client, url):
    for who, browser in (("admin", signed_in(world.admin)), ("anonymous", client)):
        response = browser.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        found = outside_refs(response.content.decode())
        assert not found, f"{url} as {who} loads from outside: {found}"


def test_no_stylesheet_of_the_application_imports_from_outside():
    sheets = [
        Path(path) for finder in finders.get_finders() for path, _storage in
        ((storage.path(p), storage) for p, storage in finder.list([])) if path.endswith(".css")
    ]
    assert sheets, "no stylesheet found"
    bad = {str(p): refs for p in sheets if (refs := [r for r in CSS_URL.findall(p.read_text(errors="replace")) if outside(r)])}
    assert not bad, bad
