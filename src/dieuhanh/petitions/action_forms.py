"""The typed input of each action on a petition (`cases.PetitionCases`): the web panel and the
API body are both these forms, so a field's name is the API's JSON key. `kwargs()` turns the
cleaned data into the service's keyword arguments; the service judges it and names the field
in its messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.cases import ActionInput
from dieuhanh.core.forms import (
    BodyChoiceField,
    HandlerChoiceField,
    PersonChoiceField,
    bodies_today,
    choice_field,
    choices,
    date_field,
    model_choice_field,
    textarea,
    yes_no,
)
from dieuhanh.directives.forms import people, visible_documents
from dieuhanh.directives.models import Document
from dieuhanh.org.models import AdminUnit, Organisation, Person
from dieuhanh.petitions.cases import PETITIONS
from dieuhanh.petitions.choices import (
    RESULTS_BY_KIND,
    Channel,
    Complexity,
    Field,
    Ineligibility,
    Kind,
    Result,
)
from dieuhanh.petitions.forms import receiving_units

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PetitionInput(ActionInput):
    """The day of the step (`day`, a date field) starts at today; `renames` maps a field to the
    service's keyword where the two differ."""

    day = ""
    renames: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.day:
            self.fields[self.day].initial = timezone.localdate()

    def kwargs(self) -> dict[str, Any]:
        return {self.renames.get(name, name): value for name, value in super().kwargs().items()}


NOTE = _("Ghi chú")


def note_field(label: StrOrPromise = NOTE, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=textarea(rows))


class ClassifyForm(PetitionInput):
    kind = forms.ChoiceField(label=_("Phân loại theo nội dung"), required=False, choices=choices(Kind))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=choices(Field))
    eligible = yes_no(_("Đủ điều kiện xử lý"))
    ineligibility = forms.ChoiceField(label=_("Lý do không đủ điều kiện"), required=False,
                                      choices=choices(Ineligibility, "—"))
    complexity = forms.ChoiceField(label=_("Mức độ phức tạp"), required=False, choices=choices(Complexity))
    remote = forms.BooleanField(label=_("Vùng sâu, vùng xa, đi lại khó khăn"), required=False)
    multi_site = forms.BooleanField(label=_("Phải kiểm tra, xác minh ở nhiều địa điểm"), required=False)
    outside_competence = forms.BooleanField(
        label=_("Không thuộc thẩm quyền giải quyết (phải chuyển đơn)"), required=False,
        help_text=_("Tố cáo: hạn chuyển 5 ngày làm việc kể từ ngày nhận (Luật Tố cáo, Điều 24)."),
    )
    against_party_member = forms.BooleanField(label=_("Tố cáo đảng viên"), required=False)
    handling_org = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan giải quyết"), required=False)
    decision_known_on = date_field(
        _("Ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại"),
        help_text=_("Khiếu nại: thời hiệu tính từ ngày này (Luật Khiếu nại, Điều 9; lần hai: Điều 33)."),
    )
    late_excuse = forms.CharField(
        label=_("Lý do trở ngại khách quan (không tính vào thời hiệu)"), required=False, max_length=300,
        help_text=_("Ốm đau, thiên tai, địch họa, đi công tác, học tập ở nơi xa... (Luật Khiếu nại, Điều 9)."),
    )
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        p = self.case
        model_choice_field(self, "handling_org").queryset = bodies_today(p.handling_org_id)
        for name in ("kind", "field", "complexity", "remote", "multi_site", "outside_competence",
                     "against_party_member", "eligible", "ineligibility", "decision_known_on", "late_excuse"):
            self.fields[name].initial = getattr(p, name)
        self.fields["handling_org"].initial = p.handling_org_id

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {**d, "kind": d["kind"] or None, "field": d["field"] or None, "complexity": d["complexity"] or None}


