"""The one-stop dossier as a case (`core.cases`): for each action where it may start, where it
leads, who may take it, its form and its service. The page's panels, the web action view, the
API's action routes and the services' own checks all read this one declaration.

Who may act: the one-stop desk, the office, leaders and administrators of the receiving unit or
of the unit whose body holds the dossier now (a province department on its inter-level step)
handle it; the desk and leaders apologise for a late one; only the desk returns the result or
records a withdrawal (Decree 118/2025/NĐ-CP)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from dieuhanh.core import calendar
from dieuhanh.core.cases import CaseAction, CaseType, register
from dieuhanh.core.choices import DayKind
from dieuhanh.core.legal_rules import Rule, RuleNotFound, require_period, rule_for, value
from dieuhanh.dossiers.choices import EventKind, Status
from dieuhanh.dossiers.models import Dossier, DossierStep

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

F = "dieuhanh.dossiers.action_forms."
S = "dieuhanh.dossiers.services."
OPEN = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT)


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def open_step(d: Dossier) -> DossierStep | None:
    from dieuhanh.dossiers.choices import StepState

    return d.steps.filter(state=StepState.OPEN).order_by("-seq").first()


def _has_open_step(d: Dossier, day: dt.date) -> StrOrPromise | None:
    return None if open_step(d) is not None else _("Hồ sơ không có bước xử lý nào đang mở.")


def _times_taken(d: Dossier, kind: str, last_on: dt.date | None) -> int:
    """How many times action `kind` was taken on `d`: its events, or one when only the date is
    known (a dossier imported with that date)."""
    return max(d.events.filter(kind=kind).count(), 1 if last_on else 0)


def _supplement_allowed(d: Dossier, day: dt.date) -> StrOrPromise | None:
    """Completion is requested as many times as `dossier.supplement_times` allows on the
    dossier's receipt date (once, Decree 118/2025/NĐ-CP)."""
    if not d.supplement_requested_on:
        return None
    try:
        allowed, rule = value("dossier.supplement_times", d.received_on, unit=DayKind.TIMES)
    except RuleNotFound as e:
        return str(e)
    if _times_taken(d, EventKind.REQUEST_SUPPLEMENT, d.supplement_requested_on) >= allowed:
        return (_("Hồ sơ đã được yêu cầu bổ sung ngày %(supplement_requested_on)s; chỉ được yêu cầu %(value_text)s (%(citation)s).") % {"supplement_requested_on": _fmt(d.supplement_requested_on), "value_text": rule.value_text, "citation": rule.citation})
    return None


def apology_deadline(d: Dossier, cal: calendar.WorkCalendar | None = None) -> tuple[dt.date, Rule]:
    """The last day the apology with a new appointment date may be issued: at least as many
    days before the date the applicant was last given as `dossier.apology_before_due` says on
    the dossier's receipt date (one working day, Decree 61/2018/NĐ-CP as amended by Decree
    107/2021/NĐ-CP; Decree 118/2025/NĐ-CP), and that rule. Raises `RuleNotFound` before the
    first version."""
    rule = require_period(rule_for("dossier.apology_before_due", d.received_on))
    cal = cal or calendar.current()  # a sweep over many dossiers passes the one snapshot it reads
    given = d.effective_due_on
    working = rule.day_kind == DayKind.WORKING
    last = given
    # The latest day from which the rule's period still ends on or before the date given.
    while cal.add(last, rule.period, working=working) > given or (working and not cal.is_working_day(last)):
        last -= dt.timedelta(days=1)
    return last, rule


def apology_by(d: Dossier) -> dt.date | None:
    """The last day an apology with a new date may still be issued (`apology_deadline`), for
    the page and the API; None for a closed dossier, one that had every apology it may, or one
    received before the rule's first version."""
    if d.status not in OPEN:
        return None
    try:
        if d.apology_on:
            allowed, _ = value("dossier.apology_times", d.received_on, unit=DayKind.TIMES)
            if _times_taken(d, EventKind.APOLOGY, d.apology_on) >= allowed:
                return None
        return apology_deadline(d)[0]
    except RuleNotFound:
        return None


def _apology_allowed_before_due(d: Dossier, day: dt.date) -> str | None:
    """An apology with a new date, as many times as `dossier.apology_times` allows on the
    dossier's receipt date (once, Decree 118/2025/NĐ-CP), each issued by `apology_deadline`:
    one working day before the date the applicant was last given."""
    try:
        if d.apology_on:
            allowed, rule = value("dossier.apology_times", d.received_on, unit=DayKind.TIMES)
            if _times_taken(d, EventKind.APOLOGY, d.apology_on) >= allowed:
                return (_("Hồ sơ đã có văn bản xin lỗi ngày %(apology_on)s; chỉ được xin lỗi, hẹn lại %(value_text)s (%(citation)s).") % {"apology_on": _fmt(d.apology_on), "value_text": rule.value_text, "citation": rule.citation})
        last, rule = apology_deadline(d)
    except RuleNotFound as e:
        return str(e)
    if day > last:
        given = d.effective_due_on
        before = _("%(value_text)s trước ngày hết hạn") % {"value_text": rule.value_text} if rule.period else _("trước khi hết hạn")
        return (_("Văn bản xin lỗi, hẹn lại phải ban hành chậm nhất ngày %(last)s, %(before)s (hẹn trả %(given)s; %(citation)s); ngày %(day)s đã quá thời điểm này.") % {"last": _fmt(last), "before": before, "given": _fmt(given), "citation": rule.citation, "day": _fmt(day)})
    return None


