"""Each table of the IOC overview as an .xlsx workbook: the same figures the page shows (the
same user, period and unit), one sheet written by the app's one .xlsx writer (`core.xlsx`), which
cleans the text people typed (task titles, indicator names) and never runs it as a formula."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse

from dieuhanh.core.xlsx import XLSX_TYPE, Sheet, write_xlsx
from dieuhanh.ioc.data import Overview


def _tasks(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    rows = [[c["label"], c["count"]] for c in data.tasks["cards"]]
    rows.append(["Tổng số", data.tasks["total"]])
    return "Nhiệm vụ theo tình trạng", ["Tình trạng", "Số nhiệm vụ"], rows


def _overdue(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    rows = [
        [
            r["title"],
            r["unit"].name,
            r["lead"].full_name if r["lead"] else "",
            r["leader"].full_name if r["leader"] else "",
            r["due_date"],
            r["days_late"],
        ]
        for r in data.tasks["overdue"]
    ]
    return (
        "Nhiệm vụ quá hạn",
        [
            "Nhiệm vụ",
            "Đơn vị chủ trì",
            "Người chủ trì",
            "Lãnh đạo chịu trách nhiệm",
            "Hạn hoàn thành",
            "Số ngày quá hạn",
        ],
        rows,
    )


def _units(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    rows = [
        [
            r["unit"].code,
            r["unit"].name,
            r["tasks_overdue"],
            r["petitions_overdue"],
            r["dossiers_received"],
            r["dossiers_late"],
            None if r["dossiers_on_time"] is None else round(r["dossiers_on_time"], 1),
        ]
        for r in data.units
    ]
    return (
        "Theo đơn vị",
        [
            "Mã đơn vị",
            "Đơn vị",
            "Nhiệm vụ quá hạn",
            "Đơn quá hạn",
            "Hồ sơ tiếp nhận",
            "Hồ sơ đang trễ hạn",
            "Tỉ lệ hồ sơ đúng hạn (%)",
        ],
        rows,
    )


def _trends(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    t = data.trends
    rows = [
        [f"Tháng {m + 1}", t["dossiers_received"][m], t["dossiers_late"][m], t["petitions_received"][m]]
        for m in range(12)
    ]
    return "Diễn biến theo tháng", ["Tháng", "Hồ sơ tiếp nhận", "Hồ sơ trễ hạn", "Đơn tiếp nhận"], rows


def _cases(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    p, d = data.petitions, data.dossiers
    rows = [
        ["Đơn tiếp nhận trong năm", p["received"]],
        ["Đơn đã giải quyết", p["resolved"]],
        [
            "Tỉ lệ giải quyết (%)",
            None if p["resolution_percent"] is None else round(p["resolution_percent"], 1),
        ],
        ["Đơn quá hạn", p["overdue"]],
        ["Đơn sắp đến hạn", p["due_soon"]],
        ["Hồ sơ tiếp nhận trong năm", d["received"]],
        [
            "Tỉ lệ hồ sơ đúng hạn (%)",
            None if d["on_time_percent"] is None else round(d["on_time_percent"], 1),
        ],
        ["Hồ sơ đang trễ hạn", d["late_now"]],
        ["Hồ sơ sắp đến hạn", d["due_soon"]],
    ]
    return "Đơn thư và hồ sơ", ["Chỉ số", "Giá trị"], rows


def _indicators(data: Overview) -> tuple[str, list[str], list[list[Any]]]:
    tiles = getattr(data.indicators, "tiles", None) or []
    rows = [
        [
            t.get("code"),
            t.get("name"),
            t.get("measure"),
            t.get("target"),
            t.get("target_original"),
            t.get("actual"),
            str(t.get("achievement") or ""),
            t.get("yoy_percent"),
        ]
        for t in tiles
    ]
    return (
        "Chỉ tiêu",
        [
            "Mã",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Kế hoạch",
            "Kế hoạch ban đầu",
            "Thực hiện",
            "Đánh giá",
            "So cùng kỳ (%)",
        ],
        rows,
    )


TABLES: dict[str, tuple[str, Callable[[Overview], tuple[str, list[str], list[list[Any]]]]]] = {
    "nhiem-vu": ("nhiem-vu", _tasks),
    "nhiem-vu-qua-han": ("nhiem-vu-qua-han", _overdue),
    "don-vi": ("theo-don-vi", _units),
    "xu-huong": ("dien-bien-theo-thang", _trends),
    "don-ho-so": ("don-thu-ho-so", _cases),
    "chi-tieu": ("chi-tieu", _indicators),
}


def workbook(table: str, data: Overview) -> bytes:
    title, headers, rows = TABLES[table][1](data)
    out = io.BytesIO()
    write_xlsx(out, [Sheet(title=title, headers=headers, rows=rows)])
    return out.getvalue()


def response(table: str, data: Overview) -> HttpResponse:
    slug = TABLES[table][0]
    name = f"ioc-{slug}-{data.period.year}.xlsx"
    resp = HttpResponse(workbook(table, data), content_type=XLSX_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