class AssignForm(PetitionInput):
    day = "assigned_on"
    handlers = HandlerChoiceField(get_user_model().objects.none(), label=_("Người xử lý"), required=False)
    assigned_on = date_field(_("Ngày giao"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "handlers").queryset = PETITIONS.handler_candidates(self.case)

    def kwargs(self) -> dict[str, Any]:
        return {"users": list(self.cleaned_data.get("handlers") or []), "on": self.cleaned_data.get("assigned_on")}


class AcceptForm(PetitionInput):
    day = "accepted_on"
    renames = {"accepted_on": "on"}
    accepted_on = date_field(_("Ngày thụ lý"))
    handlers = HandlerChoiceField(get_user_model().objects.none(), label=_("Người được giao xử lý"), required=False)
    complexity = forms.ChoiceField(label=_("Mức độ phức tạp"), required=False, choices=choices(Complexity))
    remote = forms.BooleanField(label=_("Vùng sâu, vùng xa, đi lại khó khăn"), required=False)
    document_number = forms.CharField(label=_("Số thông báo thụ lý"), required=False, max_length=60)
    late_excuse = forms.CharField(
        label=_("Lý do trở ngại khách quan (khiếu nại quá thời hiệu)"), required=False, max_length=300,
        help_text=_("Chỉ ghi khi người khiếu nại không khiếu nại được đúng thời hiệu vì ốm đau, thiên tai, địch họa, "
        "đi công tác, học tập ở nơi xa... (Luật Khiếu nại, Điều 9)."),
    )
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "handlers").queryset = PETITIONS.handler_candidates(self.case)
        self.fields["complexity"].initial = self.case.complexity
        self.fields["remote"].initial = self.case.remote

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {**d, "handlers": list(d["handlers"] or []), "complexity": d["complexity"] or None}


class TransferForm(PetitionInput):
    day = "routed_on"
    transferred_to = forms.CharField(label=_("Cơ quan nhận đơn chuyển"), required=False, max_length=300)
    routed_on = date_field(_("Ngày chuyển"))
    note = note_field()

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {"to": d["transferred_to"], "on": d["routed_on"], "note": d["note"]}


class GuideForm(PetitionInput):
    day = "routed_on"
    note = note_field(_("Nội dung hướng dẫn (gửi đơn đến cơ quan nào)"))
    routed_on = date_field(_("Ngày hướng dẫn"))

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {"note": d["note"], "on": d["routed_on"]}


class ArchiveForm(PetitionInput):
    day = "routed_on"
    reason = forms.ChoiceField(label=_("Lý do lưu đơn"), required=False, choices=choices(Ineligibility, "—"))
    note = note_field()
    routed_on = date_field(_("Ngày lưu đơn"))

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {"reason": d["reason"], "note": d["note"], "on": d["routed_on"]}


class NotifyForm(PetitionInput):
    day = "notified_on"
    renames = {"notified_on": "on"}
    notified_on = date_field(_("Ngày thông báo"))
    document_number = forms.CharField(label=_("Số văn bản thông báo"), required=False, max_length=60)
    note = note_field(_("Ghi chú (không ghi danh tính người tố cáo)"))


class VerifyForm(PetitionInput):
    day = "on"
    on = date_field(_("Ngày bắt đầu xác minh"))
    document_number = forms.CharField(label=_("Số quyết định xác minh"), required=False, max_length=60)
    note = note_field()


class ExtendForm(PetitionInput):
    day = "on"
    complexity = forms.ChoiceField(label=_("Mức độ phức tạp"), required=False, choices=choices(Complexity, _("— Giữ nguyên —")))
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, max_length=300)
    reason = note_field(_("Lý do"))
    document_number = forms.CharField(label=_("Số quyết định gia hạn"), required=False, max_length=60)
    on = date_field(_("Ngày gia hạn"))

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {**d, "complexity": d["complexity"] or None}


class SuspendForm(PetitionInput):
    day = "suspended_on"
    renames = {"suspended_on": "on"}
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, max_length=300)
    reason = note_field(_("Lý do"))
    document_number = forms.CharField(label=_("Số quyết định tạm đình chỉ"), required=False, max_length=60)
    suspended_on = date_field(_("Ngày tạm đình chỉ"))


class ResumeForm(PetitionInput):
    day = "on"
    on = date_field(_("Ngày tiếp tục"))
    note = note_field()


