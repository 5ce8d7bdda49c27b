"""Forms of the one-stop pages. They parse typed input and limit every choice to what the user
may see or pick; the rules and their Vietnamese messages live in `services.py`, whose
ValidationError goes back onto these forms through `directives.forms.apply_errors()`. That is
why most fields are `required=False`: an empty field reaches the service, which names what is
missing.

The register's filters are `filters.DossierFilter` (shared with the export, the statistics and
the API); `DossierFilterForm` here only draws them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access, tabular
from dieuhanh.core.forms import (
    DateInput,
    FilterForm,
    choice_field,
    choices,
    date_field,
    int_field,
    model_choice_field,
    search_field,
    textarea,
    units_today,
)
from dieuhanh.core.http import AnyUser
from dieuhanh.dossiers import services
from dieuhanh.dossiers.choices import (
    Channel,
    JobKind,
    Level,
    OnlineType,
    Source,
    Status,
    Timeliness,
)
from dieuhanh.dossiers.filters import DUE_SOON, IN_TIME, LATE_NOW, OPEN
from dieuhanh.dossiers.models import Dossier, Procedure
from dieuhanh.org.choices import OrganisationKind, UnitLevel
from dieuhanh.org.models import AdminUnit

# Bodies a dossier may be sent to: the state bodies that decide or process procedures.
BODY_KINDS = (OrganisationKind.PEOPLES_COMMITTEE, OrganisationKind.DEPARTMENT, OrganisationKind.PUBLIC_SERVICE)
PROCEDURE_OPTIONS = 60  # procedures offered at once by the receive form's search





def procedure_label(p: Procedure) -> str:
    return f"{p.code} — {p.name}"


def search_procedures(q: str, *, active_only: bool = True, limit: int | None = PROCEDURE_OPTIONS) -> QuerySet[Procedure]:
    """Procedures whose code, name or field contain every word of `q`, with or without
    diacritics."""
    from dieuhanh.lib.text import fold

    qs = Procedure.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    for word in fold(q).split():
        qs = qs.filter(search__contains=word)
    qs = qs.order_by("code")
    return qs[:limit] if limit else qs


def procedure_fields() -> list[str]:
    return list(Procedure.objects.order_by("field").values_list("field", flat=True).distinct())


# --- the register's filters --------------------------------------------------------------------


def filter_units(user: AnyUser) -> QuerySet[AdminUnit]:
    """Units to filter the register by: today's heirs of the units whose dossiers the user may
    see (a unit with no heir today is offered itself)."""
    units = access.units(user, "dossiers", "view")
    received = Dossier.objects.order_by().values_list("unit_id", flat=True).distinct()
    if units is not access.ALL:
        received = received.filter(unit_id__in=units)
    return units_today(received)


class DossierFilterForm(FilterForm):
    rows = (("q", "unit", "procedure", "field"), ("channel", "status", "timeliness", "source", "date_from", "date_to"))
    grow = ("q",)

    q = search_field(_("Mã hồ sơ, tên người nộp… (có dấu hoặc không dấu)"))
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị tiếp nhận"), required=False,
                                  empty_label=_("Tất cả"))
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False,
                                widget=forms.TextInput(attrs={"list": "procedure-codes", "placeholder": "1.001193"}))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), required=False, choices=choices(Channel, _("Tất cả")))
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False,
        choices=[("", _("Tất cả")), (OPEN, _("Đang giải quyết")), (LATE_NOW, _("Đang quá hạn")), (DUE_SOON, _("Sắp đến hạn")),
                 *choices(Status)],
    )
    timeliness = forms.ChoiceField(label=_("Tiến độ"), required=False,
                                   choices=[*choices(Timeliness, _("Tất cả")), (IN_TIME, _("Trước hạn và đúng hạn"))])
    source = forms.ChoiceField(label=_("Nguồn"), required=False, choices=choices(Source, _("Tất cả")))
    date_from = forms.CharField(label=_("Tiếp nhận từ ngày"), required=False, widget=DateInput())
    date_to = forms.CharField(label=_("Đến ngày"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "unit").queryset = filter_units(user)
        choice_field(self, "field").choices = [("", _("Tất cả"))] + [(f, f) for f in procedure_fields()]


# --- receiving a dossier ----------------------------------------------------------------------------


def receiving_units(user: AnyUser) -> QuerySet[AdminUnit]:
    """Today's provinces, wards and communes where the user may receive dossiers."""
    return access.unit_choices(user, "dossiers", "receive").filter(level__in=(UnitLevel.PROVINCE, UnitLevel.COMMUNE))


class ProcedureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return procedure_label(obj)


class ReceiveForm(forms.Form):
    procedure_q = forms.CharField(
        label=_("Tìm thủ tục"), required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Gõ mã hoặc tên thủ tục, có dấu hoặc không dấu"),
                                        "autocomplete": "off"}),
    )
    procedure = ProcedureChoiceField(
        Procedure.objects.none(), label=_("Thủ tục hành chính"), required=False, empty_label=_("— Chọn thủ tục —"),
        error_messages={"invalid_choice": _("Thủ tục này không có trong danh mục hoặc không còn áp dụng.")},
    )
    unit = forms.ModelChoiceField(
        AdminUnit.objects.none(), label=_("Đơn vị tiếp nhận"), required=False,
        error_messages={"invalid_choice": _("Bạn không được tiếp nhận hồ sơ tại đơn vị này.")},
    )
    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=choices(Channel), initial=Channel.DESK, required=False)
    applicant_name = forms.CharField(label=_("Họ và tên người nộp hồ sơ"), required=False, max_length=200)
    applicant_phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=30)
    applicant_address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=300)
    # Checked by the service (notifications.citizens.contact_errors), whose message names the field.
    applicant_email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254,
                                      widget=forms.EmailInput)
    no_contact = forms.BooleanField(
        label=_("Không nhận tin báo qua thư điện tử, tin nhắn"), required=False,
        help_text=_("Để trống: người nộp được báo tin tiếp nhận, có kết quả, xin lỗi và hẹn lại, kèm mã tra cứu."),
    )
    received_on = date_field(_("Ngày tiếp nhận"))
    received_time = forms.TimeField(
        label=_("Giờ tiếp nhận"), required=False, input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "inputmode": "numeric"}),
        error_messages={"invalid": _("Giờ tiếp nhận: nhập giờ:phút, ví dụ 14:30.")},
    )
    code = forms.CharField(label=_("Mã hồ sơ"), required=False, max_length=60,
                           help_text=_("Để trống: hệ thống cấp mã theo đơn vị và ngày tiếp nhận."))
    note = forms.CharField(label=_("Thành phần hồ sơ đã nhận"), required=False, widget=textarea(3),
                           help_text=_("Các giấy tờ công dân đã nộp; in trên giấy tiếp nhận."))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # no colon after labels (a keyword argument could collide with *args)
        model_choice_field(self, "procedure").queryset = Procedure.objects.filter(active=True).order_by("code")
        # The search narrows the list below it as the officer types (htmx; without script the
        # list holds every procedure in force).
        self.fields["procedure_q"].widget.attrs.update({
            "hx-get": reverse("procedure_options"), "hx-target": f"#{self['procedure'].auto_id}",
            "hx-trigger": "input changed delay:300ms, search", "hx-swap": "innerHTML",
        })
        units = receiving_units(user)
        model_choice_field(self, "unit").queryset = units
        now = timezone.localtime()
        self.fields["received_on"].initial = now.date()
        self.fields["received_time"].initial = now.strftime("%H:%M")
        if units.count() == 1 and (first := units.first()) is not None:
            self.fields["unit"].initial = first.pk

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        if not d.get("procedure") and "procedure" not in self.errors:
            self.add_error("procedure", _("Chọn thủ tục hành chính của hồ sơ."))
        if not d.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("Chọn đơn vị tiếp nhận hồ sơ."))
        return d

    def received_at(self) -> dt.datetime | None:
        d = self.cleaned_data
        day, time = d.get("received_on"), d.get("received_time")
        if day is None and time is None:
            return None
        now = timezone.localtime()
        naive = dt.datetime.combine(day or now.date(), time or now.time().replace(microsecond=0))
        return timezone.make_aware(naive)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "procedure": d["procedure"],
            "unit": d["unit"],
            "channel": d.get("channel") or Channel.DESK,
            "applicant_name": d.get("applicant_name") or "",
            "applicant_phone": d.get("applicant_phone") or "",
            "applicant_address": d.get("applicant_address") or "",
            "applicant_email": d.get("applicant_email") or "",
            "no_contact": bool(d.get("no_contact")),
            "received_at": self.received_at(),
            "code": d.get("code") or "",
            "note": d.get("note") or "",
        }


