"""The petition as a case (`core.cases`): its states, and for each action where it may start,
where it leads, who may take it, the form that types its input and the service that takes it.
The page's panels, the web action view, the API's action routes and the services' own checks
all read this one declaration.

Who may act: routing staff (reception, office, leaders, administrators of the receiving unit)
route a petition; its handlers (the officers assigned to it) and the leaders over the receiving
unit handle it once accepted; either may protect a petitioner's identity."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.cases import CaseAction, CaseType, register
from dieuhanh.core.http import AnyUser
from dieuhanh.petitions.choices import Action, Kind, State
from dieuhanh.petitions.models import Petition

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

F = "dieuhanh.petitions.action_forms."
S = "dieuhanh.petitions.services."
IN_HAND = (State.ACCEPTED, State.VERIFYING)
DECIDED = (State.CONCLUDED, State.RESOLVED)


def _label(action: Action) -> StrOrPromise:
    """The action's label in lower case, in the language of the request that shows it."""
    return lazy(lambda: str(action.label).lower(), str)()


def _not_yet_a_task(p: Petition, day: dt.date) -> StrOrPromise | None:
    return _("Đơn này đã được giao thành nhiệm vụ.") if p.task_id is not None else None


def _not_yet_protected(p: Petition, day: dt.date) -> StrOrPromise | None:
    return _("Đơn này đã được bảo mật danh tính người gửi.") if p.confidential else None


def _second_complaint_open(p: Petition, day: dt.date) -> StrOrPromise | None:
    """A first-time complaint that was decided, or whose period ran out without a decision
    (Law on Complaints Art 33), may be followed by a second-time one."""
    if p.kind != Kind.COMPLAINT or p.level != 1:
        return _("Chỉ khiếu nại lần đầu mới có khiếu nại lần hai.")
    if p.state in DECIDED:
        return None
    if p.state in IN_HAND and p.resolve_due_on is not None and p.resolve_due_on < day:
        return None
    return _("Chưa có quyết định giải quyết lần đầu và chưa hết thời hạn giải quyết lần đầu: chưa thể khiếu nại lần hai.")


def _notice_pending(p: Petition, day: dt.date) -> StrOrPromise | None:
    """Only a denunciation's acceptance is notified to the denouncer and the accused, once (Law on
    Denunciations Art 29)."""
    if p.kind != Kind.DENUNCIATION:
        return _("Chỉ tố cáo mới có thông báo thụ lý cho người tố cáo và người bị tố cáo.")
    return _("Đã ghi thông báo thụ lý tố cáo.") if p.notified_on is not None else None


DAY_STEP = ("acknowledge", "resolve")  # the deadlines of deadlines.compute an action may move


