""".xlsx exports of the task and document lists. The views pass the queryset they list
(same `visible_to`, same TaskFilter), so the file holds exactly the rows on screen, all pages.

Written by the app's one .xlsx writer (`core.xlsx`): dates as real dates with a dd/mm/yyyy
format, amounts as numbers with a thousands format, text cleaned and never run as a formula."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dieuhanh.core.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, sheet
from dieuhanh.directives.choices import ReportCadence, TaskStatus

__all__ = ["documents_workbook", "tasks_workbook"]


def tasks_workbook(tasks: Iterable[Any]) -> bytes:
    """One row per task; `tasks` must carry the `status` annotation (TaskFilter.apply adds it)."""
    columns: list[Column] = [
        (_("Mã"), lambda t: t.code, None),
        (_("Nhiệm vụ"), lambda t: t.title, None),
        (_("Văn bản giao"), lambda t: t.source_document.symbol, None),
        (_("Đơn vị chủ trì"), lambda t: t.lead_unit.name, None),
        (_("Người chủ trì"), lambda t: t.lead_person.full_name, None),
        (_("Lãnh đạo chịu trách nhiệm"), lambda t: t.accountable_person.full_name, None),
        (_("Ngày giao"), lambda t: t.assigned_on, DATE_FORMAT),
        (_("Thời hạn"), lambda t: t.due_date, DATE_FORMAT),
        (_("Tiến độ (%)"), lambda t: t.progress_percent, None),
        (_("Trạng thái"), lambda t: str(TaskStatus(t.status_value).label), None),
        (_("Kết quả cần đạt"), lambda t: t.expected_result, None),
        (_("Kinh phí (đồng)"), lambda t: int(t.budget_vnd) if t.budget_vnd is not None else None, MONEY_FORMAT),
        (_("Chế độ báo cáo"), lambda t: str(ReportCadence(t.report_cadence).label), None),
        (_("Báo cáo gần nhất"), lambda t: t.last_reported_on, DATE_FORMAT),
    ]
    return sheet(_("Nhiệm vụ"), columns, tasks)


def documents_workbook(documents: Iterable[Any]) -> bytes:
    columns: list[Column] = [
        (_("Số, ký hiệu"), lambda d: d.symbol, None),
        (_("Loại văn bản"), lambda d: _(d.get_kind_display()), None),
        (_("Cơ quan ban hành"), lambda d: d.issuer.name, None),
        (_("Ngày ban hành"), lambda d: d.issued_on, DATE_FORMAT),
        (_("Trích yếu"), lambda d: d.title, None),
        (_("Thực hiện văn bản"), lambda d: d.parent.symbol if d.parent_id else None, None),
        (_("Số nhiệm vụ"), lambda d: getattr(d, "task_count", None), None),
    ]
    return sheet(_("Văn bản"), columns, documents)
