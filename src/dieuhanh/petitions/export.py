"""The petition register (*sổ tiếp nhận, xử lý đơn*) as .xlsx, for the rows the list shows
(same `visible_to`, same `PetitionFilter`), all pages.

A confidential petition's petitioner is written as `REDACTED` whoever exports: a file leaves the
system and its readers are not logged, so not even a handler's export carries a denouncer's
name. The identity of other petitions comes through `confidentiality.identity_for`, which
logs nothing for them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dieuhanh.core.http import AnyUser
from dieuhanh.core.xlsx import DATE_FORMAT, Column, sheet
from dieuhanh.petitions import confidentiality
from dieuhanh.petitions.choices import Channel, Field, Ineligibility, Kind, Result, State

__all__ = ["register_workbook", "routing_text"]


def routing_text(p: Any) -> str:
    """The routing decision in words (list, lookup page, register)."""
    day = f"{p.routed_on:%d/%m/%Y}" if p.routed_on else ""
    if p.state == State.RECEIVED:
        return "Chưa xử lý đơn"
    if p.state == State.TRANSFERRED:
        return f"Chuyển đến {p.transferred_to} ngày {day}"
    if p.state == State.GUIDED:
        return f"Hướng dẫn công dân gửi đến cơ quan có thẩm quyền ngày {day}"
    if p.state == State.FILED:
        reason = Ineligibility(p.ineligibility).label if p.ineligibility else ""
        return f"Lưu đơn ngày {day}" + (f": {reason}" if reason else "")
    if p.accepted_on:
        return f"Thụ lý giải quyết ngày {p.accepted_on:%d/%m/%Y}"
    return State(p.state).label


def _identity(user: AnyUser, p: Any) -> dict[str, Any]:
    if p.confidential:
        return confidentiality.redacted()
    if p.is_anonymous:
        return {"name": "(nặc danh)", "address": ""}
    # Not confidential: shown to whoever may see the petition, and no reveal to log.
    return confidentiality.identity_for(user, p, purpose="xuất sổ tiếp nhận đơn") or confidentiality.redacted()


def _result(p: Any) -> str:
    if not p.result:
        return ""
    text = Result(p.result).label
    if p.decision_number:
        text += f" (số {p.decision_number}"
        text += f", ngày {p.concluded_on:%d/%m/%Y})" if p.concluded_on else ")"
    return text


class _Row:
    """A petition with its identity read once (name and address share one decryption)."""

    __slots__ = ("identity", "p")

    def __init__(self, user: AnyUser, p: Any) -> None:
        self.p = p
        self.identity = _identity(user, p)


def register_workbook(petitions: Iterable[Any], user: AnyUser) -> bytes:
    columns: list[Column] = [
        ("Số đơn", lambda r: r.p.number, None),
        ("Mã tra cứu", lambda r: r.p.receipt_code, None),
        ("Ngày nhận", lambda r: r.p.received_on, DATE_FORMAT),
        ("Nguồn đơn", lambda r: Channel(r.p.channel).label, None),
        ("Họ tên người gửi", lambda r: r.identity.get("name", ""), None),
        ("Địa chỉ người gửi", lambda r: r.identity.get("address", ""), None),
        ("Tóm tắt nội dung", lambda r: r.p.subject, None),
        ("Phân loại", lambda r: Kind(r.p.kind).label, None),
        ("Lĩnh vực", lambda r: Field(r.p.field).label, None),
        ("Nơi phát sinh", lambda r: r.p.unit.name, None),
        ("Đơn vị tiếp nhận", lambda r: r.p.receiving_unit.name, None),
        ("Kết quả xử lý đơn", lambda r: routing_text(r.p), None),
        ("Trạng thái", lambda r: State(r.p.state).label, None),
        ("Hạn gần nhất", lambda r: r.p.due_on, DATE_FORMAT),
        ("Hạn giải quyết", lambda r: r.p.resolve_due_on, DATE_FORMAT),
        ("Ngày kết luận, quyết định", lambda r: r.p.concluded_on, DATE_FORMAT),
        ("Kết quả giải quyết", lambda r: _result(r.p), None),
        ("Đánh dấu", lambda r: _flags(r.p), None),
    ]
    return sheet("Sổ tiếp nhận đơn", columns, (_Row(user, p) for p in petitions))


def _flags(p: Any) -> str:
    flags = []
    if p.duplicate_of_id:
        flags.append("Trùng")
    if p.is_over_level:
        flags.append("Vượt cấp")
    if p.prolonged:
        flags.append("Kéo dài")
    if p.time_barred:
        flags.append("Quá thời hiệu")
    return ", ".join(flags)
