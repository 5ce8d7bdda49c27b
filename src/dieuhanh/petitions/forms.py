"""Forms of the petition pages. They parse typed input and limit every choice to what the user
may see; the rules and their Vietnamese messages live in `services.py`, whose ValidationError
goes back onto these forms through `directives.forms.apply_errors()`. That is why most fields
are `required=False`: an empty field reaches the service, which names what is missing.

The list's filter is `filters.PetitionFilter`; `PetitionFilterForm` only renders it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.forms import (
    FilterForm,
    PersonChoiceField,
    choice_field,
    choices,
    date_field,
    int_field,
    model_choice_field,
    name_length_limits,
    search_field,
    textarea,
    units_today,
)
from dieuhanh.core.generations import KeptForScope
from dieuhanh.core.http import AnyUser
from dieuhanh.core.options import offer
from dieuhanh.directives.forms import people
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, Person, RoleGrant
from dieuhanh.petitions import uploads
from dieuhanh.petitions.choices import (
    Channel,
    Field,
    Kind,
    SessionKind,
    State,
)
from dieuhanh.petitions.filters import FLAGS, OPEN, timings
from dieuhanh.petitions.models import ReceptionSession

PUBLIC_KINDS = (Kind.RECOMMENDATION, Kind.FEEDBACK, Kind.COMPLAINT, Kind.DENUNCIATION)


def current_units() -> QuerySet[AdminUnit]:
    return AdminUnit.objects.valid_on(timezone.localdate()).order_by("name")


def receiving_units(user: AnyUser) -> QuerySet[AdminUnit]:
    """Today's units where the user may record petitions (reception, office, leaders)."""

    return access.unit_choices(user, "petitions", "receive")


def matter_units(user: AnyUser) -> QuerySet[AdminUnit]:
    """Where a matter may arise: today's units in the user's scope and the communes of the same
    provinces (a ward's desk also receives petitions about its neighbours)."""
    units = access.offered_units(user, "petitions", "receive")
    qs = current_units().exclude(level=UnitLevel.VILLAGE)
    if units is access.ALL:
        return qs
    provinces = set(qs.filter(id__in=units).values_list("parent_id", flat=True)) - {None}
    return qs.filter(Q(id__in=units) | Q(parent_id__in=provinces) | Q(id__in=provinces))


def public_units() -> list[tuple[str, list[tuple[int, str]]]]:
    """Today's communes and wards served here, grouped by province, for the citizen's form:
    the provinces holding a unit where some account has a role (the whole country when none
    has, e.g. a fresh installation)."""
    granted = set(RoleGrant.objects.exclude(unit=None).values_list("unit_id", flat=True))
    communes = AdminUnit.objects.current().filter(level=UnitLevel.COMMUNE)
    if granted:
        covered = scope.expand_units(granted)
        provinces = set(communes.filter(id__in=covered).values_list("parent_id", flat=True))
        provinces |= set(
            AdminUnit.objects.current().filter(id__in=covered, level=UnitLevel.PROVINCE).values_list("id", flat=True)
        )
        communes = communes.filter(parent_id__in=provinces)
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, province in communes.order_by("parent__name", "name").values_list("id", "name", "parent__name"):
        groups.setdefault(province or "", []).append((pk, name))
    return list(groups.items())


