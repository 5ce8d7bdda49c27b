"""The typed input of each case action (`cases.py`): the web panel and the API body are both
these forms, so a field's name is the API's JSON key. The services judge the values and name
the field in their Vietnamese messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.cases import ActionInput
from dieuhanh.core.forms import (
    BodyChoiceField,
    PersonChoiceField,
    choices,
    date_field,
    model_choice_field,
    textarea,
)
from dieuhanh.directives.forms import people
from dieuhanh.inspection.choices import Form, Outcome, Rating, Verdict
from dieuhanh.inspection.forms import party_bodies
from dieuhanh.org.models import AdminUnit, Organisation, Person


class StepInput(ActionInput):
    """`on`, the day of the step, starts at today."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "on" in self.fields:
            self.fields["on"].initial = timezone.localdate()


class DayForm(StepInput):
    on = date_field(_("Ngày"))


class AnnounceForm(StepInput):
    on = date_field(_("Ngày công bố"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=400, widget=textarea(2))


class TextStepForm(StepInput):
    on = date_field(_("Ngày"))
    text = forms.CharField(label=_("Nội dung"), required=False, widget=textarea(4))


class FindingForm(ActionInput):
    text = forms.CharField(label=_("Nội dung"), required=False, widget=textarea(3),
                           help_text=_("Một hạn chế, khuyết điểm hoặc vi phạm; mỗi nội dung giao được thành một nhiệm vụ."))
    breach = forms.BooleanField(label=_("Là vi phạm"), required=False)


class ConcludeForm(StepInput):
    on = date_field(_("Ngày kết luận"))
    verdict = forms.ChoiceField(label=_("Kết luận chung"), required=False, choices=choices(Verdict, "—"))
    conclusion = forms.CharField(label=_("Nội dung kết luận"), required=False, widget=textarea(5))


class NotifyForm(StepInput):
    on = date_field(_("Ngày thông báo"))
    notice_number = forms.CharField(label=_("Số thông báo kết luận"), required=False, max_length=40,
                                    help_text=_("Ví dụ 12-TB/UBKTĐU"))


class RemedialTaskForm(ActionInput):
    finding = forms.ModelChoiceField(Organisation.objects.none(), label=_("Nội dung cần khắc phục"), required=False)
    title = forms.CharField(label=_("Tên nhiệm vụ"), required=False, max_length=500,
                            help_text=_("Để trống: «Khắc phục: …» theo nội dung."))
    lead_unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị chủ trì"), required=False)
    lead_person = PersonChoiceField(Person.objects.none(), label=_("Người chủ trì"), required=False)
    due_date = date_field(_("Thời hạn hoàn thành"))
    expected_result = forms.CharField(label=_("Kết quả cần đạt"), required=False, widget=textarea(2))
    accountable_person = PersonChoiceField(Person.objects.none(), label=_("Lãnh đạo chịu trách nhiệm"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "finding")
        field.queryset = self.case.findings.filter(task__isnull=True)
        field.label_from_instance = lambda obj: str(obj.text[:120])  # type: ignore[method-assign]
        model_choice_field(self, "lead_unit").queryset = access.unit_choices(self.user, "directives", "assign")
        model_choice_field(self, "lead_person").queryset = people()
        model_choice_field(self, "accountable_person").queryset = people()


class ProposeFromInspectionForm(StepInput):
    on = date_field(_("Ngày đề nghị"))
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan có thẩm quyền"), required=False)
    violation = forms.CharField(label=_("Nội dung vi phạm"), required=False, widget=textarea(3))
    violated_on = date_field(_("Ngày vi phạm"))
    proposed_form = forms.ChoiceField(label=_("Hình thức đề nghị"), required=False, choices=choices(Form, "—"))
    no_limitation = forms.BooleanField(label=_("Vi phạm không áp dụng thời hiệu"), required=False,
                                       help_text=_("Chính trị nội bộ; quốc phòng, an ninh, đối ngoại; văn bằng không hợp pháp."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = party_bodies(self.user)


class DecideDisciplineForm(StepInput):
    on = date_field(_("Ngày quyết định"))
    form = forms.ChoiceField(label=_("Hình thức kỷ luật"), required=False, choices=choices(Form, "—"))
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=40,
                                      help_text=_("Ví dụ 05-QĐ/UBKTĐU"))
    reason = forms.CharField(label=_("Lý do"), required=False, widget=textarea(2))


class DropForm(StepInput):
    on = date_field(_("Ngày"))
    reason = forms.CharField(label=_("Lý do không kỷ luật"), required=False, widget=textarea(2),
                             help_text=_("Ví dụ: hết thời hiệu; vi phạm chưa đến mức phải kỷ luật."))


class ReasonForm(StepInput):
    on = date_field(_("Ngày"))
    reason = forms.CharField(label=_("Lý do"), required=False, widget=textarea(2))


class AppealForm(StepInput):
    on = date_field(_("Ngày nhận đơn"))
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan giải quyết"), required=False,
                                   help_text=_("Cấp uỷ hoặc uỷ ban kiểm tra cấp trên của cơ quan đã quyết định."))
    grounds = forms.CharField(label=_("Nội dung khiếu nại"), required=False, widget=textarea(3))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = party_bodies(self.user)


class ResolveAppealForm(StepInput):
    on = date_field(_("Ngày quyết định"))
    outcome = forms.ChoiceField(label=_("Kết quả"), required=False, choices=choices(Outcome, "—"))
    new_form = forms.ChoiceField(label=_("Hình thức mới (khi thay đổi)"), required=False, choices=choices(Form, "—"))
    reason = forms.CharField(label=_("Lý do"), required=False, widget=textarea(2))


class AssessForm(StepInput):
    on = date_field(_("Ngày đánh giá"))
    rating = forms.ChoiceField(label=_("Xếp loại"), required=False, choices=choices(Rating, "—"))
    assessment = forms.CharField(label=_("Đánh giá của cấp uỷ"), required=False, widget=textarea(3))
    notice_number = forms.CharField(label=_("Số thông báo"), required=False, max_length=40,
                                    help_text=_("Thông báo kết quả đánh giá, ví dụ 15-TB/ĐU"))
