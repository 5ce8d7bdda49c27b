"""API v1 for petitions: /api/v1/petitions.

Every read starts from `Petition.objects.visible_to(request.user)`: a petition the caller may not
see answers 404. The workflow's actions are one route each, `POST /{id}/<action>`, built from
`cases.PetitionCases` by `core.case_api`: 403 an action the caller's roles do not allow, 409 one
the petition's state does not allow (`errors.state`), 422 input refused, `errors` keyed by the
field the client sent (`accepted_on`, `routed_on`, `concluded_on`, ...).

The petitioner of a confidential petition (a denunciation) is `REDACTED` in lists and in the
detail, for everyone — handlers included. Handlers read the identity only through
`POST /{id}/reveal`, which logs the reveal in the audit chain (Law on Denunciations Arts 8, 9,
47)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from dieuhanh.core import audit, replicas
from dieuhanh.core.api_pages import Page, PageQuery, filters_of, page_of
from dieuhanh.core.api_refs import Ref, UnitRef
from dieuhanh.core.case_api import add_action_routes
from dieuhanh.lib.params import INT32_MAX, DbId
from dieuhanh.org.models import AdminUnit, Organisation
from dieuhanh.petitions import confidentiality, deadlines, receiving, services, stats
from dieuhanh.petitions.cases import PETITIONS
from dieuhanh.petitions.choices import (
    Action,
    Channel,
    State,
)
from dieuhanh.petitions.choices import Field as PetitionField
from dieuhanh.petitions.filters import PetitionFilter, timings
from dieuhanh.petitions.models import Petition, PetitionQuerySet, ReceptionSession

petitions_router = Router()

STATS_GROUPS = ("unit", "unit_then", "field", "kind")


# --- schemas --------------------------------------------------------------------------------
# Output schemas are plain pydantic models, as in directives/api.py: they document and validate
# the response without django-ninja's per-attribute ORM wrapper.


class Flags(BaseModel):
    duplicate_of: int | None = Field(None, description="Đơn trùng nội dung với đơn này (id)")
    duplicate_score: float | None = None
    over_level: bool = Field(description="Vượt cấp")
    prolonged: bool = Field(description="Kéo dài")
    time_barred: bool = Field(description="Khiếu nại quá thời hiệu, chưa ghi lý do trở ngại khách quan (Luật Khiếu nại, Điều 9, 33)")
    notes: str = Field(description="Căn cứ đánh dấu")


class PetitionerName(BaseModel):
    name: str = Field(description=f"Họ tên người gửi; «{confidentiality.REDACTED}» với đơn bảo mật")


class Identity(BaseModel):
    name: str
    address: str
    phone: str
    email: str
    id_number: str
    co_signers: list[str]


class DeadlineOut(BaseModel):
    step: str
    label: str
    start: dt.date
    due_on: dt.date | None = Field(description="Hạn; null khi đang tạm đình chỉ")
    met_on: dt.date | None
    status: str = Field(description="open | overdue | met | met_late | paused")
    rule: str = Field(description="Mã quy tắc thời hạn")
    rule_name: str
    period: str = Field(description="Ví dụ «10 ngày làm việc»")
    citation: str = Field(description="Căn cứ pháp lý")


class PetitionStepOut(BaseModel):
    action: str
    action_label: str
    on: dt.date
    at: dt.datetime
    actor: str
    from_state: str
    to_state: str
    note: str
    legal_basis: str
    document_number: str
    due_on: dt.date | None


class PetitionOut(BaseModel):
    id: int
    number: str = Field(description="Số vào sổ (số/năm)")
    receipt_code: str = Field(description="Mã tra cứu của công dân")
    kind: str
    kind_label: str
    field: str
    field_label: str
    subject: str
    state: str
    state_label: str
    unit: UnitRef = Field(description="Nơi phát sinh vụ việc")
    receiving_unit: UnitRef
    received_on: dt.date
    due_on: dt.date | None = Field(description="Hạn gần nhất chưa hoàn thành")
    due_rule: str = Field(description="Quy tắc của hạn gần nhất")
    resolve_due_on: dt.date | None = Field(description="Hạn giải quyết")
    file_limit_on: dt.date | None = Field(description="Khiếu nại: ngày cuối của thời hiệu (Luật Khiếu nại, Điều 9; lần hai: Điều 33)")
    timing: str = Field(description="overdue | due_soon | on_track | on_time | late | none")
    confidential: bool
    is_anonymous: bool
    no_contact: bool = Field(description="Người gửi không nhận tin báo qua thư điện tử, tin nhắn")
    flags: Flags
    petitioner: PetitionerName


class PetitionDetailOut(PetitionOut):
    content: str
    respondent: str
    channel: str
    channel_label: str
    dated_on: dt.date | None
    place: str
    lat: float | None
    lon: float | None
    signer_count: int
    handling_org: Ref | None
    session: int | None
    transferred_from: str
    transferred_to: str
    eligible: bool | None
    ineligibility: str
    level: int
    previous: int | None
    complexity: str
    remote: bool
    multi_site: bool
    against_party_member: bool
    routed_on: dt.date | None
    accepted_on: dt.date | None
    extensions: int
    suspended_on: dt.date | None
    suspended_days: int
    concluded_on: dt.date | None
    result: str
    result_label: str
    conclusion: str
    decision_number: str
    decision_sent_on: dt.date | None
    closed_on: dt.date | None
    task: int | None
    handlers: list[Ref]
    identity: Identity = Field(
        description="Danh tính người gửi; mọi trường «" + confidentiality.REDACTED + "» với đơn bảo mật "
        "(người xử lý xem qua POST /{id}/reveal)"
    )
    deadlines: list[DeadlineOut]
    steps: list[PetitionStepOut]
    allowed_actions: list[str]


PetitionPage = Page[PetitionOut]


class SealedLinkOut(BaseModel):
    petition: int
    number: str
    relation: str = Field(description="repeats (đơn này trùng đơn nhận trước) | repeated_by (đơn nhận sau trùng đơn này)")
    relation_label: str
    score: float | None = None


class RevealOut(BaseModel):
    petition: int
    identity: Identity
    logged: bool = Field(description="Lần xem đã được ghi vào nhật ký (đơn bảo mật)")
    links: list[SealedLinkOut] = Field(
        default_factory=list,
        description="Liên kết trùng nội dung giữa đơn bảo mật và đơn khác: bảo mật như danh tính, chỉ người xử lý xem",
    )


class PetitionQuery(PageQuery):
    kind: str | None = Field(None, description="complaint | denunciation | recommendation | feedback | mixed")
    field: str | None = Field(None, description="Lĩnh vực: " + " | ".join(PetitionField.values))
    state: str | None = Field(None, description="Trạng thái: " + " | ".join(State.values) + "; open: mọi đơn chưa xong")
    unit: DbId | None = Field(None, description="Nơi phát sinh: đơn vị, các đơn vị trực thuộc và các đơn vị nó kế thừa")
    timing: str | None = Field(None, description=" | ".join(timings()))
    year: int | None = Field(None, description="Năm vào sổ")
    session: DbId | None = Field(None, description="Buổi tiếp công dân (id)")
    duplicate: bool | None = Field(None, description="Đơn trùng")
    over_level: bool | None = Field(None, description="Đơn vượt cấp")
    prolonged: bool | None = Field(None, description="Đơn kéo dài")
    time_barred: bool | None = Field(None, description="Khiếu nại quá thời hiệu (Luật Khiếu nại, Điều 9, 33)")
    resolved: bool | None = Field(None, description="Đã giải quyết (có quyết định, kết luận)")
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str | None = Field(None, description="Tìm không dấu theo số, mã tra cứu, nội dung, địa điểm")


class PetitionIn(Schema):
    kind: str = Field("", description="complaint | denunciation | recommendation | feedback | mixed")
    field: str = Field(PetitionField.OTHER, description="Lĩnh vực")
    channel: str = Field(Channel.DESK, description=" | ".join(Channel.values))
    subject: str = ""
    content: str = Field("", description="Nội dung đơn")
    respondent: str = Field("", description="Người, cơ quan hoặc quyết định bị khiếu nại, tố cáo")
    unit: int | None = Field(None, description="Nơi phát sinh vụ việc (id)")
    receiving_unit: int | None = Field(None, description="Đơn vị tiếp nhận (id); mặc định là nơi phát sinh")
    received_on: dt.date | None = None
    dated_on: dt.date | None = None
    name: str = Field("", description="Họ tên người gửi")
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = Field("", description="Số định danh cá nhân")
    co_signers: list[str] = Field(default_factory=list)
    is_anonymous: bool = False
    no_contact: bool = Field(False, description="Người gửi không nhận tin báo qua thư điện tử, tin nhắn")
    signer_count: int = Field(1, ge=1, le=INT32_MAX)
    session: int | None = Field(None, description="Buổi tiếp công dân (id)")
    transferred_from: str = ""
    against_party_member: bool = False
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    handling_org: int | None = Field(None, description="Cơ quan giải quyết (id)")


class PetitionStatsRow(BaseModel):
    key: int | str | None
    label: str
    received: int
    routed: int
    accepted: int
    transferred: int
    guided: int
    filed: int
    resolved: int
    on_time: int
    late: int
    open: int
    overdue: int
    duplicates: int
    over_level: int
    prolonged: int
    routed_rate: float | None
    resolution_rate: float | None
    on_time_rate: float | None


class PetitionStatsOut(BaseModel):
    year: int
    by: str
    rows: list[PetitionStatsRow]
    totals: PetitionStatsRow


class PetitionStatsQuery(Schema):
    year: int | None = Field(None, description="Năm nhận đơn; mặc định năm nay")
    by: str = Field("unit", description=" | ".join(STATS_GROUPS))


# --- filters --------------------------------------------------------------------------------


def filter_petitions(qs: PetitionQuerySet, query: PetitionQuery) -> PetitionQuerySet:
    """The register's filter (`filters.PetitionFilter`, that of the list page and the export).
    Bad values raise a ValidationError naming the parameter."""
    return PetitionFilter.from_params(filters_of(query)).apply(qs)


# --- serialisation ----------------------------------------------------------------------------


def _unit_ref(u: AdminUnit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name}


def petition_out(p: Petition) -> dict[str, Any]:
    """The list item. The petitioner's name goes through `public_name`, which never opens a
    confidential petition's identity."""
    timing = getattr(p, "timing", None)
    return {
        "id": p.pk,
        "number": p.number,
        "receipt_code": p.receipt_code,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "field": p.field,
        "field_label": p.get_field_display(),
        "subject": p.subject,
        "state": p.state,
        "state_label": p.get_state_display(),
        "unit": _unit_ref(p.unit),
        "receiving_unit": _unit_ref(p.receiving_unit),
        "received_on": p.received_on,
        "due_on": p.due_on,
        "due_rule": p.due_rule,
        "resolve_due_on": p.resolve_due_on,
        "file_limit_on": p.file_limit_on,
        "timing": timing if isinstance(timing, str) else p.timing(),
        "confidential": p.confidential,
        "is_anonymous": p.is_anonymous,
        "no_contact": p.no_contact,
        "flags": {
            "duplicate_of": p.duplicate_of_id,
            "duplicate_score": p.duplicate_score,
            "over_level": p.is_over_level,
            "prolonged": p.prolonged,
            "time_barred": p.time_barred,
            "notes": p.flag_notes,
        },
        "petitioner": {"name": confidentiality.public_name(p)},
    }


