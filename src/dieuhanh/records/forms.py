from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.forms import (
    BodyChoiceField,
    FilterForm,
    PersonChoiceField,
    bodies_today,
    choice_field,
    date_field,
    model_choice_field,
    name_length_limits,
    search_field,
    textarea,
    translated_choices,
)
from dieuhanh.core.http import AnyUser
from dieuhanh.directives.choices import DocumentKind, DocumentSystem
from dieuhanh.directives.forms import people
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import Organisation, Person
from dieuhanh.records import storage
from dieuhanh.records.choices import Secrecy, Urgency
from dieuhanh.records.filters import ASSIGNED, WAITING
from dieuhanh.records.models import OutgoingDocument


def register_bodies(user: AnyUser, action: str = "register") -> QuerySet[Organisation]:
    """The bodies whose registers the user keeps: today's first, then those a reform ended."""
    units = access.offered_units(user, "records", action)
    qs = Organisation.objects.select_related("unit").order_by(F("valid_to").desc(nulls_first=True), "name")
    return qs if units is access.ALL else qs.filter(unit_id__in=units)


def read_upload(upload: Any) -> tuple[str, bytes] | None:
    """(name, bytes) of an uploaded file, read up to one byte past the limit (the service names it)."""
    if not upload:
        return None
    return upload.name, upload.read(storage.MAX_BYTES + 1)


def _document_choices(form: forms.Form) -> None:
    """The choices a register's entry form offers for what the document is: system, type,
    urgency and secrecy (both registers' forms)."""
    choice_field(form, "system").choices = translated_choices(DocumentSystem)
    choice_field(form, "kind").choices = translated_choices(DocumentKind, blank="—")
    choice_field(form, "urgency").choices = translated_choices(Urgency)
    choice_field(form, "secrecy").choices = translated_choices(Secrecy)


class FileInput(forms.ClearableFileInput):
    def __init__(self) -> None:
        super().__init__(attrs={"accept": ",".join(sorted(storage.TYPES))})


class IssueForm(forms.Form):
    issuer = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan ban hành"), required=False)
    system = forms.ChoiceField(label=_("Hệ thống văn bản"), required=False)
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    issuer_code = forms.CharField(label=_("Ký hiệu cơ quan ban hành"), required=False, max_length=40,
                                  help_text=_("Ví dụ UBND, TU, ĐU, VP: phần sau số và tên loại."))
    issued_on = date_field(_("Ngày ban hành"), help_text=_("Để trống: hôm nay."))
    subject = forms.CharField(label=_("Trích yếu"), required=False, max_length=500, widget=textarea(2))
    signer = PersonChoiceField(Person.objects.none(), label=_("Người ký"), required=False)
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, widget=textarea(3),
                                 help_text=_("Mỗi nơi nhận một dòng."))
    urgency = forms.ChoiceField(label=_("Mức độ khẩn"), required=False)
    secrecy = forms.ChoiceField(label=_("Độ mật"), required=False,
                                help_text=_("Văn bản mật chỉ văn phòng và lãnh đạo đơn vị xem được."))
    file = forms.FileField(label=_("Tệp văn bản đã ký"), required=False, widget=FileInput(),
                           help_text=_("PDF, .docx hoặc ảnh chụp; tệp được lưu kèm mã SHA-256 và không sửa được."))
    replaces = forms.ModelChoiceField(OutgoingDocument.objects.none(), label=_("Thay thế văn bản"), required=False,
                                      help_text=_("Văn bản đã ban hành mà văn bản này thay thế."))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _document_choices(self)
        model_choice_field(self, "issuer").queryset = register_bodies(user)
        model_choice_field(self, "signer").queryset = people()
        model_choice_field(self, "replaces").queryset = (
            OutgoingDocument.objects.visible_to(user, "register").filter(replaced_by__isnull=True).order_by("-issued_on", "-id")
        )
        name_length_limits(self)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "issuer": d.get("issuer"), "system": d.get("system") or "", "kind": d.get("kind") or "",
            "issuer_code": d.get("issuer_code") or "", "issued_on": d.get("issued_on"), "subject": d.get("subject") or "",
            "signer": d.get("signer"), "recipients": d.get("recipients") or "", "urgency": d.get("urgency") or Urgency.NORMAL,
            "upload": read_upload(d.get("file")), "replaces": d.get("replaces"), "secrecy": d.get("secrecy") or "",
        }


