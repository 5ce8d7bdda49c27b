"""Each table of the IOC overview as an .xlsx workbook: the same figures the page shows (the
same user, period and unit), one sheet written by the app's one .xlsx writer (`core.xlsx`), which
cleans the text people typed (task titles, indicator names) and never runs it as a formula."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext

from dieuhanh.core.xlsx import XLSX_TYPE, Sheet, write_xlsx
from dieuhanh.ioc.data import Overview


def _units(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    """The units table: one column per metric of the sections shown (`ioc.sections.Metric`)."""
    columns = [m for m in data.metrics if m.in_table]
    rows = [
        [r["unit"].code, r["unit"].name,
         *[(None if r[m.key] is None else round(r[m.key], 1)) if m.percent else r[m.key] for m in columns]]
        for r in data.units
    ]
    return gettext("Theo đơn vị"), [gettext("Mã đơn vị"), gettext("Đơn vị"), *[data.metric_labels[m.key] for m in columns]], rows


def _trends(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    trends = [t for card in data.cards for t in card.trends]
    rows = [[gettext("Tháng %(value)s") % {"value": m + 1}, *[data.trends[t.key][m] for t in trends]] for m in range(12)]
    return gettext("Diễn biến theo tháng"), [gettext("Tháng"), *[str(t.label) for t in trends]], rows


TABLES: dict[str, tuple[str, Callable[[Overview], tuple[str, list[str], list[list[Any]]]]]] = {
    "don-vi": ("theo-don-vi", _units),
    "xu-huong": ("dien-bien-theo-thang", _trends),
}


def table_for(slug: str, data: Overview) -> tuple[str, Callable[[Overview], tuple[str, list[str], list[list[Any]]]]] | None:
    """The IOC's own table `slug`, or the one a section shown to the user declares."""
    if slug in TABLES:
        return TABLES[slug]
    for card in data.cards:
        for t in card.tables:
            if t.slug == slug:
                return t.filename, functools.partial(_section_table, card.key, t.build)
    return None


def _section_table(key: str, build: Any, data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    result: tuple[str, list[str], list[list[Any]]] = build(data.sections.get(key, {}))
    return result


def workbook(table: str, data: Overview) -> bytes:
    found = table_for(table, data)
    assert found is not None, table
    title, headers, rows = found[1](data)
    out = io.BytesIO()
    write_xlsx(out, [Sheet(title=title, headers=headers, rows=rows)])
    return out.getvalue()


def response(table: str, data: Overview) -> HttpResponse:
    found = table_for(table, data)
    assert found is not None, table
    name = f"ioc-{found[0]}-{data.period.year}.xlsx"
    resp = HttpResponse(workbook(table, data), content_type=XLSX_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
