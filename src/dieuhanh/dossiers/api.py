"""API v1 for one-stop dossiers: /api/v1/dossiers.

Every read starts from `Dossier.objects.visible_to(request.user)` and the shared
`DossierFilter`, so a query string means the same rows here as on the register page: a dossier
the caller may not see answers 404, receiving at a desk outside the caller's units answers 403,
and bad input answers 422 with `errors` keyed by the field or filter it names, in Vietnamese.

- `GET /api/v1/dossiers`: the register, filtered and paginated (a fixed number of queries per page);
- `POST /api/v1/dossiers`: receive a dossier at a one-stop desk (`services.do_receive_dossier`);
- `GET /api/v1/dossiers/stats`: counts and rates grouped by unit (rolled up to today's units
  across the 2025 reform), unit as recorded, procedure, field, channel or month;
- `GET /api/v1/dossiers/{code}`: one dossier with its steps, deadlines and status history;
- `POST /api/v1/dossiers/{code}/<action>`: one workflow action (`forward`, `step_done`,
  `request_supplement`, `supplemented`, `apology`, `result`, `return`, `refuse`, `withdraw`),
  typed from the page's form: 403 a role that may not, 409 an action the status does not allow
  (or one allowed once, already taken), 422 bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from dieuhanh.core import access, audit, calendar, replicas
from dieuhanh.core.api_pages import Page, PageQuery, filters_of, page_of
from dieuhanh.core.api_refs import UnitRef
from dieuhanh.core.case_api import add_action_routes
from dieuhanh.core.http import AnyUser, signed_in_user
from dieuhanh.dossiers import services, stats
from dieuhanh.dossiers.cases import DOSSIERS, apology_by
from dieuhanh.dossiers.choices import Channel, EventKind
from dieuhanh.dossiers.choices import Status as DossierStatus
from dieuhanh.dossiers.filters import DossierFilter
from dieuhanh.dossiers.models import Dossier, DossierQuerySet, Procedure
from dieuhanh.lib.params import parse_int
from dieuhanh.org.models import AdminUnit

dossiers_router = Router()

LIST_RELATED = ("procedure", "unit")
STATS_FILTERS = ("unit", "procedure", "field", "channel", "date_from", "date_to")


# --- schemas --------------------------------------------------------------------------------


class ProcedureRef(BaseModel):
    code: str = Field(description="Mã thủ tục trên Cơ sở dữ liệu quốc gia về thủ tục hành chính")
    name: str
    field: str = Field(description="Lĩnh vực")
    level: str = Field(description="province | commune")
    processing_days: int = Field(description="Thời hạn giải quyết (ngày làm việc)")


class DossierOut(BaseModel):
    code: str = Field(description="Mã hồ sơ")
    procedure: ProcedureRef
    unit: UnitRef = Field(description="Đơn vị tiếp nhận")
    channel: str = Field(description=" | ".join(Channel.values))
    channel_label: str
    status: str = Field(description=" | ".join(DossierStatus.values))
    status_label: str
    source: str = Field(description="native: tiếp nhận trên Điều Hành | import: nhập từ hệ thống một cửa")
    applicant_name: str
    received_on: dt.date
    due_on: dt.date = Field(description="Ngày hẹn trả trên phiếu hẹn")
    new_due_on: dt.date | None = Field(description="Ngày hẹn lại sau văn bản xin lỗi")
    result_on: dt.date | None = Field(description="Ngày có kết quả")
    returned_on: dt.date | None = Field(description="Ngày trả kết quả")
    timeliness: str = Field(description="early | on_time | late; rỗng khi chưa có kết quả")
    timeliness_label: str
    late_now: bool = Field(description="Đang xử lý và đã quá ngày hẹn trả")
    current_body: str = Field(description="Cơ quan đang xử lý")
    current_step: str = Field(description="Bước đang xử lý")


class DossierStepOut(BaseModel):
    seq: int
    body: int | None = Field(description="Cơ quan xử lý (id)")
    body_name: str
    unit: UnitRef | None = Field(description="Đơn vị của cơ quan xử lý")
    interlevel: bool = Field(description="Bước liên thông sang cơ quan cấp khác")
    task: str
    started_at: dt.datetime = Field(description="Thời điểm cơ quan nhận hồ sơ")
    counts_from: dt.date = Field(
        description="Ngày bắt đầu tính hạn (đến sau giờ chốt, quy tắc dossier.cutoff_hour, thì tính từ ngày làm việc kế tiếp)"
    )
    days: int = Field(description="Số ngày làm việc được giao")
    due_on: dt.date = Field(description="Hạn của bước")
    transfer_due_on: dt.date | None = Field(description="Hạn chuyển hồ sơ sang cơ quan này")
    transferred_late: bool
    state: str = Field(description="open | done")
    finished_at: dt.datetime | None
    late: bool = Field(description="Bước xong sau hạn, hoặc đang mở và đã quá hạn")
    note: str


class EventOut(BaseModel):
    at: dt.datetime
    kind: str = Field(description=" | ".join(EventKind.values))
    kind_label: str
    from_status: str
    to_status: str
    actor: str = Field(description="Người thực hiện; rỗng khi cập nhật từ tệp nhập")
    job: int | None = Field(description="Lượt nhập dữ liệu đã ghi sự kiện (id)")
    note: str


class DeadlinesOut(BaseModel):
    due_on: dt.date = Field(description="Ngày hẹn trả")
    due_computed: bool = Field(description="Ngày hẹn do hệ thống tính từ thời hạn thủ tục và lịch làm việc")
    apology_on: dt.date | None = Field(description="Ngày văn bản xin lỗi")
    apology_reason: str
    new_due_on: dt.date | None
    effective_due_on: dt.date = Field(description="Ngày công dân đang được hẹn (ngày hẹn lại nếu có)")
    supplement_requested_on: dt.date | None
    supplemented_on: dt.date | None
    days_late: int | None = Field(description="Số ngày làm việc quá hạn (khi đang quá hạn)")
    counts_from: dt.date = Field(description=(
        "Ngày bắt đầu tính thời hạn giải quyết: ngày tiếp nhận, hoặc ngày làm việc tiếp theo khi hồ sơ nộp trực "
        "tuyến ngoài giờ hành chính hay vào ngày nghỉ (quy tắc dossier.office_hours_end)"))
    apology_by: dt.date | None = Field(description=(
        "Ngày chậm nhất còn được ban hành văn bản xin lỗi, hẹn lại (quy tắc dossier.apology_before_due); rỗng khi "
        "hồ sơ đã kết thúc hoặc đã xin lỗi đủ số lần"))
    open_step_due_on: dt.date | None = Field(description="Hạn của bước đang mở")


class DossierDetailOut(DossierOut):
    applicant_phone: str
    applicant_email: str
    no_contact: bool = Field(description="Người nộp không nhận tin báo qua thư điện tử, tin nhắn")
    applicant_address: str
    received_at: dt.datetime | None
    supplement_note: str
    return_method: str
    deadlines: DeadlinesOut
    steps: list[DossierStepOut]
    events: list[EventOut]
    allowed_actions: list[str]


DossierPage = Page[DossierOut]


class DossierQuery(PageQuery):
    unit: str | None = Field(None, description="Đơn vị tiếp nhận (id), gồm đơn vị trực thuộc và các đơn vị nó kế thừa")
    procedure: str | None = Field(None, description="Mã thủ tục")
    field: str | None = Field(None, description="Lĩnh vực")
    channel: str | None = Field(None, description=" | ".join(Channel.values))
    status: str | None = Field(None, description=" | ".join(DossierStatus.values) + " | open | late_now | due_soon")
    timeliness: str | None = Field(None, description="early | on_time | late | in_time (trước hạn và đúng hạn)")
    source: str | None = Field(None, description="native | import")
    date_from: str | None = Field(None, description="Tiếp nhận từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy)")
    date_to: str | None = Field(None, description="Tiếp nhận đến ngày")
    q: str | None = Field(None, description="Tìm không dấu theo mã hồ sơ, người nộp")


class DossierIn(Schema):
    procedure: str = Field("", description="Mã thủ tục")
    unit: int | None = Field(None, description="Đơn vị tiếp nhận (id)")
    channel: str = Field(Channel.DESK, description=" | ".join(Channel.values))
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_address: str = ""
    applicant_email: str = Field("", description="Thư điện tử người nộp")
    no_contact: bool = Field(False, description="Người nộp không nhận tin báo qua thư điện tử, tin nhắn")
    received_at: dt.datetime | None = Field(None, description="Thời điểm tiếp nhận; mặc định bây giờ")
    code: str = Field("", description="Mã hồ sơ; để trống để hệ thống cấp")
    note: str = ""


class DossierStatsRow(BaseModel):
    key: int | str | None
    label: str
    received: int
    finished: int = Field(description="Đã có kết quả")
    early: int = Field(description="Trước hạn")
    on_time: int = Field(description="Đúng hạn")
    late: int = Field(description="Quá hạn")
    open: int = Field(description="Đang xử lý")
    late_now: int = Field(description="Đang xử lý, đã quá hạn")
    online: int = Field(description="Tiếp nhận trực tuyến")
    postal: int = Field(description="Tiếp nhận hoặc trả kết quả qua bưu chính công ích")
    apologies: int = Field(description="Có văn bản xin lỗi, hẹn lại")
    early_rate: float | None = Field(description="Trước hạn ÷ đã có kết quả")
    on_time_rate: float | None = Field(description="(Trước hạn + đúng hạn) ÷ đã có kết quả")
    late_rate: float | None = Field(description="Quá hạn ÷ đã có kết quả")
    online_share: float | None = Field(description="Trực tuyến ÷ tiếp nhận")
    postal_share: float | None = Field(description="Bưu chính ÷ tiếp nhận")


class DossierStatsOut(BaseModel):
    by: str
    date_from: dt.date | None
    date_to: dt.date | None
    today: dt.date = Field(description="Ngày tính «đang quá hạn»")
    rows: list[DossierStatsRow]
    totals: DossierStatsRow
    notes: list[str]


class DossierStatsQuery(Schema):
    by: str = Field("unit", description=" | ".join(stats.GROUPS))
    unit: str | None = Field(None, description="Đơn vị tiếp nhận (id), gồm các đơn vị nó kế thừa")
    procedure: str | None = Field(None, description="Mã thủ tục")
    field: str | None = Field(None, description="Lĩnh vực")
    channel: str | None = Field(None, description=" | ".join(Channel.values))
    date_from: str | None = Field(None, description="Tiếp nhận từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy)")
    date_to: str | None = Field(None, description="Tiếp nhận đến ngày")
    year: str | None = Field(None, description="Năm tiếp nhận, khi không có khoảng ngày; mặc định năm nay")


# --- helpers -----------------------------------------------------------------------------------


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _queryset(request: HttpRequest) -> DossierQuerySet:
    return Dossier.objects.visible_to(request.user)


def _visible(request: HttpRequest, code: str) -> Dossier:
    d = _queryset(request).select_related(*LIST_RELATED).filter(code=code).first()
    if d is None:
        raise Http404
    return d


def _unit_ref(u: AdminUnit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name}


def dossier_out(d: Dossier, today: dt.date) -> dict[str, Any]:
    p = d.procedure
    return {
        "code": d.code,
        "procedure": {
            "code": p.code, "name": p.name, "field": p.field, "level": p.level, "processing_days": p.processing_days,
        },
        "unit": _unit_ref(d.unit),
        "channel": d.channel,
        "channel_label": d.get_channel_display(),
        "status": d.status,
        "status_label": d.get_status_display(),
        "source": d.source,
        "applicant_name": d.applicant_name,
        "received_on": d.received_on,
        "due_on": d.due_on,
        "new_due_on": d.new_due_on,
        "result_on": d.result_on,
        "returned_on": d.returned_on,
        "timeliness": d.timeliness,
        "timeliness_label": d.get_timeliness_display() if d.timeliness else "",
        "late_now": d.late_now(today),
        "current_body": d.current_body,
        "current_step": d.current_step,
    }


def dossier_detail_out(request: HttpRequest, d: Dossier) -> dict[str, Any]:
    today = timezone.localdate()
    steps = list(d.steps.select_related("unit").order_by("seq"))
    events = list(d.events.select_related("actor").order_by("at", "id"))
    open_step = next((s for s in reversed(steps) if s.state == "open"), None)
    late = d.late_now(today)
    data = dossier_out(d, today)
    data.update(
        applicant_phone=d.applicant_phone,
        applicant_email=d.applicant_email or "",
        no_contact=bool(d.no_contact),
        applicant_address=d.applicant_address,
        received_at=timezone.localtime(d.received_at) if d.received_at else None,
        supplement_note=d.supplement_note,
        return_method=d.return_method,
        deadlines={
            "due_on": d.due_on,
            "due_computed": d.due_computed,
            "apology_on": d.apology_on,
            "apology_reason": d.apology_reason,
            "new_due_on": d.new_due_on,
            "effective_due_on": d.effective_due_on,
            "supplement_requested_on": d.supplement_requested_on,
            "supplemented_on": d.supplemented_on,
            "days_late": calendar.working_days_between(d.due_on, today) if late else None,
            "counts_from": services.dossier_counts_from(d),
            "apology_by": apology_by(d),
            "open_step_due_on": open_step.due_on if open_step else None,
        },
        steps=[
            {
                "seq": s.seq,
                "body": s.body_id,
                "body_name": s.body_name,
                "unit": _unit_ref(s.unit) if s.unit else None,
                "interlevel": s.interlevel,
                "task": s.task,
                "started_at": timezone.localtime(s.started_at),
                "counts_from": s.counts_from,
                "days": s.days,
                "due_on": s.due_on,
                "transfer_due_on": s.transfer_due_on,
                "transferred_late": s.transferred_late,
                "state": s.state,
                "finished_at": timezone.localtime(s.finished_at) if s.finished_at else None,
                "late": s.late(today),
                "note": s.note,
            }
            for s in steps
        ],
        events=[
            {
                "at": timezone.localtime(e.at),
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": (e.actor.get_full_name() or e.actor.get_username()) if e.actor else "",
                "job": e.job_id,
                "note": e.note,
            }
            for e in events
        ],
        allowed_actions=[str(a) for a in services.allowed_actions(request.user, d)],
    )
    return data


def stats_filter(query: DossierStatsQuery, today: dt.date) -> DossierFilter:
    """The statistics' filters through the shared `DossierFilter`; without a date range, the
    year (this year by default). Bad values raise a ValidationError naming the filter."""
    params = {name: getattr(query, name) for name in STATS_FILTERS if getattr(query, name) not in (None, "")}
    errors: dict[str, list[str]] = {}
    if query.by not in stats.GROUPS:
        errors["by"] = [_("Cách nhóm không hợp lệ: %(by)s (chọn một trong: %(value)s).") % {"by": repr(query.by), "value": ', '.join(stats.GROUPS)}]
    year: int | None = None
    if query.year not in (None, ""):
        try:
            year = parse_int(query.year, "year", _("Năm"), min_value=1900, max_value=9999)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "date_from" not in params and "date_to" not in params and "year" not in errors:
        year = year or today.year
        params.update(date_from=f"{year}-01-01", date_to=f"{year}-12-31")
    try:
        flt = DossierFilter.from_params(params)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise(errors)
    return flt


def require_stats_role(user: AnyUser) -> None:
    if not access.holds(user, "dossiers", "stats"):
        raise PermissionDenied(_("Thống kê hồ sơ thủ tục hành chính dành cho văn phòng, lãnh đạo và cán bộ một cửa."))


# --- endpoints (/stats before /{code}, so the path is not read as a dossier code) ---------------


@dossiers_router.get("", response=DossierPage, summary="Danh sách hồ sơ (lọc theo đơn vị, thủ tục, kênh, trạng thái, ngày)")
def list_dossiers(request: HttpRequest, query: Query[DossierQuery]) -> dict[str, Any]:
    params = {k: v for k, v in filters_of(query).items() if v not in (None, "")}
    flt = DossierFilter.from_params(params)
    today = timezone.localdate()
    qs = flt.apply(_queryset(request), today).select_related(*LIST_RELATED).order_by("-received_on", "-id")
    return page_of(qs, query, lambda d: dossier_out(d, today))


@dossiers_router.post("", response={201: DossierDetailOut}, summary="Tiếp nhận hồ sơ tại Bộ phận Một cửa")
def create_dossier(request: HttpRequest, payload: DossierIn) -> Status:
    errors: dict[str, list[str]] = {}
    procedure = Procedure.objects.filter(code=payload.procedure.strip()).first() if payload.procedure.strip() else None
    if procedure is None:
        errors["procedure"] = [
            _("Không tìm thấy thủ tục có mã %(value)s.") % {"value": repr(payload.procedure.strip())} if payload.procedure.strip()
            else _("Thiếu mã thủ tục.")
        ]
    unit = AdminUnit.objects.filter(pk=payload.unit).first() if payload.unit is not None else None
    if unit is None:
        errors["unit"] = [_("Không tìm thấy đơn vị có id %(unit)s.") % {"unit": payload.unit} if payload.unit is not None
                          else _("Thiếu đơn vị tiếp nhận.")]
    _raise(errors)
    assert procedure is not None and unit is not None  # their absence was raised above
    with audit.channel("api"):
        d = services.do_receive_dossier(
            actor=signed_in_user(request), procedure=procedure, unit=unit, channel=payload.channel,
            applicant_name=payload.applicant_name, applicant_phone=payload.applicant_phone,
            applicant_address=payload.applicant_address, received_at=payload.received_at, code=payload.code,
            note=payload.note, applicant_email=payload.applicant_email, no_contact=payload.no_contact,
        )
    return Status(201, dossier_detail_out(request, _visible(request, d.code)))


@dossiers_router.get("/stats", response=DossierStatsOut, summary="Thống kê trước hạn, đúng hạn, quá hạn, trực tuyến, bưu chính")
def dossier_stats(request: HttpRequest, query: Query[DossierStatsQuery]) -> dict[str, Any]:
    require_stats_role(request.user)
    today = timezone.localdate()
    flt = stats_filter(query, today)
    qs = flt.apply(_queryset(request), today)
    with replicas.reading_statistics():
        result = stats.table(qs, by=query.by, today=today)
    return {
        "by": query.by,
        "date_from": flt.date_from,
        "date_to": flt.date_to,
        "today": today,
        "rows": [row.as_dict() for row in result.rows],
        "totals": result.total.as_dict(),
        "notes": result.notes,
    }


# The workflow's actions, one route each (`POST /{code}/<action>`, from cases.DossierCases), are
# added before the detail route: a code may hold slashes, so `{path:code}` would take the action
# name as part of the code.
add_action_routes(dossiers_router, DOSSIERS, key="path:code", lookup=_visible, detail=dossier_detail_out,
                  schema=DossierDetailOut)


@dossiers_router.get("/{path:code}", response=DossierDetailOut, summary="Chi tiết hồ sơ: các bước, thời hạn và lịch sử")
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    return dossier_detail_out(request, _visible(request, code))
