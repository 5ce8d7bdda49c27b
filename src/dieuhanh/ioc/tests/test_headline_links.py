"""Every headline figure of the IOC is a link to the list it counts: following the link opens a
list of exactly that many rows (the task list's «Năm» filter, the petitions resolved, the
dossiers on time and due soon), and the "met/total" line of the targets opens the rows it
counts, which are the tiles marked on the card below it."""

from __future__ import annotations

import html
import re

import pytest

from dieuhanh.indicators.choices import Achievement
from dieuhanh.org.models import User
from dieuhanh.testing import login

pytestmark = pytest.mark.django_db

LINK = re.compile(r"<a\b([^>]*\bdata-count=\"([^\"]*)\"[^>]*)>")
MET = {Achievement.MET.value, Achievement.EXCEEDED.value}


def _headlines(body: str) -> list[tuple[str, int]]:
    """(href, count) of each link that carries the count it stands for."""
    found = []
    for match in LINK.finditer(body[body.index("data-ioc>"):]):  # the IOC's own panels
        href = re.search(r'href="([^"]+)"', match.group(1))
        assert href is not None, match.group(0)
        found.append((html.unescape(href.group(1)), int(match.group(2))))
    return found


def _listed(client, href: str) -> tuple[int, list[dict]]:
    response = client.get(href)
    assert response.status_code == 200, href
    if "page" in response.context:
        return response.context["page"].paginator.count, []
    if "rows" in response.context:  # a list without pages (the example app of the guide)
        return len(response.context["rows"]), []
    tiles = response.context.get("tiles")  # the indicator list: its rows
    assert tiles is not None, href
    return len(tiles), tiles


@pytest.mark.parametrize("year", [2021, 2026])
def test_each_headline_figure_opens_a_list_of_that_many_rows(client, demo, db, year):
    login(client, User.objects.get(username="bithu"))
    body = client.get(f"/ioc/?nam={year}").content.decode()
    # the figures of every card: the tasks' total and statuses, the petitions' and dossiers' figures
    assert re.search(r'<span class="ioc-big">[^<]+</span>', body)
    figures = re.findall(r'<(?:a|div) class="ioc-figure(?: [^"]*)?"( href="[^"]*")?', body)
    assert figures and all(href for href in figures), "every figure of the cards is a link"
    headlines = _headlines(body)
    assert len(headlines) >= 15
    for href, count in headlines:
        listed, _rows = _listed(client, href)
        assert listed == count, href
    tasks = [h for h in headlines if h[0].startswith("/nhiem-vu/")]
    assert tasks and all(f"year={year}" in href for href, _ in tasks)


def test_the_met_over_total_line_is_the_marked_tiles_and_opens_them(client, demo, db):
    """2021, Chí Linh: "10/12": the twelve socio-economic targets of the year, ten met or
    exceeded; the same twelve are marked on the card and are the rows of the list it opens."""
    login(client, User.objects.get(username="bithu"))
    response = client.get("/ioc/?nam=2021")
    summary = response.context["data"].indicators["summary"]
    body = response.content.decode()
    assert (summary.met, summary.total) == (10, 12)
    marked = re.findall(r'data-counted="([a-z_]+)"', body)
    assert len(marked) == summary.total and sum(m in MET for m in marked) == summary.met
    assert summary.basis in html.unescape(body)
    link = next((href, n) for href, n in _headlines(body) if href.startswith("/chi-tieu/"))
    listed, rows = _listed(client, link[0])
    assert listed == link[1] == summary.total
    assert sum(r["achievement"] in MET for r in rows) == summary.met
    assert all(r["target"] is not None for r in rows)
