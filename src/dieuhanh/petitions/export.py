"""The petition register (*sổ tiếp nhận, xử lý đơn*) as .xlsx, for the rows the list shows
(same `visible_to`, same `PetitionFilter`), all pages.

A confidential petition's petitioner is written as `REDACTED` whoever exports: a file leaves the
system and its readers are not logged, so not even a handler's export carries a denouncer's
name. The identity of other petitions comes through `confidentiality.identity_for`, which
logs nothing for them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dieuhanh.core.http import AnyUser
from dieuhanh.core.xlsx import DATE_FORMAT, Column, sheet
from dieuhanh.petitions import confidentiality
from dieuhanh.petitions.choices import Channel, Field, Ineligibility, Kind, Result, State

__all__ = ["register_workbook", "routing_text"]


def routing_text(p: Any) -> str:
    """The routing decision in words (list, lookup page, register)."""
    day = f"{p.routed_on:%d/%m/%Y}" if p.routed_on else ""
    if p.state == State.RECEIVED:
        return _("Chưa xử lý đơn")
    if p.state == State.TRANSFERRED:
        return _("Chuyển đến %(transferred_to)s ngày %(day)s") % {"transferred_to": p.transferred_to, "day": day}
    if p.state == State.GUIDED:
        return _("Hướng dẫn công dân gửi đến cơ quan có thẩm quyền ngày %(day)s") % {"day": day}
    if p.state == State.FILED:
        reason = str(Ineligibility(p.ineligibility).label) if p.ineligibility else ""
        return _("Lưu đơn ngày %(day)s") % {"day": day} + (f": {reason}" if reason else "")
    if p.accepted_on:
        return _("Thụ lý giải quyết ngày %(accepted_on)s") % {"accepted_on": format(p.accepted_on, '%d/%m/%Y')}
    return str(State(p.state).label)


def _identity(user: AnyUser, p: Any) -> dict[str, Any]:
    if p.confidential:
        return confidentiality.redacted()
    if p.is_anonymous:
        return {"name": _("(nặc danh)"), "address": ""}
    # Not confidential: shown to whoever may see the petition, and no reveal to log.
    return confidentiality.identity_for(user, p, purpose="xuất sổ tiếp nhận đơn") or confidentiality.redacted()


def _result(p: Any) -> str:
    if not p.result:
        return ""
    result = str(Result(p.result).label)
    if p.decision_number and p.concluded_on:
        return _("%(result)s (số %(number)s, ngày %(day)s)") % {
            "result": result, "number": p.decision_number, "day": format(p.concluded_on, "%d/%m/%Y")}
    if p.decision_number:
        return _("%(result)s (số %(number)s)") % {"result": result, "number": p.decision_number}
    return result


class _Row:
    """A petition with its identity read once (name and address share one decryption)."""

    __slots__ = ("identity", "p")

    def __init__(self, user: AnyUser, p: Any) -> None:
        self.p = p
        self.identity = _identity(user, p)


def register_workbook(petitions: Iterable[Any], user: AnyUser) -> bytes:
    columns: list[Column] = [
        (_("Số đơn"), lambda r: r.p.number, None),
        (_("Mã tra cứu"), lambda r: r.p.receipt_code, None),
        (_("Ngày nhận"), lambda r: r.p.received_on, DATE_FORMAT),
        (_("Nguồn đơn"), lambda r: Channel(r.p.channel).label, None),
        (_("Họ tên người gửi"), lambda r: r.identity.get("name", ""), None),
        (_("Địa chỉ người gửi"), lambda r: r.identity.get("address", ""), None),
        (_("Tóm tắt nội dung"), lambda r: r.p.subject, None),
        (_("Phân loại"), lambda r: Kind(r.p.kind).label, None),
        (_("Lĩnh vực"), lambda r: Field(r.p.field).label, None),
        (_("Nơi phát sinh"), lambda r: r.p.unit.name, None),
        (_("Đơn vị tiếp nhận"), lambda r: r.p.receiving_unit.name, None),
        (_("Kết quả xử lý đơn"), lambda r: routing_text(r.p), None),
        (_("Trạng thái"), lambda r: State(r.p.state).label, None),
        (_("Hạn gần nhất"), lambda r: r.p.due_on, DATE_FORMAT),
        (_("Hạn giải quyết"), lambda r: r.p.resolve_due_on, DATE_FORMAT),
        (_("Ngày kết luận, quyết định"), lambda r: r.p.concluded_on, DATE_FORMAT),
        (_("Kết quả giải quyết"), lambda r: _result(r.p), None),
        (_("Đánh dấu"), lambda r: _flags(r.p), None),
    ]
    return sheet(_("Sổ tiếp nhận đơn"), columns, (_Row(user, p) for p in petitions))


def _flags(p: Any) -> str:
    flags = []
    if p.duplicate_of_id:
        flags.append(_("Trùng"))
    if p.is_over_level:
        flags.append(_("Vượt cấp"))
    if p.prolonged:
        flags.append(_("Kéo dài"))
    if p.time_barred:
        flags.append(_("Quá thời hiệu"))
    return ", ".join(flags)
