"""The typed input of each action on a dossier (`cases.DossierCases`): the web panel and the API
body are both these forms, so a field's name is the API's JSON key. The services judge the values
and name the field in their messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.core.cases import ActionInput
from dieuhanh.core.forms import BodyChoiceField, choices, date_field, int_field, model_choice_field, textarea
from dieuhanh.dossiers import services
from dieuhanh.dossiers.choices import Channel, ReturnMethod
from dieuhanh.dossiers.forms import BODY_KINDS
from dieuhanh.dossiers.models import Dossier
from dieuhanh.org import scope
from dieuhanh.org.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


NOTE = _("Ghi chú")


def note_field(label: StrOrPromise = NOTE, rows: int = 2, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=textarea(rows), **kwargs)


def forward_bodies(d: Dossier) -> QuerySet[Organisation]:
    """Where a dossier may go: the state bodies of its receiving unit (and of the unit it passed
    into), of the units above them (city, province), and of the unit of the body holding it."""
    units = {d.unit_id} | scope.heirs(d.unit_id)
    step = services.current_step(d)
    if step is not None and step.unit_id:
        units.add(step.unit_id)
    units |= scope.ancestors(units)
    return (
        Organisation.objects.valid_on(timezone.localdate()).filter(unit_id__in=units, kind__in=BODY_KINDS)
        .select_related("unit").order_by("unit__level", "name")
    )


class ForwardForm(ActionInput):
    body = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan xử lý"), required=False,
                           empty_label=_("— Chọn cơ quan —"))
    days = int_field(_("Số ngày làm việc giao cho cơ quan"), help_text=_("Để trống: đến ngày hẹn trả kết quả."))
    task = forms.CharField(label=_("Nội dung bước"), required=False, max_length=300,
                           widget=forms.TextInput(attrs={"placeholder": _("Thẩm định, giải quyết")}))
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "body").queryset = forward_bodies(self.case)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.cleaned_data.get("body") and "body" not in self.errors:
            self.add_error("body", _("Chọn cơ quan nhận hồ sơ."))
        return self.cleaned_data


class NoteForm(ActionInput):
    note = note_field()


class RequestSupplementForm(ActionInput):
    note = note_field(_("Giấy tờ, nội dung cần bổ sung"), rows=3,
                      help_text=_("Ghi đầy đủ một lần tất cả nội dung cần bổ sung."))


class ApologyForm(ActionInput):
    reason = note_field(_("Lý do chậm giải quyết"))
    new_due_on = date_field(_("Ngày hẹn lại"))


class ResultForm(ActionInput):
    note = note_field(_("Kết quả (số giấy tờ, ghi chú)"))


class RefuseForm(ActionInput):
    reason = note_field(_("Lý do từ chối (ghi rõ cho công dân)"), rows=3)


class ReturnForm(ActionInput):
    method = forms.ChoiceField(label=_("Hình thức trả kết quả"), required=False, choices=choices(ReturnMethod))
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        online = self.case.channel == Channel.ONLINE
        self.fields["method"].initial = ReturnMethod.ONLINE if online else ReturnMethod.DESK

    def kwargs(self) -> dict[str, Any]:
        d = super().kwargs()
        return {**d, "method": d["method"] or ReturnMethod.DESK}


class WithdrawForm(ActionInput):
    note = note_field(_("Đơn đề nghị rút hồ sơ, ghi chú"))