def _files_help(public: bool) -> str:
    """The attachments' limits and types, in the language of the request that shows the form."""
    numbers = {"value": uploads.MAX_BYTES // uploads.MB, "value2": uploads.allowed_text(public=public)}
    if public:
        return str(_("Tối đa %(PUBLIC_MAX_FILES)s tệp, mỗi tệp tối đa %(value)s MB: %(value2)s. Ảnh được mã hoá khi "
                     "lưu, chỉ cán bộ xử lý được xem.") % {"PUBLIC_MAX_FILES": uploads.PUBLIC_MAX_FILES, **numbers})
    return str(_("Tối đa %(MAX_FILES)s tệp, mỗi tệp tối đa %(value)s MB: %(value2)s; được mã hoá khi lưu.")
               % {"MAX_FILES": uploads.MAX_FILES, **numbers})


# --- list filters (rendering only: `filters.PetitionFilter` parses and applies) ------------------


class PetitionFilterForm(FilterForm):
    rows = (("q", "kind", "field", "state"), ("unit", "timing", "flag", "year"))
    grow = ("q",)

    q = search_field(_("Số đơn, mã tra cứu, nội dung… (có dấu hoặc không dấu)"))
    kind = forms.ChoiceField(label=_("Phân loại"), required=False, choices=choices(Kind, _("Tất cả")))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=choices(Field, _("Tất cả")))
    state = forms.ChoiceField(label=_("Trạng thái"), required=False,
                              choices=[("", _("Tất cả")), (OPEN, _("Chưa giải quyết xong")), *choices(State)])
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Nơi phát sinh"), required=False,
                                  empty_label=_("Tất cả"))
    timing = forms.ChoiceField(label=_("Thời hạn"), required=False)
    flag = forms.ChoiceField(label=_("Đánh dấu"), required=False, choices=[("", _("Tất cả")), *FLAGS.items()])
    year = forms.ChoiceField(label=_("Năm nhận"), required=False)

    def __init__(self, *args: Any, user: AnyUser, visible: Any, **kwargs: Any) -> None:
        """`visible`: the user's petitions (`Petition.objects.visible_to(user)`)."""
        super().__init__(*args, **kwargs)
        offered = _PETITION_OPTIONS.get(user, lambda: _petition_options(visible))
        offer(model_choice_field(self, "unit"), units_today(offered.units), offered.unit_ids)
        choice_field(self, "timing").choices = [("", _("Tất cả")), *timings().items()]
        years = set(offered.years) | {timezone.localdate().year}
        choice_field(self, "year").choices = [("", _("Tất cả"))] + [(str(y), str(y)) for y in sorted(years, reverse=True)]


@dataclass(frozen=True)
class PetitionOptions:
    """What the register's filter bar offers a user: the units their petitions arise in (as
    today's heirs, in order: `unit_ids`) and the years they were received."""

    units: frozenset[int]
    years: tuple[int, ...]
    unit_ids: tuple[int, ...]


def _petition_options(visible: Any) -> PetitionOptions:
    # The units the visible petitions arise in and the years they were received, in one reading.
    pairs = set(visible.order_by().values_list("unit_id", "year").distinct())
    units = frozenset(unit for unit, _ in pairs)
    return PetitionOptions(units, tuple(sorted({year for _, year in pairs})),
                           tuple(units_today(units).values_list("pk", flat=True)))


# Kept until a petition is received or removed, moves to another unit or handler, in any process
# (petitions/apps.py watches those columns), or the units change.
_PETITION_OPTIONS = KeptForScope[PetitionOptions]("petition-assignment", "petitions", also=("units",))


# --- receiving a petition --------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in data) if f]
        single = super().clean(data, initial)
        return [single] if single else []


def read_attachments(files: list[Any]) -> list[tuple[str, str, bytes]]:
    """Uploaded files as the services take them: (name, content type, bytes). A file over the
    limit is still read up to the limit + 1 byte so the service can refuse it by name."""
    out = []
    for f in files:
        data = f.read(uploads.MAX_BYTES + 1)
        out.append((f.name, getattr(f, "content_type", "") or "application/octet-stream", data))
    return out


class IdentityFields(forms.Form):
    """The petitioner: encrypted by the service, never stored in clear."""

    name = forms.CharField(label=_("Họ và tên người gửi"), required=False, max_length=150)
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=300)
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=30)
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             error_messages={"invalid": _("Thư điện tử không đúng dạng, ví dụ ten@example.vn.")})
    id_number = forms.CharField(label=_("Số định danh cá nhân (CCCD)"), required=False, max_length=20)
    no_contact = forms.BooleanField(
        label=_("Không nhận tin báo qua thư điện tử, tin nhắn"), required=False,
        help_text=_("Để trống: cơ quan báo tin tiếp nhận, thụ lý hoặc chuyển đơn và kết quả giải quyết, kèm mã tra "
                    "cứu, qua thư điện tử và tin nhắn SMS đến số di động đã ghi."),
    )

    def identity(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) or "" for k in ("name", "address", "phone", "email", "id_number")}


