"""What a citizen may know of a one-stop dossier from the lookup code on its slip (core.lookup):
the procedure, where and when it was received, its status, the appointment date and whether it
is late, the bodies handling it and its history in plain words. Never the applicant's name,
address or phone, an officer, or a note written on the dossier (a supplement request's wording,
an apology's reason, a step's note): the citizen hears those from the one-stop desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core import lookup
from dieuhanh.dossiers.choices import EventKind, Status, StepState
from dieuhanh.dossiers.models import Dossier

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The history in the citizen's words. An import's update is no step the citizen took part in.
PLAIN_WORDS: dict[str, StrOrPromise] = {
    EventKind.RECEIVE: gettext_lazy("Bộ phận Một cửa tiếp nhận hồ sơ"),
    EventKind.START: gettext_lazy("Chuyển hồ sơ đến cơ quan giải quyết"),
    EventKind.TRANSFER: gettext_lazy("Chuyển hồ sơ đến cơ quan khác để giải quyết liên thông"),
    EventKind.STEP_DONE: gettext_lazy("Cơ quan liên thông đã giải quyết xong phần việc của mình"),
    EventKind.REQUEST_SUPPLEMENT: gettext_lazy("Cơ quan yêu cầu bổ sung hồ sơ"),
    EventKind.SUPPLEMENTED: gettext_lazy("Ông/bà đã bổ sung hồ sơ"),
    EventKind.APOLOGY: gettext_lazy("Cơ quan gửi văn bản xin lỗi và hẹn lại ngày trả kết quả"),
    EventKind.RESULT: gettext_lazy("Đã có kết quả giải quyết"),
    EventKind.REFUSE: gettext_lazy("Cơ quan từ chối giải quyết hồ sơ"),
    EventKind.RETURN: gettext_lazy("Đã trả kết quả"),
    EventKind.WITHDRAW: gettext_lazy("Ông/bà đã rút hồ sơ"),
}

WHAT_NEXT: dict[str, StrOrPromise] = {
    Status.RECEIVED: gettext_lazy("Hồ sơ đã được tiếp nhận và đang chờ chuyển đến cơ quan giải quyết."),
    Status.PROCESSING: gettext_lazy("Hồ sơ đang được giải quyết."),
    Status.SUPPLEMENT: gettext_lazy("Hồ sơ cần bổ sung giấy tờ: ông/bà liên hệ Bộ phận Một cửa nơi nộp hồ sơ để biết cần bổ sung "
                       "những gì."),
    Status.DONE: gettext_lazy("Đã có kết quả: ông/bà mang giấy tiếp nhận đến Bộ phận Một cửa để nhận kết quả (hoặc chờ bưu chính "
                 "chuyển phát nếu đã đăng ký)."),
    Status.RETURNED: gettext_lazy("Đã trả kết quả."),
    Status.REFUSED: gettext_lazy("Hồ sơ bị từ chối giải quyết: lý do ghi trong văn bản trả lời gửi ông/bà."),
    Status.WITHDRAWN: gettext_lazy("Hồ sơ đã được rút theo đề nghị của ông/bà."),
}


def find(code: str) -> lookup.Found | None:
    d = Dossier.objects.select_related("procedure", "unit").filter(lookup_code=code).first()
    if d is None:
        return None
    today = timezone.localdate()
    history = [
        {"on": timezone.localtime(at).date(), "label": PLAIN_WORDS[kind]}
        for at, kind in d.events.order_by("at", "id").values_list("at", "kind")
        if kind in PLAIN_WORDS
    ]
    bodies = [
        {"name": s.body_name, "done": s.state == StepState.DONE, "due_on": s.due_on, "late": s.late(today)}
        for s in d.steps.order_by("seq").only("body_name", "state", "due_on", "finished_at")
    ]
    return lookup.Found("dossiers/_public_dossier.html", _("Hồ sơ %(code)s") % {"code": d.code}, {
        "d": d,
        "lookup_code": lookup.grouped(code),
        "status_label": Status(d.status).label,
        "what_next": WHAT_NEXT[d.status],
        "late_now": d.late_now(today),
        # Late against the appointment on the slip, as the staff's pages and the statistics count it
        # (an apology's new date is a promise, not a new deadline: models.classify).
        "days_late": (today - d.due_on).days if d.late_now(today) else 0,
        "history": history,
        "bodies": bodies,
    }, styles="dossiers/_styles.html", obj=d)