def _identity_out(identity: dict[str, Any]) -> dict[str, Any]:
    co = identity.get("co_signers") or []
    return {
        "name": str(identity.get("name") or ""),
        "address": str(identity.get("address") or ""),
        "phone": str(identity.get("phone") or ""),
        "email": str(identity.get("email") or ""),
        "id_number": str(identity.get("id_number") or ""),
        "co_signers": [str(c) for c in co] if isinstance(co, list) else [str(co)],
    }


def deadline_out(d: deadlines.Deadline, today: dt.date) -> dict[str, Any]:
    return {
        "step": d.step,
        "label": str(d.label),
        "start": d.start,
        "due_on": d.due_on,
        "met_on": d.met_on,
        "status": d.status(today),
        "rule": d.rule.code,
        "rule_name": d.rule.name,
        "period": d.period_text,
        "citation": d.citation,
    }


def petition_detail_out(request: HttpRequest, p: Petition) -> dict[str, Any]:
    today = timezone.localdate()
    data = petition_out(p)
    if p.confidential:
        # Redacted for everyone here, handlers included: their reveal is a separate, logged call.
        identity = confidentiality.redacted()
    else:
        identity = confidentiality.identity_for(request.user, p) or confidentiality.redacted()
    data.update(
        content=p.content,
        respondent=p.respondent,
        channel=p.channel,
        channel_label=p.get_channel_display(),
        dated_on=p.dated_on,
        place=p.place,
        lat=p.lat,
        lon=p.lon,
        signer_count=p.signer_count,
        handling_org={"id": p.handling_org.pk, "name": p.handling_org.name} if p.handling_org else None,
        session=p.session_id,
        transferred_from=p.transferred_from,
        transferred_to=p.transferred_to,
        eligible=p.eligible,
        ineligibility=p.ineligibility,
        level=p.level,
        previous=p.previous_id,
        complexity=p.complexity,
        remote=p.remote,
        multi_site=p.multi_site,
        against_party_member=p.against_party_member,
        routed_on=p.routed_on,
        accepted_on=p.accepted_on,
        extensions=p.extensions,
        suspended_on=p.suspended_on,
        suspended_days=p.suspended_days,
        concluded_on=p.concluded_on,
        result=p.result,
        result_label=p.get_result_display() if p.result else "",
        conclusion=p.conclusion,
        decision_number=p.decision_number,
        decision_sent_on=p.decision_sent_on,
        closed_on=p.closed_on,
        task=p.task_id,
        handlers=[
            {"id": a.user.pk, "name": a.user.get_full_name() or a.user.get_username()}
            for a in p.assignments.select_related("user").order_by("assigned_on", "id")
        ],
        identity=_identity_out(identity),
        deadlines=[deadline_out(d, today) for d in deadlines.compute(p)],
        steps=[
            {
                "action": s.action,
                "action_label": s.get_action_display(),
                "on": s.on,
                "at": timezone.localtime(s.at),
                "actor": s.actor_name,
                "from_state": s.from_state,
                "to_state": s.to_state,
                "note": s.note,
                "legal_basis": s.legal_basis,
                "document_number": s.document_number,
                "due_on": s.due_on,
            }
            for s in p.steps.order_by("on", "id")
        ],
        allowed_actions=services.allowed_actions(request.user, p),
    )
    return data