class ReceiveForm(IdentityFields):
    channel = forms.ChoiceField(label=_("Nguồn đơn"), choices=choices(Channel), initial=Channel.DESK)
    session = forms.ModelChoiceField(ReceptionSession.objects.none(), label=_("Buổi tiếp công dân"), required=False,
                                     empty_label=_("— Không —"))
    receiving_unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị tiếp nhận"), required=False)
    received_on = date_field(_("Ngày nhận đơn"))
    dated_on = date_field(_("Ngày ghi trên đơn"))
    transferred_from = forms.CharField(label=_("Cơ quan chuyển đơn đến"), required=False, max_length=300)
    kind = forms.ChoiceField(label=_("Phân loại theo nội dung"), required=False, choices=choices(Kind, "—"))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=choices(Field), initial=Field.OTHER)
    subject = forms.CharField(label=_("Tóm tắt nội dung"), required=False, max_length=300,
                              help_text=_("Để trống: lấy 120 ký tự đầu của nội dung đơn."))
    content = forms.CharField(label=_("Nội dung đơn"), required=False, widget=textarea(6))
    respondent = forms.CharField(label=_("Người, cơ quan hoặc quyết định bị khiếu nại, tố cáo"), required=False,
                                 max_length=300)
    decision_known_on = date_field(
        _("Ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại"),
        help_text=_("Khiếu nại: thời hiệu 90 ngày tính từ ngày này (Luật Khiếu nại, Điều 9)."),
    )
    against_party_member = forms.BooleanField(label=_("Tố cáo đảng viên"), required=False)
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Nơi phát sinh vụ việc"), required=False,
                                  empty_label=_("— Chọn phường, xã —"))
    place = forms.CharField(label=_("Địa điểm vụ việc"), required=False, max_length=300)
    is_anonymous = forms.BooleanField(label=_("Đơn nặc danh, mạo danh (không rõ người gửi)"), required=False)
    signer_count = int_field(_("Số người ký đơn"), initial=1, min_value=1,
                             widget=forms.NumberInput(attrs={"min": 1, "step": 1}))
    co_signers = forms.CharField(label=_("Những người cùng ký"), required=False, widget=textarea(3),
                                 help_text=_("Mỗi người một dòng: họ tên, địa chỉ."))
    attachments = MultipleFileField(
        label=_("Tệp đính kèm (ảnh chụp đơn, giấy tờ)"), required=False,
        help_text=lazy(_files_help, str)(False),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        only = receiving_units(user)
        model_choice_field(self, "receiving_unit").queryset = only
        model_choice_field(self, "unit").queryset = matter_units(user)
        model_choice_field(self, "session").queryset = ReceptionSession.objects.visible_to(user).select_related("unit")
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["signer_count"].error_messages["min_value"] = _("Số người ký đơn ít nhất là 1.")
        if only.count() == 1 and (first := only.first()) is not None:
            self.fields["receiving_unit"].initial = self.fields["unit"].initial = first.pk
        name_length_limits(self)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        identity = self.identity()
        identity["co_signers"] = [line.strip() for line in (d.get("co_signers") or "").splitlines() if line.strip()]
        return {
            "channel": d.get("channel") or Channel.DESK,
            "session": d.get("session"),
            "receiving_unit": d.get("receiving_unit") or d.get("unit"),
            "received_on": d.get("received_on"),
            "dated_on": d.get("dated_on"),
            "transferred_from": d.get("transferred_from") or "",
            "kind": d.get("kind") or "",
            "field": d.get("field") or Field.OTHER,
            "subject": d.get("subject") or "",
            "content": d.get("content") or "",
            "respondent": d.get("respondent") or "",
            "decision_known_on": d.get("decision_known_on"),
            "against_party_member": bool(d.get("against_party_member")),
            "unit": d.get("unit"),
            "place": d.get("place") or "",
            "identity": identity,
            "is_anonymous": bool(d.get("is_anonymous")),
            "no_contact": bool(d.get("no_contact")),
            "signer_count": d.get("signer_count") or 1,
            "attachments": read_attachments(d.get("attachments") or []),
        }


class PublicPetitionForm(IdentityFields):
    """A citizen filing online without an account. `website` is a honeypot: hidden from people,
    filled in by spam robots."""

    kind = forms.ChoiceField(label=_("Loại đơn"), required=False, choices=choices(Kind, _("— Chọn —"), PUBLIC_KINDS))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=choices(Field), initial=Field.OTHER)
    unit = forms.TypedChoiceField(label=_("Phường, xã nơi xảy ra sự việc"), required=False, coerce=int,
                                  empty_value=None)
    content = forms.CharField(label=_("Nội dung"), required=False, widget=textarea(7),
                              help_text=_("Trình bày rõ sự việc, thời gian, địa điểm và đề nghị của ông/bà."))
    place = forms.CharField(label=_("Địa điểm cụ thể"), required=False, max_length=300,
                            help_text=_("Số nhà, đường, tổ dân phố, thôn…"))
    lat = forms.FloatField(label=_("Vĩ độ"), required=False, widget=forms.NumberInput(attrs={"step": "any"}),
                           error_messages={"invalid": _("Vĩ độ phải là số, ví dụ 21.1302.")})
    lon = forms.FloatField(label=_("Kinh độ"), required=False, widget=forms.NumberInput(attrs={"step": "any"}),
                           error_messages={"invalid": _("Kinh độ phải là số, ví dụ 106.3947.")})
    # Asked for only when the point is far from the chosen ward (receiving._location_question).
    location_confirmed = forms.BooleanField(label=_("Tôi xác nhận vị trí này đúng"), required=False)
    attachments = MultipleFileField(
        label=_("Ảnh chụp hiện trường, giấy tờ (không bắt buộc)"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,image/heic,.heic,.heif,"
                                                  "application/pdf"}),
        help_text=lazy(_files_help, str)(True),
    )
    is_anonymous = forms.BooleanField(label=_("Gửi phản ánh không ghi tên"), required=False,
                                      help_text=_("Chỉ áp dụng cho phản ánh; khiếu nại, tố cáo, kiến nghị phải ghi rõ "
                                                "họ tên, địa chỉ."))
    website = forms.CharField(label=_("Để trống ô này"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit_groups = public_units()
        choice_field(self, "unit").choices = [("", _("— Chọn phường, xã —"))] + [
            (province, options) for province, options in self.unit_groups
        ]
        self.fields["name"].label = _("Họ và tên")
        self.fields["address"].label = _("Địa chỉ liên hệ")
        del self.fields["id_number"]
        name_length_limits(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        if d.get("is_anonymous") and d.get("kind") not in ("", None, Kind.FEEDBACK):
            self.add_error("is_anonymous", _("Chỉ phản ánh mới được gửi không ghi tên; khiếu nại, tố cáo, kiến nghị "
                                           "phải ghi rõ họ tên, địa chỉ của người gửi."))
        if not d.get("is_anonymous") and d.get("kind") and not (d.get("address") or d.get("phone")):
            self.add_error("address", _("Ghi địa chỉ hoặc số điện thoại để cơ quan trả lời ông/bà."))
        return d

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        anonymous = bool(d.get("is_anonymous"))
        return {
            "kind": d.get("kind") or "",
            "field": d.get("field") or Field.OTHER,
            "unit": AdminUnit.objects.filter(pk=d["unit"]).first() if d.get("unit") else None,
            "content": d.get("content") or "",
            "place": d.get("place") or "",
            "lat": d.get("lat"),
            "lon": d.get("lon"),
            "location_confirmed": bool(d.get("location_confirmed")),
            "identity": {} if anonymous else self.identity(),
            "is_anonymous": anonymous,
            "no_contact": bool(d.get("no_contact")),
            "attachments": read_attachments(d.get("attachments") or []),
        }


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), required=False, choices=choices(SessionKind, "—"))
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị tổ chức"), required=False)
    held_on = date_field(_("Ngày tiếp"))
    host = PersonChoiceField(Person.objects.none(), label=_("Người chủ trì"), required=False)
    host_title = forms.CharField(label=_("Chức vụ người chủ trì"), required=False, max_length=200)
    place = forms.CharField(label=_("Địa điểm"), required=False, max_length=300)
    attendees = forms.CharField(label=_("Thành phần tham dự"), required=False, widget=textarea(2))
    citizens_count = int_field(_("Số lượt công dân"), initial=0, min_value=0)
    matters = forms.CharField(label=_("Nội dung công dân nêu"), required=False, widget=textarea(4))
    answers = forms.CharField(label=_("Ý kiến trả lời, chỉ đạo tại buổi tiếp"), required=False, widget=textarea(4))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        only = receiving_units(user)
        model_choice_field(self, "unit").queryset = only
        model_choice_field(self, "host").queryset = people()
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["citizens_count"].error_messages["min_value"] = _("Số lượt công dân không được âm.")
        if only.count() == 1 and (first := only.first()) is not None:
            self.fields["unit"].initial = first.pk

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d.get("kind") or "",
            "unit": d.get("unit"),
            "held_on": d.get("held_on"),
            "host": d.get("host"),
            "host_title": d.get("host_title") or "",
            "place": d.get("place") or "",
            "attendees": d.get("attendees") or "",
            "citizens_count": d.get("citizens_count") or 0,
            "matters": d.get("matters") or "",
            "answers": d.get("answers") or "",
        }
