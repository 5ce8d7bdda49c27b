""".xlsx of the lists: the rows the page lists, all pages (for those who hold `export`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dieuhanh.core.xlsx import DATE_FORMAT, Column, sheet


def inspections_workbook(rows: Iterable[Any]) -> bytes:
    columns: list[Column] = [
        (_("Số hồ sơ"), lambda i: i.pk, None),
        (_("Loại"), lambda i: _(i.get_kind_display()), None),
        (_("Cơ quan quyết định"), lambda i: i.organisation.name, None),
        (_("Cơ quan tiến hành"), lambda i: _(i.get_body_display()), None),
        (_("Đối tượng"), lambda i: _(i.get_subject_type_display()), None),
        (_("Tên đối tượng"), lambda i: i.subject_name, None),
        (_("Lĩnh vực"), lambda i: _(i.get_field_display()), None),
        (_("Nội dung"), lambda i: i.content, None),
        (_("Số quyết định"), lambda i: i.decision_number or None, None),
        (_("Ngày quyết định"), lambda i: i.decided_on, DATE_FORMAT),
        (_("Hạn kết thúc"), lambda i: i.due_on, DATE_FORMAT),
        (_("Ngày kết luận"), lambda i: i.concluded_on, DATE_FORMAT),
        (_("Kết luận"), lambda i: _(i.get_verdict_display()) if i.verdict else None, None),
        (_("Số thông báo kết luận"), lambda i: i.notice_number or None, None),
        (_("Trạng thái"), lambda i: _(i.get_state_display()), None),
    ]
    return sheet(_("Kiểm tra, giám sát"), columns, rows)


def disciplines_workbook(rows: Iterable[Any]) -> bytes:
    columns: list[Column] = [
        (_("Số hồ sơ"), lambda d: d.pk, None),
        (_("Đối tượng"), lambda d: _(d.get_subject_type_display()), None),
        (_("Tên đối tượng"), lambda d: d.subject_name, None),
        (_("Cơ quan có thẩm quyền"), lambda d: d.organisation.name, None),
        (_("Nội dung vi phạm"), lambda d: d.violation, None),
        (_("Ngày vi phạm"), lambda d: d.violated_on, DATE_FORMAT),
        (_("Hình thức đề nghị"), lambda d: _(d.get_proposed_form_display()), None),
        (_("Hình thức kỷ luật"), lambda d: _(d.get_form_display()) if d.form else None, None),
        (_("Hình thức đang áp dụng"), lambda d: _(d.get_current_form_display()) if d.current_form else None, None),
        (_("Số quyết định"), lambda d: d.decision_number or None, None),
        (_("Ngày quyết định"), lambda d: d.decided_on, DATE_FORMAT),
        (_("Trạng thái"), lambda d: _(d.get_state_display()), None),
    ]
    return sheet(_("Kỷ luật đảng"), columns, rows)