# --- lookups ----------------------------------------------------------------------------------


def _petition_queryset(request: HttpRequest) -> PetitionQuerySet:
    return Petition.objects.visible_to(request.user).select_related("unit", "receiving_unit")


def _visible(request: HttpRequest, petition_id: int) -> Petition:
    p = _petition_queryset(request).select_related("handling_org").filter(pk=petition_id).first()
    if p is None:
        raise Http404
    return p


def _resolve(qs: Any, pk: int | None, field: str, label: str, errors: dict[str, list[str]]) -> Any:
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        errors[field] = [_("Không tìm thấy %(label)s có id %(number)s.") % {"label": label, "number": pk}]
    return obj


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- list, create, detail -------------------------------------------------------------------------


@petitions_router.get("", response=PetitionPage, summary="Danh sách đơn (lọc theo loại, lĩnh vực, trạng thái, đơn vị, hạn)")
def list_petitions(request: HttpRequest, query: Query[PetitionQuery]) -> dict[str, Any]:
    qs = filter_petitions(_petition_queryset(request), query).order_by("-received_on", "-id")
    return page_of(qs, query, petition_out)


@petitions_router.post("", response={201: PetitionDetailOut}, summary="Tiếp nhận đơn")
def create_petition(request: HttpRequest, payload: PetitionIn) -> Status:
    errors: dict[str, list[str]] = {}
    unit = _resolve(AdminUnit.objects, payload.unit, "unit", _("nơi phát sinh vụ việc"), errors)
    receiving_unit = _resolve(AdminUnit.objects, payload.receiving_unit, "receiving_unit", _("đơn vị tiếp nhận"), errors)
    session = _resolve(
        ReceptionSession.objects.visible_to(request.user), payload.session, "session", _("buổi tiếp công dân"), errors
    )
    handling_org = _resolve(Organisation.objects, payload.handling_org, "handling_org", _("cơ quan giải quyết"), errors)
    _raise(errors)
    with audit.channel("api"):
        p = receiving.do_receive_petition(
            actor=request.user, kind=payload.kind, content=payload.content, unit=unit, received_on=payload.received_on,
            receiving_unit=receiving_unit, channel=payload.channel, field=payload.field, subject=payload.subject,
            respondent=payload.respondent,
            identity={
                "name": payload.name, "address": payload.address, "phone": payload.phone, "email": payload.email,
                "id_number": payload.id_number, "co_signers": payload.co_signers,
            },
            is_anonymous=payload.is_anonymous, no_contact=payload.no_contact, signer_count=payload.signer_count,
            dated_on=payload.dated_on, session=session, transferred_from=payload.transferred_from,
            against_party_member=payload.against_party_member, place=payload.place, lat=payload.lat, lon=payload.lon,
            handling_org=handling_org,
        )
    return Status(201, petition_detail_out(request, _visible(request, p.pk)))