class DossierCases(CaseType):
    name = "dossiers"
    url_name = "dossier"
    url_key = "code"
    noun = _("hồ sơ")
    model = Dossier
    state_field = "status"
    states = Status
    case_arg = "dossier"
    app = "dossiers"
    holders = {
        "handle": _("Bộ phận Một cửa, văn phòng hoặc lãnh đạo của đơn vị tiếp nhận hay của cơ quan đang giữ hồ sơ"),
        "apologise": _("Bộ phận Một cửa hoặc lãnh đạo của đơn vị tiếp nhận"),
        "desk": _("Bộ phận Một cửa của đơn vị tiếp nhận"),
    }
    actions = (
        CaseAction("forward", _("chuyển xử lý"), (Status.RECEIVED, Status.PROCESSING), Status.PROCESSING, "handle",
                   F + "ForwardForm", S + "do_forward", _("Chuyển xử lý, chuyển liên thông"), _("Chuyển hồ sơ"),
                   success=_("Đã chuyển hồ sơ đến {body}."), slug="chuyen", recomputes=("step_due_on", "transfer_due_on")),
        CaseAction(EventKind.STEP_DONE, _("ghi đã xong bước"), (Status.PROCESSING,), None, "handle",
                   F + "NoteForm", S + "do_step_done", _("Cơ quan xử lý đã xong, trả về Một cửa"), _("Ghi đã xong bước"),
                   success=_("Đã ghi cơ quan xử lý xong bước, hồ sơ trở về Bộ phận Một cửa."), slug="xong-buoc",
                   guard=_has_open_step),
        CaseAction(EventKind.REQUEST_SUPPLEMENT, _("yêu cầu bổ sung"), (Status.RECEIVED, Status.PROCESSING),
                   Status.SUPPLEMENT, "handle", F + "RequestSupplementForm", S + "do_request_supplement",
                   _("Yêu cầu bổ sung hồ sơ"), _("Yêu cầu bổ sung"),
                   success=_("Đã yêu cầu công dân bổ sung hồ sơ; thời gian giải quyết tạm dừng."),
                   slug="yeu-cau-bo-sung", guard=_supplement_allowed),
        CaseAction(EventKind.SUPPLEMENTED, _("ghi đã bổ sung"), (Status.SUPPLEMENT,), Status.PROCESSING, "handle",
                   F + "NoteForm", S + "do_supplement", _("Công dân đã bổ sung hồ sơ"), _("Ghi đã bổ sung"),
                   success=_("Đã nhận hồ sơ bổ sung; ngày hẹn trả được tính lại."), slug="da-bo-sung",
                   recomputes=("due_on",)),
        CaseAction(EventKind.APOLOGY, _("xin lỗi, hẹn lại"), OPEN, None, "apologise",
                   F + "ApologyForm", S + "do_apologise", _("Văn bản xin lỗi, hẹn lại ngày trả"), _("Ghi xin lỗi, hẹn lại"),
                   success=_("Đã ghi văn bản xin lỗi và ngày hẹn lại."), slug="xin-loi", guard=_apology_allowed_before_due,
                   recomputes=("new_due_on",)),
        CaseAction(EventKind.RESULT, _("ghi có kết quả"), (Status.RECEIVED, Status.PROCESSING), Status.DONE, "handle",
                   F + "ResultForm", S + "do_record_result", _("Có kết quả giải quyết"), _("Ghi có kết quả"),
                   success=_("Đã ghi kết quả giải quyết; hồ sơ chờ trả cho công dân."), slug="co-ket-qua"),
        CaseAction(EventKind.RETURN, _("trả kết quả"), (Status.DONE,), Status.RETURNED, "desk",
                   F + "ReturnForm", S + "do_return", _("Trả kết quả cho công dân"), _("Trả kết quả"),
                   success=_("Đã trả kết quả cho công dân."), slug="tra-ket-qua"),
        CaseAction(EventKind.REFUSE, _("từ chối giải quyết"), OPEN, Status.REFUSED, "handle",
                   F + "RefuseForm", S + "do_refuse", _("Từ chối giải quyết"), _("Từ chối giải quyết"), danger=True,
                   success=_("Đã ghi từ chối giải quyết hồ sơ."), slug="tu-choi"),
        CaseAction(EventKind.WITHDRAW, _("ghi rút hồ sơ"), OPEN, Status.WITHDRAWN, "desk",
                   F + "WithdrawForm", S + "do_withdraw", _("Công dân rút hồ sơ"), _("Ghi rút hồ sơ"), danger=True,
                   success=_("Đã ghi công dân rút hồ sơ."), slug="rut"),
    )

    def units_of(self, case: Any) -> list[int | None]:
        ids: list[int | None] = [case.unit_id]
        step = open_step(case)
        if step is not None and step.unit_id not in ids:
            ids.append(step.unit_id)
        return ids


DOSSIERS = register(DossierCases())
