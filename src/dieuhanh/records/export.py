""".xlsx of the registers, with the columns of the paper registers (Decree 30/2020/NĐ-CP,
Appendix IV): the rows the page lists, all pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dieuhanh.core.xlsx import DATE_FORMAT, Column, sheet


def outgoing_workbook(rows: Iterable[Any]) -> bytes:
    columns: list[Column] = [
        (_("Số, ký hiệu"), lambda d: d.symbol, None),
        (_("Ngày ban hành"), lambda d: d.issued_on, DATE_FORMAT),
        (_("Loại văn bản"), lambda d: _(d.get_kind_display()), None),
        (_("Trích yếu"), lambda d: d.subject, None),
        (_("Cơ quan ban hành"), lambda d: d.issuer.name, None),
        (_("Người ký"), lambda d: d.signer.full_name if d.signer_id else None, None),
        (_("Nơi nhận"), lambda d: d.recipients, None),
        (_("Mức độ khẩn"), lambda d: _(d.get_urgency_display()), None),
        (_("Độ mật"), lambda d: _(d.get_secrecy_display()) if d.secrecy else None, None),
        (_("Thay thế văn bản"), lambda d: d.replaces.symbol if d.replaces_id else None, None),
        (_("Mã SHA-256 của tệp"), lambda d: d.sha256, None),
    ]
    return sheet(_("Sổ văn bản đi"), columns, rows)


def incoming_workbook(rows: Iterable[Any]) -> bytes:
    columns: list[Column] = [
        (_("Số đến"), lambda d: d.arrival_number, None),
        (_("Ngày đến"), lambda d: d.received_on, DATE_FORMAT),
        (_("Cơ quan, tổ chức gửi"), lambda d: d.sender_name, None),
        (_("Số, ký hiệu"), lambda d: d.symbol, None),
        (_("Ngày văn bản"), lambda d: d.issued_on, DATE_FORMAT),
        (_("Loại văn bản"), lambda d: _(d.get_kind_display()), None),
        (_("Trích yếu"), lambda d: d.subject, None),
        (_("Cơ quan nhận"), lambda d: d.receiver.name, None),
        (_("Mức độ khẩn"), lambda d: _(d.get_urgency_display()), None),
        (_("Độ mật"), lambda d: _(d.get_secrecy_display()) if d.secrecy else None, None),
        (_("Hạn xử lý"), lambda d: d.handle_by, DATE_FORMAT),
        (_("Đã giao xử lý"), lambda d: _("Có") if d.document_id else _("Chưa"), None),
        (_("Mã SHA-256 của tệp"), lambda d: d.sha256 or None, None),
    ]
    return sheet(_("Sổ văn bản đến"), columns, rows)