@petitions_router.get("/stats", response=PetitionStatsOut, summary="Thống kê đơn theo đơn vị hoặc lĩnh vực trong năm")
def petition_stats(request: HttpRequest, query: Query[PetitionStatsQuery]) -> dict[str, Any]:
    if query.by not in STATS_GROUPS:
        raise ValidationError({"by": [_("Cách nhóm không hợp lệ: %(by)s (chọn một trong: %(value)s).") % {"by": repr(query.by), "value": ', '.join(STATS_GROUPS)}]})
    year = query.year or timezone.localdate().year
    if not 1900 <= year <= 9999:
        raise ValidationError({"year": [_("Năm không hợp lệ: %(year)s.") % {"year": year}]})
    qs = Petition.objects.visible_to(request.user).filter(year=year)
    with replicas.reading_statistics():
        return {
            "year": year,
            "by": query.by,
            "rows": [row.as_dict() for row in stats.table(qs, by=query.by)],
            "totals": stats.totals(qs).as_dict(),
        }


@petitions_router.get("/{int:petition_id}", response=PetitionDetailOut, summary="Chi tiết đơn, các thời hạn và lịch sử xử lý")
def get_petition(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    return petition_detail_out(request, _visible(request, petition_id))


@petitions_router.post("/{int:petition_id}/reveal", response=RevealOut, summary="Người xử lý xem danh tính người gửi (được ghi nhật ký)")
def reveal_identity(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    p = _visible(request, petition_id)
    with audit.channel("api"):
        identity = confidentiality.identity_for(request.user, p, purpose="xem danh tính người gửi qua API")
    if identity is None:
        raise PermissionDenied(_("Chỉ người được giao xử lý đơn này mới được xem danh tính người tố cáo."))
    links = [
        {"petition": x.petition_id, "number": x.number, "relation": x.relation, "relation_label": x.relation_label,
         "score": x.score}
        for x in confidentiality.sealed_links_for(request.user, p)
    ]
    return {"petition": p.pk, "identity": _identity_out(identity), "logged": p.confidential, "links": links}


# --- workflow actions: one route per action of cases.PetitionCases ----------------------------------


class MadeTaskOut(BaseModel):
    task: int
    code: str
    petition: PetitionDetailOut


def _second_complaint_out(request: HttpRequest, previous: Petition, made: Petition) -> dict[str, Any]:
    return petition_detail_out(request, _visible(request, made.pk))


def _made_task_out(request: HttpRequest, p: Petition, task: Any) -> dict[str, Any]:
    return {"task": task.pk, "code": task.code, "petition": petition_detail_out(request, _visible(request, p.pk))}


add_action_routes(
    petitions_router, PETITIONS, key="int:petition_id", lookup=_visible, detail=petition_detail_out,
    schema=PetitionDetailOut,
    answers={
        Action.SECOND_COMPLAINT: (201, PetitionDetailOut, _second_complaint_out),
        Action.MAKE_TASK: (201, MadeTaskOut, _made_task_out),
    },
)
