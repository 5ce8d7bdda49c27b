"""API v1 for committee members' reports: the reports a user may read (the office and leaders of
the committee's unit, the member their own), a member sending their report for a week or month,
a leader's answer to a proposal beyond the member's authority, and who has reported in a period.
The same services as the pages; every read starts from `visible_to(request.user)`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from dieuhanh.core import access, audit
from dieuhanh.core.api_pages import Page, PageQuery, page_of
from dieuhanh.core.http import signed_in_user
from dieuhanh.directives import cycle
from dieuhanh.lib.params import DbId
from dieuhanh.reporting import overview, services
from dieuhanh.reporting.models import MemberReport

router = Router()

PERIOD = "Kỳ báo cáo: 2026-W49 (tuần, theo tuần ISO, từ thứ Hai) hoặc 2026-12 (tháng)"


class MemberReportIn(Schema):
    period: str = Field(..., description=PERIOD)
    situation: str = Field("", description="Tình hình: những việc đã diễn ra trong kỳ")
    obstacles: str = Field("", description="Khó khăn, vướng mắc")
    proposals: str = Field("", description="Kiến nghị vượt thẩm quyền (chờ lãnh đạo cho ý kiến)")


class AnswerIn(Schema):
    response: str = Field("", description="Ý kiến của lãnh đạo")


class MemberReportOut(BaseModel):
    id: int
    member: str
    committee: str
    kind: str
    period: str
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date | None
    submitted_on: dt.date
    late: bool
    situation: str
    obstacles: str
    proposals: str
    waiting: bool = Field(..., description="Có kiến nghị chưa được lãnh đạo cho ý kiến")
    leader_response: str
    answered_at: dt.datetime | None


class MemberReportQuery(PageQuery):
    period: str | None = Field(None, description=PERIOD)
    committee: DbId | None = Field(None, description="Cấp uỷ (id)")
    waiting: bool = Field(False, description="Chỉ báo cáo có kiến nghị chờ lãnh đạo cho ý kiến")


class StatusRow(BaseModel):
    member: str
    committee: str
    followed: list[str]
    owes: bool
    state: str = Field(..., description="sent | sent_late | missing | pending | free")
    report: int | None


class StatusOut(BaseModel):
    period: str
    start: dt.date
    end: dt.date
    due: dt.date | None
    counts: dict[str, int]
    members: list[StatusRow]


def report_out(r: MemberReport) -> dict[str, Any]:
    return {
        "id": r.pk, "member": r.member.full_name, "committee": r.committee.name, "kind": r.kind,
        "period": r.period.code, "period_start": r.period_start, "period_end": r.period_end, "due_on": r.due_on,
        "submitted_on": r.submitted_on, "late": r.late, "situation": r.situation, "obstacles": r.obstacles,
        "proposals": r.proposals, "waiting": r.waiting, "leader_response": r.leader_response,
        "answered_at": r.answered_at,
    }


def _period(code: str | None, field: str = "period") -> cycle.Period:
    period = cycle.from_code(code or "")
    if period is None:
        raise ValidationError({field: [f"Kỳ báo cáo không hợp lệ: {code!r}. {PERIOD}."]})
    return period


def _visible(request: HttpRequest, report_id: int) -> MemberReport:
    report = MemberReport.objects.visible_to(request.user).select_related("member", "committee").filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


@router.get("", response=Page[MemberReportOut], summary="Báo cáo của cấp uỷ viên (văn phòng, lãnh đạo; cấp uỷ viên: của mình)")
def list_reports(request: HttpRequest, query: Query[MemberReportQuery]) -> dict[str, Any]:
    qs = MemberReport.objects.visible_to(request.user).select_related("member", "committee")
    if query.period:
        period = _period(query.period)
        qs = qs.filter(kind=period.cadence, period_start=period.start)
    if query.committee is not None:
        qs = qs.filter(committee_id=query.committee)
    if query.waiting:
        qs = qs.waiting()
    return page_of(qs.order_by("-period_start", "member__full_name", "id"), query, report_out)


@router.post("", response={201: MemberReportOut}, summary="Cấp uỷ viên gửi báo cáo tuần hoặc tháng (mỗi kỳ một báo cáo)")
def create_report(request: HttpRequest, payload: MemberReportIn) -> Status:
    period = _period(payload.period)
    with audit.channel("api"):
        report = services.do_submit_member_report(
            actor=signed_in_user(request), period=period, situation=payload.situation,
            obstacles=payload.obstacles, proposals=payload.proposals,
        )
    return Status(201, report_out(_visible(request, report.pk)))


@router.get("/status", response=StatusOut, summary="Ai đã, ai chưa báo cáo trong một kỳ (văn phòng, lãnh đạo)")
def report_status(request: HttpRequest, period: str | None = None, committee: DbId | None = None) -> dict[str, Any]:
    access.require_any(request.user, "reporting", "view", "Bạn không có quyền xem báo cáo của cấp uỷ viên.")
    chosen = _period(period) if period else cycle.period_of("weekly", timezone.localdate())
    rows = overview.rows(request.user, chosen, timezone.localdate(), committee)
    return {
        "period": chosen.code, "start": chosen.start, "end": chosen.end, "due": chosen.due,
        "counts": overview.counts(rows),
        "members": [
            {"member": r.member.full_name, "committee": r.committee.name, "followed": r.followed, "owes": r.owes,
             "state": r.state, "report": r.report.pk if r.report else None}
            for r in rows
        ],
    }


@router.get("/{int:report_id}", response=MemberReportOut, summary="Một báo cáo của cấp uỷ viên")
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_out(_visible(request, report_id))


@router.post("/{int:report_id}/answer", response=MemberReportOut, summary="Lãnh đạo cho ý kiến về kiến nghị vượt thẩm quyền")
def answer_report(request: HttpRequest, report_id: int, payload: AnswerIn) -> dict[str, Any]:
    report = _visible(request, report_id)
    with audit.channel("api"):
        services.do_answer_member_report(actor=signed_in_user(request), report=report, response=payload.response)
    return report_out(_visible(request, report_id))