class ReceiveForm(forms.Form):
    receiver = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan nhận"), required=False)
    received_on = date_field(_("Ngày đến"), help_text=_("Để trống: hôm nay."))
    sender = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan gửi (trong danh mục)"), required=False,
                             help_text=_("Chọn nếu có trong danh mục: văn bản giao nhiệm vụ sẽ mang tên cơ quan này."))
    sender_name = forms.CharField(label=_("Cơ quan, tổ chức gửi"), required=False, max_length=300,
                                  help_text=_("Để trống nếu đã chọn trong danh mục."))
    system = forms.ChoiceField(label=_("Hệ thống văn bản"), required=False)
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    number = forms.CharField(label=_("Số"), required=False, max_length=20)
    issuer_code = forms.CharField(label=_("Ký hiệu cơ quan ban hành"), required=False, max_length=40)
    issued_on = date_field(_("Ngày văn bản"))
    subject = forms.CharField(label=_("Trích yếu"), required=False, max_length=500, widget=textarea(2))
    urgency = forms.ChoiceField(label=_("Mức độ khẩn"), required=False)
    secrecy = forms.ChoiceField(label=_("Độ mật"), required=False,
                                help_text=_("Văn bản mật chỉ văn phòng và lãnh đạo đơn vị xem được."))
    handle_by = date_field(_("Hạn xử lý"))
    file = forms.FileField(label=_("Tệp văn bản"), required=False, widget=FileInput())

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _document_choices(self)
        model_choice_field(self, "receiver").queryset = register_bodies(user)
        model_choice_field(self, "sender").queryset = bodies_today()
        name_length_limits(self)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "receiver": d.get("receiver"), "received_on": d.get("received_on"), "sender": d.get("sender"),
            "sender_name": d.get("sender_name") or "", "system": d.get("system") or "", "kind": d.get("kind") or "",
            "number": d.get("number") or "", "issuer_code": d.get("issuer_code") or "", "issued_on": d.get("issued_on"),
            "subject": d.get("subject") or "", "urgency": d.get("urgency") or Urgency.NORMAL,
            "handle_by": d.get("handle_by"), "upload": read_upload(d.get("file")), "secrecy": d.get("secrecy") or "",
        }


class TermForm(forms.Form):
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cấp uỷ"), required=False)
    name = forms.CharField(label=_("Nhiệm kỳ"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": "2025 - 2030"}))
    starts_on = date_field(_("Bắt đầu từ ngày"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = register_bodies(user).filter(
            kind=OrganisationKind.PARTY_COMMITTEE
        )
        name_length_limits(self)


class OutgoingFilterForm(FilterForm):
    rows = (("q", "issuer", "kind", "year"),)
    grow = ("q",)
    q = search_field(_("Số, ký hiệu, trích yếu, nơi nhận"))
    issuer = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan ban hành"), required=False, empty_label=_("Tất cả"))
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, widget=forms.NumberInput(attrs={"size": 5}))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = translated_choices(DocumentKind, blank=str(_("Tất cả")))
        model_choice_field(self, "issuer").queryset = register_bodies(user, "view").filter(
            kind__in=(OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PEOPLES_COMMITTEE, OrganisationKind.PEOPLES_COUNCIL,
                      OrganisationKind.PARTY_OFFICE, OrganisationKind.INSPECTION_COMMISSION)
        )


class IncomingFilterForm(FilterForm):
    rows = (("q", "receiver", "kind", "handling", "year"),)
    grow = ("q",)
    q = search_field(_("Cơ quan gửi, số, ký hiệu, trích yếu"))
    receiver = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan nhận"), required=False, empty_label=_("Tất cả"))
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    handling = forms.ChoiceField(label=_("Giao xử lý"), required=False, choices=(
        ("", _("Tất cả")), (WAITING, _("Chưa giao")), (ASSIGNED, _("Đã giao nhiệm vụ"))))
    year = forms.IntegerField(label=_("Năm"), required=False, widget=forms.NumberInput(attrs={"size": 5}))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = translated_choices(DocumentKind, blank=str(_("Tất cả")))
        model_choice_field(self, "receiver").queryset = register_bodies(user, "view").filter(
            kind__in=(OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PEOPLES_COMMITTEE, OrganisationKind.PEOPLES_COUNCIL,
                      OrganisationKind.PARTY_OFFICE, OrganisationKind.INSPECTION_COMMISSION)
        )


class IssuePaperForm(forms.Form):
    """Number and issue a document the platform wrote (core/papers): what the register adds to it."""

    issued_on = date_field(_("Ngày ban hành"), help_text=_("Để trống: hôm nay."))
    signer = PersonChoiceField(Person.objects.none(), label=_("Người ký"), required=False)
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, widget=textarea(3), help_text=_("Mỗi nơi nhận một dòng."))
    urgency = forms.ChoiceField(label=_("Mức độ khẩn"), required=False)
    file_format = forms.ChoiceField(label=_("Lưu tệp dạng"), required=False, choices=(("pdf", "PDF"), ("docx", ".docx")))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "urgency").choices = translated_choices(Urgency)
        model_choice_field(self, "signer").queryset = people()
