"""Forms of the indicator pages: entering an actual and setting or adjusting a target. They only
parse the input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from dieuhanh.core.forms import choice_field
from dieuhanh.indicators.choices import PeriodKind


class ActualForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("Năm"))
    value = forms.CharField(label=gettext_lazy("Giá trị thực hiện"), max_length=40)
    growth_percent = forms.CharField(label=gettext_lazy("Tăng so với năm trước (%), theo báo cáo"), max_length=20, required=False)
    source = forms.CharField(label=gettext_lazy("Nguồn số liệu"), max_length=300, required=False,
                             help_text=gettext_lazy("Báo cáo, văn bản hoặc cơ quan cung cấp số liệu."))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # no colon after labels (a keyword argument could collide with *args)
        choice_field(self, "unit").choices = units


class TargetForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int)
    period_kind = forms.ChoiceField(label=gettext_lazy("Kỳ"), choices=PeriodKind.choices)
    year_from = forms.IntegerField(label=gettext_lazy("Năm (hoặc năm đầu nhiệm kỳ)"))
    year_to = forms.IntegerField(label=gettext_lazy("Năm cuối nhiệm kỳ"), required=False)
    value = forms.CharField(label=gettext_lazy("Giá trị chỉ tiêu"), max_length=40)
    deciding_document = forms.CharField(
        label=gettext_lazy("Văn bản giao hoặc điều chỉnh"), max_length=300, required=False,
        help_text=gettext_lazy("Bắt buộc khi điều chỉnh một chỉ tiêu đã giao (ví dụ nghị quyết sơ kết giữa nhiệm kỳ)."),
    )
    decided_on = forms.DateField(label=gettext_lazy("Ngày quyết định"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # no colon after labels (a keyword argument could collide with *args)
        choice_field(self, "unit").choices = units


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại số liệu"), choices=[("actuals", gettext_lazy("Số liệu thực hiện")), ("targets", gettext_lazy("Chỉ tiêu giao"))])
    file = forms.FileField(label=gettext_lazy("Tệp .xlsx hoặc .csv (UTF-8)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # no colon after labels (a keyword argument could collide with *args)
