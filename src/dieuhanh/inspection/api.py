"""Inspection, supervision and discipline over API v1, for the inspection commission and the
standing board (a subject reads their own case): the lists with the pages' filters, one case, its
actions (`core.case_api`), and the figures (`count`: the office and the administrator too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router
from pydantic import BaseModel

from dieuhanh.core import access
from dieuhanh.core.api_pages import Page, PageQuery, filters_of, page_of
from dieuhanh.core.case_api import add_action_routes
from dieuhanh.inspection import stats
from dieuhanh.inspection.cases import APPEALS, DISCIPLINES, INSPECTIONS, REVIEWS
from dieuhanh.inspection.filters import DisciplineFilter, InspectionFilter, ReviewFilter
from dieuhanh.inspection.models import Appeal, Discipline, Inspection, Review

inspections = Router()
disciplines = Router()
appeals = Router()
reviews = Router()
figures = Router()


class PartyFindingOut(BaseModel):
    id: int
    text: str
    breach: bool
    task: str | None
    task_done: bool | None


class PartyInspectionOut(BaseModel):
    id: int
    kind: str
    body: str
    organisation: str
    subject_type: str
    subject: str
    field: str
    content: str
    decision_number: str
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    announce_due: dt.date
    due_on: dt.date
    state: str
    verdict: str
    concluded_on: dt.date | None
    notice_number: str
    notified_on: dt.date | None
    team_lead: str
    team: list[str]
    findings: list[PartyFindingOut]
    allowed_actions: list[str]


class PartyInspectionQuery(PageQuery):
    q: str | None = None
    kind: str | None = None
    field: str | None = None
    state: str | None = None
    year: int | None = None
    stage: str | None = None
    supervision: bool | None = None
    sensitive: bool | None = None
    subject_type: str | None = None


def _findings(case: Any) -> list[dict[str, Any]]:
    return [{"id": f.pk, "text": f.text, "breach": f.breach, "task": f.task.code if f.task_id else None,
             "task_done": (f.task.completed_on is not None) if f.task_id else None} for f in case.findings.all()]


def inspection_out(request: HttpRequest, i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk, "kind": i.kind, "body": i.body, "organisation": i.organisation.name, "subject_type": i.subject_type,
        "subject": i.subject_name, "field": i.field, "content": i.content, "decision_number": i.decision_number,
        "decided_on": i.decided_on, "starts_on": i.starts_on, "ends_on": i.ends_on, "announce_due": i.announce_due,
        "due_on": i.due_on, "state": i.state, "verdict": i.verdict, "concluded_on": i.concluded_on,
        "notice_number": i.notice_number, "notified_on": i.notified_on, "team_lead": i.team_lead.full_name,
        "team": [p.full_name for p in i.team.all()], "findings": _findings(i),
        "allowed_actions": INSPECTIONS.allowed_actions(request.user, i),
    }


def _filtered(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _inspection_qs(request: HttpRequest) -> Any:
    return Inspection.objects.visible_to(request.user).select_related(
        "organisation", "subject_org", "subject_person", "team_lead").prefetch_related("team", "findings__task")


@inspections.get("", response=Page[PartyInspectionOut], summary="Các cuộc kiểm tra, giám sát")
def list_inspections(request: HttpRequest, query: Query[PartyInspectionQuery]) -> dict[str, Any]:
    flt = InspectionFilter.from_params(_filtered(filters_of(query)))
    qs = flt.apply(_inspection_qs(request)).order_by("-decided_on", "-id")
    return page_of(qs, query, lambda i: inspection_out(request, i))


def _inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    found = _inspection_qs(request).filter(pk=inspection_id).first()
    if found is None:
        raise Http404
    return found


add_action_routes(inspections, INSPECTIONS, key="int:inspection_id", lookup=_inspection, detail=inspection_out,
                  schema=PartyInspectionOut)


@inspections.get("/{int:inspection_id}", response=PartyInspectionOut, summary="Một cuộc kiểm tra, giám sát")
def get_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return inspection_out(request, _inspection(request, inspection_id))


class PartyDisciplineOut(BaseModel):
    id: int
    subject_type: str
    subject: str
    organisation: str
    body: str
    violation: str
    violated_on: dt.date
    no_limitation: bool
    proposed_form: str
    proposed_on: dt.date
    state: str
    form: str
    current_form: str
    decision_number: str
    decided_on: dt.date | None
    delivered_on: dt.date | None
    appeal_due: dt.date | None
    source_inspection: int | None
    appeals: list[int]
    allowed_actions: list[str]


class PartyDisciplineQuery(PageQuery):
    q: str | None = None
    subject_type: str | None = None
    form: str | None = None
    state: str | None = None
    year: int | None = None
    disciplined: bool | None = None


def discipline_out(request: HttpRequest, d: Discipline) -> dict[str, Any]:
    return {
        "id": d.pk, "subject_type": d.subject_type, "subject": d.subject_name, "organisation": d.organisation.name,
        "body": d.body, "violation": d.violation, "violated_on": d.violated_on, "no_limitation": d.no_limitation,
        "proposed_form": d.proposed_form, "proposed_on": d.proposed_on, "state": d.state, "form": d.form,
        "current_form": d.current_form, "decision_number": d.decision_number, "decided_on": d.decided_on,
        "delivered_on": d.delivered_on, "appeal_due": d.appeal_due, "source_inspection": d.source_inspection_id,
        "appeals": [a.pk for a in d.appeals.all()], "allowed_actions": DISCIPLINES.allowed_actions(request.user, d),
    }


def _discipline_qs(request: HttpRequest) -> Any:
    return Discipline.objects.visible_to(request.user).select_related(
        "organisation", "subject_org", "subject_person").prefetch_related("appeals")


@disciplines.get("", response=Page[PartyDisciplineOut], summary="Các vụ việc kỷ luật đảng")
def list_disciplines(request: HttpRequest, query: Query[PartyDisciplineQuery]) -> dict[str, Any]:
    flt = DisciplineFilter.from_params(_filtered(filters_of(query)))
    return page_of(flt.apply(_discipline_qs(request)).order_by("-proposed_on", "-id"), query,
                   lambda d: discipline_out(request, d))


def _discipline(request: HttpRequest, discipline_id: int) -> Discipline:
    found = _discipline_qs(request).filter(pk=discipline_id).first()
    if found is None:
        raise Http404
    return found


add_action_routes(disciplines, DISCIPLINES, key="int:discipline_id", lookup=_discipline, detail=discipline_out,
                  schema=PartyDisciplineOut)


@disciplines.get("/{int:discipline_id}", response=PartyDisciplineOut, summary="Một vụ việc kỷ luật")
def get_discipline(request: HttpRequest, discipline_id: int) -> dict[str, Any]:
    return discipline_out(request, _discipline(request, discipline_id))


class PartyAppealOut(BaseModel):
    id: int
    discipline: int
    organisation: str
    lodged_on: dt.date
    grounds: str
    late: bool
    state: str
    outcome: str
    new_form: str
    decided_on: dt.date | None
    allowed_actions: list[str]


def appeal_out(request: HttpRequest, a: Appeal) -> dict[str, Any]:
    return {"id": a.pk, "discipline": a.discipline_id, "organisation": a.organisation.name, "lodged_on": a.lodged_on,
            "grounds": a.grounds, "late": a.late, "state": a.state, "outcome": a.outcome, "new_form": a.new_form,
            "decided_on": a.decided_on, "allowed_actions": APPEALS.allowed_actions(request.user, a)}


def _appeal(request: HttpRequest, appeal_id: int) -> Appeal:
    found = Appeal.objects.visible_to(request.user).select_related("organisation", "discipline").filter(pk=appeal_id).first()
    if found is None:
        raise Http404
    return found


@appeals.get("", response=Page[PartyAppealOut], summary="Các khiếu nại kỷ luật đảng")
def list_appeals(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    qs = Appeal.objects.visible_to(request.user).select_related("organisation").order_by("-lodged_on", "-id")
    return page_of(qs, query, lambda a: appeal_out(request, a))


add_action_routes(appeals, APPEALS, key="int:appeal_id", lookup=_appeal, detail=appeal_out, schema=PartyAppealOut)


@appeals.get("/{int:appeal_id}", response=PartyAppealOut, summary="Một khiếu nại kỷ luật")
def get_appeal(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return appeal_out(request, _appeal(request, appeal_id))


class PartyReviewOut(BaseModel):
    id: int
    organisation: str
    target: str
    subject: str
    year: int
    suggestion: str
    suggested_on: dt.date
    review_due: dt.date
    state: str
    rating: str
    assessed_on: dt.date | None
    findings: list[PartyFindingOut]
    allowed_actions: list[str]


class PartyReviewQuery(PageQuery):
    q: str | None = None
    target: str | None = None
    state: str | None = None
    year: int | None = None


def review_out(request: HttpRequest, r: Review) -> dict[str, Any]:
    return {"id": r.pk, "organisation": r.organisation.name, "target": r.target, "subject": r.subject_name,
            "year": r.year, "suggestion": r.suggestion, "suggested_on": r.suggested_on, "review_due": r.review_due,
            "state": r.state, "rating": r.rating, "assessed_on": r.assessed_on, "findings": _findings(r),
            "allowed_actions": REVIEWS.allowed_actions(request.user, r)}


def _review_qs(request: HttpRequest) -> Any:
    return Review.objects.visible_to(request.user).select_related(
        "organisation", "subject_org", "subject_person").prefetch_related("findings__task")


@reviews.get("", response=Page[PartyReviewOut], summary="Các gợi ý kiểm điểm")
def list_reviews(request: HttpRequest, query: Query[PartyReviewQuery]) -> dict[str, Any]:
    flt = ReviewFilter.from_params(_filtered(filters_of(query)))
    return page_of(flt.apply(_review_qs(request)).order_by("-suggested_on", "-id"), query, lambda r: review_out(request, r))


def _review(request: HttpRequest, review_id: int) -> Review:
    found = _review_qs(request).filter(pk=review_id).first()
    if found is None:
        raise Http404
    return found


add_action_routes(reviews, REVIEWS, key="int:review_id", lookup=_review, detail=review_out, schema=PartyReviewOut)


@reviews.get("/{int:review_id}", response=PartyReviewOut, summary="Một gợi ý kiểm điểm")
def get_review(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return review_out(request, _review(request, review_id))


class PartyPeriodOut(BaseModel):
    label: str
    year_from: int
    year_to: int
    reported: bool
    source: str
    committee_orgs: int
    committee_members: int
    commission_orgs: int
    commission_members: int
    orgs_signs: int
    members_signs: int
    inspections: int
    supervisions: int
    orgs_disciplined: int
    members_disciplined: int
    collectives_suggested: int
    individuals_suggested: int
    forms: dict[str, int]


class PartyFiguresOut(BaseModel):
    periods: list[PartyPeriodOut]
    by_kind: dict[str, int]
    by_field: dict[str, int]
    by_form: dict[str, int]
    conclusions: int
    conclusions_on_time: int
    remedial_tasks: int
    remedial_tasks_done: int


class PartyFiguresQuery(BaseModel):
    level: str | None = None


@figures.get("", response=PartyFiguresOut, summary="Số liệu kiểm tra, giám sát, kỷ luật (chỉ số lượng)")
def get_figures(request: HttpRequest, query: Query[PartyFiguresQuery]) -> dict[str, Any]:
    from django.core.exceptions import PermissionDenied

    from dieuhanh.inspection.choices import Field, Form, Kind, Level

    if not access.holds(request.user, "inspection", "count"):
        raise PermissionDenied
    level = query.level or ""
    if level and level not in Level.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"level": [f"Cấp: chọn một trong {', '.join(Level.values)}."]})
    f = stats.figures(request.user, level=level)
    periods = [{**{k: getattr(r, k) for k in PartyPeriodOut.model_fields if k != "forms"}, "forms": dict(r.forms)}
               for r in f.rows]
    return {
        "periods": periods,
        "by_kind": dict(zip(Kind.values, (n for _l, n in f.by_kind), strict=True)),
        "by_field": dict(zip(Field.values, (n for _l, n, _s in f.by_field), strict=True)),
        "by_form": dict(zip(Form.values, (n for _l, n in f.by_form), strict=True)),
        "conclusions": f.concluded, "conclusions_on_time": f.on_time, "remedial_tasks": f.tasks,
        "remedial_tasks_done": f.tasks_done,
    }
