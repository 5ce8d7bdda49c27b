"""The .xlsx exports speak the language of the person downloading: in English, every sheet's
name and every column header is English (decision 25). Import templates and the error report of
an import are not exports: their headers are the import format and stay Vietnamese."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dieuhanh.testing import VIETNAMESE_LETTER, in_english, signed_in

pytestmark = pytest.mark.django_db


def _exports() -> list[str]:
    from dieuhanh.indicators.models import Indicator
    from dieuhanh.ioc import export as ioc_export

    urls = [reverse(name) for name in (
        "directives:task_export", "directives:document_export", "audit_export", "petitions:petition_export",
        "dossier_export",
        "dossier_stats_export", "indicator_list_export")]
    indicator = Indicator.objects.order_by("pk").first()
    assert indicator is not None
    urls.append(reverse("indicator_detail_export", args=[indicator.code]))
    slugs = [*ioc_export.TABLES, "nhiem-vu", "nhiem-vu-qua-han", "ho-so", "chi-tieu", "don-thu"]
    urls += [reverse("ioc_overview") + "?xuat=" + slug for slug in slugs]
    return urls


def _heads(content: bytes) -> list[str]:
    """Every sheet's name and the text of its header row."""
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    out: list[str] = []
    for ws in wb.worksheets:
        out.append(ws.title)
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        out += [str(v) for v in first if v is not None]
    return out


def _download(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_export_has_english_sheet_names_and_headers(demo):
    client = in_english(signed_in(get_user_model().objects.get(username="admin")))
    found = {}
    for url in _exports():
        heads = _heads(_download(client, url))
        assert heads, url
        found[url] = [h for h in heads if VIETNAMESE_LETTER.search(h)]
    assert not {url: words for url, words in found.items() if words}


def test_an_export_in_vietnamese_stays_vietnamese(demo):
    client = signed_in(get_user_model().objects.get(username="admin"))
    heads = _heads(_download(client, reverse("audit_export")))
    assert "Nhật ký thay đổi" in heads and "Người thực hiện" in heads
