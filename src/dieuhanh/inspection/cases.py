"""The four cases of the app (`core.cases`): an inspection or supervision, a discipline, an
appeal against a discipline, a self-criticism review. Each action says where it may start, where
it leads, the permission it needs (`permissions.py`), its form and its service; the pages, the
API and the services' own checks read this one declaration.

An inspection is closed only when the "5 rõ" tasks given out from its findings are done; so is a
review. A discipline's appeal is lodged once the decision was delivered, and is accepted only
within the appeal period (data/legal_rules.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from dieuhanh.core.cases import CaseAction, CaseType, register
from dieuhanh.inspection.choices import AppealState, DisciplineState, ReviewState, State, Verdict
from dieuhanh.inspection.models import Appeal, Discipline, Inspection, Review

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

F = "dieuhanh.inspection.action_forms."
S = "dieuhanh.inspection.services."
HOLDERS: dict[str, StrOrPromise] = {
    "act": _("uỷ ban kiểm tra hoặc ban thường vụ của cấp uỷ quyết định"),
    "decide": _("uỷ ban kiểm tra hoặc ban thường vụ của cấp uỷ quyết định"),
    "remedy": _("lãnh đạo (ban thường vụ) của cấp uỷ"),
}


def _open_tasks(case: Any) -> int:
    return sum(1 for f in case.findings.all() if f.task_id is not None and f.task.completed_on is None
               and f.task.cancelled_on is None)


def _untasked(case: Any, day: dt.date) -> Any:
    if not any(f.task_id is None for f in case.findings.all()):
        return _("Không còn nội dung cần khắc phục nào chưa giao thành nhiệm vụ.")
    return None


def _tasks_done(case: Any, day: dt.date) -> Any:
    n = _open_tasks(case)
    if n:
        return _("Còn %(n)s nhiệm vụ khắc phục chưa hoàn thành: chỉ kết thúc khi đã khắc phục xong.") % {"n": n}
    return None


def _discipline_warranted(case: Inspection, day: dt.date) -> Any:
    if case.verdict != Verdict.DISCIPLINE:
        return _("Kết luận không đề nghị xem xét kỷ luật.")
    return None


def _no_open_appeal(case: Discipline, day: dt.date) -> Any:
    if any(a.state in (AppealState.LODGED, AppealState.ACCEPTED) for a in case.appeals.all()):
        return _("Đang có khiếu nại chưa giải quyết.")
    return None


def _in_time(case: Appeal, day: dt.date) -> Any:
    if case.late:
        return _("Đơn khiếu nại quá thời hạn: không thụ lý, ghi «không thụ lý».")
    return None


class InspectionCases(CaseType):
    name = "party-inspections"
    noun = _("cuộc kiểm tra, giám sát")
    url_name = "inspection"
    url_namespace = "inspection"
    model = Inspection
    states = State
    case_arg = "inspection"
    app = "inspection"
    holders = HOLDERS
    actions = (
        CaseAction("announce", _("công bố quyết định"), (State.DECIDED,), State.ANNOUNCED, "act",
                   F + "AnnounceForm", S + "do_announce", _("Công bố quyết định với đối tượng"), _("Ghi đã công bố"),
                   success=_("Đã ghi việc công bố quyết định.")),
        CaseAction("self_report", _("ghi báo cáo của đối tượng"), (State.ANNOUNCED,), State.REPORTED, "act",
                   F + "TextStepForm", S + "do_self_report", _("Báo cáo, giải trình của đối tượng"), _("Ghi báo cáo"),
                   success=_("Đã ghi báo cáo của đối tượng."), slug="bao-cao"),
        CaseAction("verify", _("ghi thẩm tra, xác minh"), (State.REPORTED,), State.VERIFIED, "act",
                   F + "TextStepForm", S + "do_verify", _("Thẩm tra, xác minh"), _("Ghi kết quả xác minh"),
                   success=_("Đã ghi kết quả thẩm tra, xác minh."), slug="xac-minh"),
        CaseAction("draft", _("ghi dự thảo báo cáo"), (State.VERIFIED,), State.DRAFTED, "act",
                   F + "TextStepForm", S + "do_draft", _("Dự thảo báo cáo kết quả"), _("Ghi dự thảo"),
                   success=_("Đã ghi dự thảo báo cáo kết quả."), slug="du-thao"),
        CaseAction("add_finding", _("ghi nội dung cần khắc phục"), (State.REPORTED, State.VERIFIED, State.DRAFTED,
                                                                   State.CONCLUDED), None, "act",
                   F + "FindingForm", S + "do_add_finding", _("Hạn chế, khuyết điểm, vi phạm"), _("Ghi nội dung"),
                   success=_("Đã ghi nội dung cần khắc phục."), slug="noi-dung"),
        CaseAction("conclude", _("kết luận"), (State.DRAFTED,), State.CONCLUDED, "decide",
                   F + "ConcludeForm", S + "do_conclude", _("Kết luận"), _("Ghi kết luận"),
                   success=_("Đã ghi kết luận."), slug="ket-luan"),
        CaseAction("notify", _("thông báo kết luận"), (State.CONCLUDED,), State.NOTIFIED, "decide",
                   F + "NotifyForm", S + "do_notify", _("Thông báo kết luận đến đối tượng"), _("Ghi thông báo"),
                   success=_("Đã ghi thông báo kết luận."), slug="thong-bao"),
        CaseAction("remedial_task", _("giao nhiệm vụ khắc phục"), (State.NOTIFIED,), None, "remedy",
                   F + "RemedialTaskForm", S + "do_remedial_task", _("Giao nhiệm vụ khắc phục “5 rõ”"),
                   _("Giao nhiệm vụ"), success=_("Đã giao nhiệm vụ {code}."), guard=_untasked, slug="khac-phuc",
                   case_arg="case"),
        CaseAction("propose_discipline", _("đề nghị kỷ luật"), (State.CONCLUDED, State.NOTIFIED), None, "decide",
                   F + "ProposeFromInspectionForm", S + "do_propose_from_inspection", _("Đề nghị xem xét kỷ luật"),
                   _("Lập hồ sơ kỷ luật"), guard=_discipline_warranted, success=_("Đã lập hồ sơ đề nghị kỷ luật."),
                   slug="de-nghi-ky-luat"),
        CaseAction("close", _("kết thúc"), (State.NOTIFIED,), State.CLOSED, "decide",
                   F + "DayForm", S + "do_close", _("Kết thúc cuộc kiểm tra, giám sát"), _("Kết thúc"),
                   guard=_tasks_done, success=_("Đã kết thúc cuộc kiểm tra, giám sát."), slug="ket-thuc"),
    )

    def units_of(self, case: Any) -> list[int | None]:
        return [case.unit_id]


class DisciplineCases(CaseType):
    name = "disciplines"
    noun = _("vụ việc kỷ luật")
    url_name = "discipline"
    url_namespace = "inspection"
    model = Discipline
    states = DisciplineState
    case_arg = "discipline"
    app = "inspection"
    holders = HOLDERS
    actions = (
        CaseAction("decide", _("quyết định kỷ luật"), (DisciplineState.PROPOSED,), DisciplineState.DECIDED, "decide",
                   F + "DecideDisciplineForm", S + "do_decide_discipline", _("Quyết định kỷ luật"),
                   _("Ghi quyết định"), success=_("Đã ghi quyết định kỷ luật."), slug="quyet-dinh"),
        CaseAction("drop", _("không kỷ luật"), (DisciplineState.PROPOSED,), DisciplineState.DROPPED, "decide",
                   F + "DropForm", S + "do_drop", _("Không kỷ luật"), _("Ghi không kỷ luật"), danger=True,
                   success=_("Đã ghi: không kỷ luật."), slug="khong-ky-luat"),
        CaseAction("deliver", _("giao quyết định"), (DisciplineState.DECIDED,), DisciplineState.DELIVERED, "decide",
                   F + "DayForm", S + "do_deliver", _("Giao quyết định cho đối tượng"), _("Ghi đã giao"),
                   success=_("Đã ghi ngày đối tượng nhận quyết định; thời hạn khiếu nại bắt đầu tính."),
                   recomputes=("appeal_due",), slug="giao"),
        CaseAction("appeal", _("nhận đơn khiếu nại"), (DisciplineState.DELIVERED,), None, "decide",
                   F + "AppealForm", S + "do_lodge_appeal", _("Nhận đơn khiếu nại kỷ luật"), _("Vào sổ khiếu nại"),
                   guard=_no_open_appeal, success=_("Đã vào sổ đơn khiếu nại kỷ luật."), slug="khieu-nai"),
    )

    def units_of(self, case: Any) -> list[int | None]:
        return [case.unit_id]


class AppealCases(CaseType):
    name = "discipline-appeals"
    noun = _("khiếu nại kỷ luật")
    url_name = "appeal"
    url_namespace = "inspection"
    model = Appeal
    states = AppealState
    case_arg = "appeal"
    app = "inspection"
    holders = HOLDERS
    actions = (
        CaseAction("accept", _("thụ lý"), (AppealState.LODGED,), AppealState.ACCEPTED, "decide",
                   F + "DayForm", S + "do_accept_appeal", _("Thụ lý khiếu nại"), _("Thụ lý"), guard=_in_time,
                   success=_("Đã thụ lý khiếu nại."), slug="thu-ly"),
        CaseAction("refuse", _("không thụ lý"), (AppealState.LODGED,), AppealState.REFUSED, "decide",
                   F + "ReasonForm", S + "do_refuse_appeal", _("Không thụ lý khiếu nại"), _("Không thụ lý"),
                   danger=True, success=_("Đã ghi không thụ lý khiếu nại."), slug="khong-thu-ly"),
        CaseAction("resolve", _("giải quyết"), (AppealState.ACCEPTED,), AppealState.DECIDED, "decide",
                   F + "ResolveAppealForm", S + "do_resolve_appeal", _("Giải quyết khiếu nại"), _("Ghi quyết định"),
                   success=_("Đã ghi kết quả giải quyết khiếu nại."), slug="giai-quyet"),
    )

    def units_of(self, case: Any) -> list[int | None]:
        return [case.unit_id]


class ReviewCases(CaseType):
    name = "self-criticism-reviews"
    noun = _("gợi ý kiểm điểm")
    url_name = "review"
    url_namespace = "inspection"
    model = Review
    states = ReviewState
    case_arg = "review"
    app = "inspection"
    holders = HOLDERS
    actions = (
        CaseAction("record_review", _("ghi kết quả kiểm điểm"), (ReviewState.SUGGESTED,), ReviewState.REVIEWED, "act",
                   F + "TextStepForm", S + "do_record_review", _("Kết quả tự kiểm điểm, giải trình"),
                   _("Ghi kết quả"), success=_("Đã ghi kết quả kiểm điểm."), slug="kiem-diem"),
        CaseAction("assess", _("đánh giá"), (ReviewState.REVIEWED,), ReviewState.ASSESSED, "decide",
                   F + "AssessForm", S + "do_assess", _("Đánh giá của cấp uỷ"), _("Ghi đánh giá"),
                   success=_("Đã ghi đánh giá."), slug="danh-gia"),
        CaseAction("add_shortcoming", _("ghi khuyết điểm cần khắc phục"), (ReviewState.ASSESSED,), None, "decide",
                   F + "FindingForm", S + "do_add_shortcoming", _("Khuyết điểm đã nhận, cần khắc phục"),
                   _("Ghi khuyết điểm"), success=_("Đã ghi khuyết điểm cần khắc phục."), slug="khuyet-diem"),
        CaseAction("remedial_task", _("giao nhiệm vụ khắc phục"), (ReviewState.ASSESSED,), None, "remedy",
                   F + "RemedialTaskForm", S + "do_remedial_task", _("Giao nhiệm vụ khắc phục “5 rõ”"),
                   _("Giao nhiệm vụ"), success=_("Đã giao nhiệm vụ {code}."), guard=_untasked, slug="khac-phuc",
                   case_arg="case"),
        CaseAction("close", _("kết thúc"), (ReviewState.ASSESSED,), ReviewState.CLOSED, "decide",
                   F + "DayForm", S + "do_close_review", _("Kết thúc: đã khắc phục xong"), _("Kết thúc"),
                   guard=_tasks_done, success=_("Đã ghi khắc phục xong."), slug="ket-thuc"),
    )

    def units_of(self, case: Any) -> list[int | None]:
        return [case.unit_id]


INSPECTIONS = register(InspectionCases())
DISCIPLINES = register(DisciplineCases())
APPEALS = register(AppealCases())
REVIEWS = register(ReviewCases())