# --- procedures catalogue ------------------------------------------------------------------------


class ProcedureFilterForm(FilterForm):
    grow = ("q",)

    q = forms.CharField(label=_("Tìm kiếm"), required=False,
                        widget=forms.SearchInput(attrs={"placeholder": _("Mã, tên thủ tục (có dấu hoặc không dấu)")}))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False, choices=choices(Level, _("Tất cả")))
    online_type = forms.ChoiceField(label=_("Dịch vụ công trực tuyến"), required=False,
                                    choices=choices(OnlineType, _("Tất cả")))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "field").choices = [("", _("Tất cả"))] + [(f, f) for f in procedure_fields()]

    def apply(self, qs: QuerySet[Procedure]) -> QuerySet[Procedure]:
        from dieuhanh.lib.text import fold

        if not self.is_valid():
            return qs
        d = self.cleaned_data
        for word in fold(d.get("q")).split():
            qs = qs.filter(search__contains=word)
        for name in ("field", "level", "online_type"):
            if d.get(name):
                qs = qs.filter(**{name: d[name]})
        return qs


class ProcedureForm(forms.Form):
    code = forms.CharField(label=_("Mã thủ tục (CSDL quốc gia)"), required=False, max_length=30,
                           widget=forms.TextInput(attrs={"placeholder": "1.001193"}))
    name = forms.CharField(label=_("Tên thủ tục"), required=False, max_length=500, widget=textarea(2))
    field = forms.CharField(label=_("Lĩnh vực"), required=False, max_length=200,
                            widget=forms.TextInput(attrs={"list": "procedure-fields"}))
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False, choices=choices(Level, _("— Chọn —")))
    processing_days = int_field(_("Thời hạn giải quyết (ngày làm việc)"), min_value=0, max_value=365)
    online_type = forms.ChoiceField(label=_("Dịch vụ công trực tuyến"), required=False, choices=choices(OnlineType),
                                    initial=OnlineType.NONE)
    fee_vnd = int_field(_("Phí, lệ phí (đồng)"), min_value=0)
    fee_note = forms.CharField(label=_("Ghi chú phí, lệ phí"), required=False, max_length=300)
    postal_return = forms.BooleanField(label=_("Cho phép trả kết quả qua bưu chính công ích"), required=False,
                                       initial=True)
    deciding_body = forms.CharField(label=_("Cơ quan có thẩm quyền quyết định"), required=False, max_length=300)
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)

    def __init__(self, *args: Any, instance: Procedure | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in ("code", *services.PROCEDURE_FIELDS)}
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # no colon after labels (a keyword argument could collide with *args)
        self.instance = instance
        if instance is not None:
            self.fields["code"].disabled = True
        self.fields["processing_days"].error_messages.update(
            min_value=_("Thời hạn giải quyết không được âm."), max_value=_("Thời hạn giải quyết tối đa 365 ngày làm việc."))
        self.fields["fee_vnd"].error_messages["min_value"] = _("Phí, lệ phí không được âm.")

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "code": self.instance.code if self.instance is not None else (d.get("code") or ""),
            "name": d.get("name") or "",
            "field": d.get("field") or "",
            "level": d.get("level") or "",
            "processing_days": d.get("processing_days"),
            "online_type": d.get("online_type") or OnlineType.NONE,
            "fee_vnd": d.get("fee_vnd"),
            "fee_note": d.get("fee_note") or "",
            "postal_return": bool(d.get("postal_return")),
            "deciding_body": d.get("deciding_body") or "",
            "active": bool(d.get("active")),
        }