class ConcludeForm(PetitionInput):
    day = "concluded_on"
    renames = {"concluded_on": "on"}
    result = forms.ChoiceField(label=_("Kết quả giải quyết"), required=False)
    conclusion = note_field(_("Nội dung kết luận, quyết định"), rows=4)
    decision_number = forms.CharField(label=_("Số quyết định, kết luận"), required=False, max_length=60)
    concluded_on = date_field(_("Ngày kết luận, quyết định"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = RESULTS_BY_KIND[Kind(self.case.kind)]
        choice_field(self, "result").choices = choices(Result, _("— Chọn —") if len(allowed) > 1 else None, allowed)


class SendDecisionForm(PetitionInput):
    day = "decision_sent_on"
    decision_sent_on = date_field(_("Ngày gửi"))
    note = note_field(_("Gửi đến (người khiếu nại, tố cáo, cơ quan liên quan)"))

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {"on": d["decision_sent_on"], "note": d["note"]}


class TerminateForm(PetitionInput):
    day = "closed_on"
    renames = {"closed_on": "on"}
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, max_length=300)
    reason = note_field(_("Lý do (rút đơn, …)"))
    document_number = forms.CharField(label=_("Số quyết định đình chỉ"), required=False, max_length=60)
    closed_on = date_field(_("Ngày đình chỉ"))


class SecondComplaintForm(PetitionInput):
    day = "received_on"
    content = note_field(_("Nội dung khiếu nại lần hai"), rows=3)
    receiving_unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Cơ quan cấp trên tiếp nhận"),
                                            required=False)
    received_on = date_field(_("Ngày nhận khiếu nại lần hai"))
    decision_received_on = date_field(
        _("Ngày người khiếu nại nhận được quyết định giải quyết lần đầu"),
        help_text=_("Thời hạn khiếu nại lần hai (30 ngày, vùng sâu, vùng xa 45 ngày) tính từ ngày này (Luật Khiếu nại, "
        "Điều 33). Để trống: tính từ ngày gửi quyết định."),
    )
    channel = forms.ChoiceField(label=_("Nguồn đơn"), required=False, choices=choices(Channel), initial=Channel.DESK)
    handling_org = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan giải quyết"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "receiving_unit").queryset = receiving_units(self.user)
        model_choice_field(self, "handling_org").queryset = bodies_today()

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        if not d.get("receiving_unit") and "receiving_unit" not in self.errors:
            self.add_error("receiving_unit", _("Chọn cơ quan cấp trên tiếp nhận khiếu nại lần hai."))
        return d

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {**d, "channel": d["channel"] or Channel.DESK}


class MakeTaskForm(PetitionInput):
    title = forms.CharField(label=_("Tên nhiệm vụ"), required=False, max_length=500,
                            help_text=_("Để trống: «Giải quyết kiến nghị của công dân: …»."))
    source_document = forms.ModelChoiceField(Document.objects.none(), label=_("Văn bản giao"), required=False)
    lead_unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị chủ trì"), required=False)
    lead_person = PersonChoiceField(Person.objects.none(), label=_("Người chủ trì"), required=False)
    due_date = date_field(_("Thời hạn hoàn thành"))
    expected_result = note_field(_("Kết quả cần đạt"))
    accountable_person = PersonChoiceField(Person.objects.none(), label=_("Lãnh đạo chịu trách nhiệm"),
                                                required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "source_document").queryset = visible_documents(self.user)
        model_choice_field(self, "lead_unit").queryset = access.unit_choices(self.user, "directives", "assign")
        model_choice_field(self, "lead_person").queryset = people()
        model_choice_field(self, "accountable_person").queryset = people()


class ProtectForm(PetitionInput):
    day = "on"
    reason = forms.CharField(
        label=_("Lý do bảo mật"), required=False, max_length=300, widget=textarea(2),
        help_text=_("Ví dụ: người gửi lo bị trù dập. Từ nay chỉ người được giao xử lý xem được danh tính; "
        "không thể bỏ bảo mật."),
    )
    on = date_field(_("Ngày bảo mật"))