class PetitionCases(CaseType):
    name = "petitions"
    url_name = "petition"
    url_namespace = "petitions"
    noun = _("đơn")
    model = Petition
    state_field = "state"
    states = State
    case_arg = "petition"
    app = "petitions"
    handler_permission = "be_handler"
    holders = {
        "route": _("cán bộ tiếp công dân, văn phòng hoặc lãnh đạo của đơn vị tiếp nhận"),
        "handle": _("người được giao xử lý hoặc lãnh đạo của đơn vị tiếp nhận"),
        "protect": _("cán bộ tiếp công dân, văn phòng, người được giao xử lý hoặc lãnh đạo của đơn vị tiếp nhận"),
    }
    actions = (
        CaseAction(Action.CLASSIFY, _("phân loại đơn"), (State.RECEIVED,), None, "route",
                   F + "ClassifyForm", S + "do_classify", _("Phân loại đơn"), _("Ghi phân loại"),
                   success=_("Đã ghi phân loại đơn."), recomputes=DAY_STEP),
        CaseAction(Action.ASSIGN, _label(Action.ASSIGN), (State.RECEIVED, *IN_HAND, State.SUSPENDED, State.CONCLUDED),
                   None, "route", F + "AssignForm", S + "do_assign", _("Giao người xử lý"), _("Giao xử lý"),
                   success=_("Đã giao người xử lý."), error_keys={"on": "assigned_on"}),
        CaseAction(Action.ACCEPT, _label(Action.ACCEPT), (State.RECEIVED,), State.ACCEPTED, "route",
                   F + "AcceptForm", S + "do_accept", _("Thụ lý giải quyết"), _("Thụ lý"),
                   success=_("Đã thụ lý đơn; thời hạn giải quyết bắt đầu tính."), recomputes=("resolve",)),
        CaseAction(Action.NOTIFY, _label(Action.NOTIFY), IN_HAND, None, "handle",
                   F + "NotifyForm", S + "do_notify", _("Thông báo thụ lý tố cáo"), _("Ghi đã thông báo"),
                   success=_("Đã ghi thông báo thụ lý cho người tố cáo và người bị tố cáo."), guard=_notice_pending,
                   recomputes=("notify",)),
        CaseAction(Action.VERIFY, _label(Action.VERIFY), (State.ACCEPTED,), State.VERIFYING, "handle",
                   F + "VerifyForm", S + "do_verify", _("Bắt đầu xác minh"), _("Ghi xác minh"),
                   success=_("Đã ghi bắt đầu xác minh.")),
        CaseAction(Action.EXTEND, _label(Action.EXTEND), IN_HAND, None, "handle",
                   F + "ExtendForm", S + "do_extend", _("Gia hạn giải quyết"), _("Gia hạn"),
                   success=_("Đã gia hạn giải quyết."), recomputes=("resolve",)),
        CaseAction(Action.SUSPEND, _label(Action.SUSPEND), IN_HAND, State.SUSPENDED, "handle",
                   F + "SuspendForm", S + "do_suspend", _("Tạm đình chỉ giải quyết"), _("Tạm đình chỉ"),
                   success=_("Đã tạm đình chỉ giải quyết."), recomputes=("resolve",)),
        CaseAction(Action.RESUME, _label(Action.RESUME), (State.SUSPENDED,), State.VERIFYING, "handle",
                   F + "ResumeForm", S + "do_resume", _("Tiếp tục giải quyết"), _("Tiếp tục"),
                   success=_("Đã tiếp tục giải quyết."), recomputes=("resolve",)),
        CaseAction(Action.CONCLUDE, _label(Action.CONCLUDE), IN_HAND, State.CONCLUDED, "handle",
                   F + "ConcludeForm", S + "do_conclude", _("Kết luận, ra quyết định"), _("Ghi kết luận"),
                   success=_("Đã ghi kết luận, quyết định giải quyết."), recomputes=("send_decision",)),
        CaseAction(Action.SEND_DECISION, _label(Action.SEND_DECISION), (State.CONCLUDED,), State.RESOLVED, "handle",
                   F + "SendDecisionForm", S + "do_send_decision", _("Gửi quyết định, kết luận"), _("Ghi đã gửi"),
                   success=_("Đã ghi gửi quyết định, kết luận; đơn đã giải quyết xong.")),
        CaseAction(Action.MAKE_TASK, _("giao thành nhiệm vụ"), IN_HAND, None, "route",
                   F + "MakeTaskForm", S + "do_task_from_petition", _("Giao thành nhiệm vụ “5 rõ”"), _("Giao nhiệm vụ"),
                   success=_("Đã giao nhiệm vụ {code} từ đơn này."), guard=_not_yet_a_task),
        CaseAction(Action.SECOND_COMPLAINT, _label(Action.SECOND_COMPLAINT), (), None, "route",
                   F + "SecondComplaintForm", "dieuhanh.petitions.receiving.do_second_complaint", _("Ghi khiếu nại lần hai"),
                   _("Ghi khiếu nại lần hai"), success=_("Đã vào sổ khiếu nại lần hai, đơn số {number}."),
                   guard=_second_complaint_open, case_arg="previous"),
        CaseAction(Action.TRANSFER, _label(Action.TRANSFER), (State.RECEIVED,), State.TRANSFERRED, "route",
                   F + "TransferForm", S + "do_transfer", _("Chuyển đơn đến cơ quan có thẩm quyền"), _("Chuyển đơn"),
                   danger=True, success=_("Đã chuyển đơn đến cơ quan có thẩm quyền.")),
        CaseAction(Action.GUIDE, _label(Action.GUIDE), (State.RECEIVED,), State.GUIDED, "route",
                   F + "GuideForm", S + "do_guide", _("Hướng dẫn công dân"), _("Ghi hướng dẫn"), danger=True,
                   success=_("Đã ghi việc hướng dẫn công dân.")),
        CaseAction(Action.ARCHIVE, _label(Action.ARCHIVE), (State.RECEIVED,), State.FILED, "route",
                   F + "ArchiveForm", S + "do_archive", _("Lưu đơn (không xử lý)"), _("Lưu đơn"), danger=True,
                   success=_("Đã lưu đơn.")),
        CaseAction(Action.TERMINATE, _label(Action.TERMINATE), (*IN_HAND, State.SUSPENDED), State.TERMINATED, "handle",
                   F + "TerminateForm", S + "do_terminate", _("Đình chỉ giải quyết"), _("Đình chỉ"), danger=True,
                   success=_("Đã đình chỉ giải quyết.")),
        CaseAction(Action.PROTECT, _label(Action.PROTECT), (), None, "protect",
                   F + "ProtectForm", S + "do_protect", _("Bảo mật danh tính người gửi"), _("Bảo mật danh tính"),
                   danger=True, guard=_not_yet_protected,
                   success=_("Đã bảo mật danh tính người gửi: từ nay chỉ người được giao xử lý xem được.")),
    )

    def units_of(self, case: Any) -> list[int | None]:
        return [case.receiving_unit_id]

    def may(self, user: AnyUser | None, case: Any, permission: str) -> bool:
        if permission in ("handle", "protect") and is_handler(user, case):
            return True
        return super().may(user, case, permission)


def is_handler(user: AnyUser | None, p: Petition) -> bool:
    """Whether `user` is one of the officers assigned to handle `p`."""
    return user is not None and user.is_authenticated and p.assignments.filter(user_id=user.pk).exists()


PETITIONS = register(PetitionCases())