# --- imports ---------------------------------------------------------------------------------------------

MAX_UPLOAD_MB = 200
UPLOAD_TYPES = (".xlsx", ".csv")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp xuất từ hệ thống một cửa (.xlsx hoặc .csv)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_TYPES)}))
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), required=False, choices=choices(JobKind), initial=JobKind.DOSSIERS,
                             error_messages={"invalid_choice": _("Bạn không được nhập loại dữ liệu này.")})
    mapping = forms.CharField(
        label=_("Ánh xạ cột (nếu tên cột trong tệp khác mẫu)"), required=False, widget=textarea(4),
        help_text=_("Mỗi dòng một cột: Tên cột trong tệp = Tên cột chuẩn. Ví dụ: Số hồ sơ = Mã hồ sơ"),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # no colon after labels (a keyword argument could collide with *args)
        choice_field(self, "kind").choices = [(v, label) for v, label in choices(JobKind) if v in kinds]
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = kinds[0]

    def clean_file(self) -> Any:
        f = self.cleaned_data.get("file")
        if f is None:
            raise forms.ValidationError(_("Chọn tệp cần nhập (.xlsx hoặc .csv)."))
        name = (f.name or "").lower()
        if not name.endswith(UPLOAD_TYPES):
            raise forms.ValidationError(_("Tệp «%(name)s» không phải .xlsx hoặc .csv.") % {"name": f.name})
        if f.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Tệp «%(name)s» nặng %(value)s MB, vượt giới hạn %(MAX_UPLOAD_MB)s MB. Chia tệp thành nhiều phần, hoặc nhập bằng lệnh «dieuhanh import dossiers» trên máy chủ.") % {"name": f.name, "value": format(f.size / 1024 / 1024, '.0f'), "MAX_UPLOAD_MB": MAX_UPLOAD_MB}
            )
        if f.size == 0:
            raise forms.ValidationError(_("Tệp «%(name)s» rỗng.") % {"name": f.name})
        try:
            tabular.screen(f, f.name)  # a zip bomb, an XML entity trick, an unknown encoding: refused at once
        except tabular.ImportRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return f

    def clean_kind(self) -> str:
        kind = self.cleaned_data.get("kind") or JobKind.DOSSIERS
        # The stub types the choices as any input Django accepts; it holds the normalised pairs.
        if kind not in dict(choice_field(self, "kind").choices):  # type: ignore[arg-type]
            raise forms.ValidationError(_("Bạn không được nhập loại dữ liệu này."))
        return kind

    def clean_mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        problems: list[str] = []
        for number, line in enumerate((self.cleaned_data.get("mapping") or "").splitlines(), start=1):
            if not line.strip():
                continue
            left, sep, right = line.partition("=")
            if not sep or not left.strip() or not right.strip():
                problems.append(_("Dòng %(number)s: «%(value)s» không có dạng «Tên cột trong tệp = Tên cột chuẩn».") % {"number": number, "value": line.strip()})
                continue
            mapping[left.strip()] = right.strip()
        if problems:
            raise forms.ValidationError(problems)
        return mapping

    def clean(self) -> dict[str, Any]:
        """A mapping naming a column the import does not know is refused here, before the file
        is kept."""
        from dieuhanh.dossiers import columns

        super().clean()
        d = self.cleaned_data
        if d.get("mapping") and d.get("kind"):
            try:
                d["mapping"] = columns.parse_mapping(d["mapping"], d["kind"])
            except columns.ColumnError as exc:
                self.add_error("mapping", str(exc))
        return d
