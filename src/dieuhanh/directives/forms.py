"""Forms of the web UI. They only parse typed input and limit every choice to what the user
may see; the rules (and their Vietnamese messages naming the missing "rõ") live in
`services.py`, whose ValidationError is mapped back onto these forms by `apply_errors()`.

That is why the "5 rõ" fields are `required=False` here: an empty field reaches the service,
which answers "Thiếu lãnh đạo chịu trách nhiệm (rõ trách nhiệm)." rather than Django's generic
"This field is required."."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.forms import (
    BodyChoiceField,
    FilterForm,
    PersonChoiceField,
    apply_errors,
    choice_field,
    date_field,
    model_choice_field,
    search_field,
    textarea,
    translated_choices,
    units_today,
)
from dieuhanh.core.generations import KeptForScope
from dieuhanh.core.http import AnyUser
from dieuhanh.core.options import offer
from dieuhanh.directives.choices import (
    AdjustedField,
    DocumentKind,
    DocumentSystem,
    Evaluation,
    ReportCadence,
    ReportPeriod,
    TaskStatus,
)
from dieuhanh.directives.filters import OPEN
from dieuhanh.directives.models import Document, Meeting, Task, TaskQuerySet
from dieuhanh.lib.params import INT32_MAX, IdsChoiceMixin, IntField
from dieuhanh.org import scope
from dieuhanh.org.models import AdminUnit, Organisation, Person

_NON_DIGITS = re.compile(r"[\s.,_]|đồng|đ|vnd", re.IGNORECASE)


class VndField(forms.CharField):
    """An amount in whole đồng, accepting "1.500.000.000", "1 500 000 000" or "1500000000 đồng"."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1.500.000.000"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = _NON_DIGITS.sub("", str(value or "")).strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(gettext("Kinh phí phải là số tiền, ví dụ 1.500.000.000.")) from None
        if amount != amount.to_integral_value():
            raise ValidationError(gettext("Kinh phí tính theo đồng, không có phần lẻ."))
        return amount


# --- what a user may choose ---------------------------------------------------------------


def visible_documents(user: AnyUser) -> QuerySet[Document]:
    return Document.objects.visible_to(user).select_related("issuer").order_by("-issued_on", "-id")


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("organisation", "conclusion")


def coordinating_unit_choices(user: AnyUser) -> QuerySet[AdminUnit]:
    """Valid units in the user's scope and the units above them (a ward task may be
    coordinated with the city's departments)."""
    qs = AdminUnit.objects.valid_on(timezone.localdate()).order_by("name")
    units = access.offered_units(user, "directives", "view")
    return qs if units is access.ALL else qs.filter(id__in=units | scope.ancestors(units))


def issuing_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The bodies in the user's units that issue documents and chair meetings: today's first,
    then those a reform ended (a document of 2021 was issued by 2021's bodies), each labelled with
    the day it ended (`BodyChoiceField`), so a board that carried its name into the new ward is
    not offered twice under one label."""
    units = access.offered_units(user, "directives", "assign")
    qs = Organisation.objects.select_related("unit").order_by(F("valid_to").desc(nulls_first=True), "name")
    return qs if units is access.ALL else qs.filter(unit_id__in=units)


def people() -> QuerySet[Person]:
    return Person.objects.order_by("full_name", "id")


def unit_staff(unit_id: int) -> QuerySet[Person]:
    """People holding a position today in an organisation of the unit (listed first when a
    lead unit is chosen)."""
    from dieuhanh.org.models import Assignment

    holders = Assignment.objects.active_on(timezone.localdate()).filter(position__organisation__unit_id=unit_id)
    return people().filter(id__in=holders.values("person_id"))


# --- documents and meetings ---------------------------------------------------------------


class DocumentForm(forms.Form):
    notation = forms.CharField(
        label=_("Số, ký hiệu"),
        required=False,
        max_length=80,
        help_text=_("Ví dụ 15/QĐ-UBND (nhà nước) hoặc 12-NQ/TU (Đảng). Có thể để trống và nhập từng phần bên dưới."),
        widget=forms.TextInput(attrs={"placeholder": "15/QĐ-UBND"}),
    )
    system = forms.ChoiceField(label=_("Hệ thống văn bản"), required=False)
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    number = forms.CharField(label=_("Số"), required=False, max_length=20)
    issuer_code = forms.CharField(label=_("Ký hiệu cơ quan ban hành"), required=False, max_length=40)
    issuer = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan ban hành"), required=False)
    issued_on = date_field(_("Ngày ban hành"))
    title = forms.CharField(label=_("Trích yếu"), required=False, max_length=500, widget=textarea(2))
    parent = forms.ModelChoiceField(
        Document.objects.none(),
        label=_("Thực hiện văn bản"),
        required=False,
        help_text=_("Văn bản cấp trên mà văn bản này cụ thể hoá (ví dụ nghị quyết đại hội → chương trình hành động)."),
    )
    signer = PersonChoiceField(Person.objects.none(), label=_("Người ký"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "system").choices = translated_choices(DocumentSystem, blank="—")
        choice_field(self, "kind").choices = translated_choices(DocumentKind, blank="—")
        model_choice_field(self, "issuer").queryset = issuing_organisations(user)
        model_choice_field(self, "parent").queryset = visible_documents(user)
        model_choice_field(self, "signer").queryset = people()

    def clean(self) -> dict[str, Any]:
        from dieuhanh.directives.services import parse_notation

        super().clean()
        data = self.cleaned_data
        if data.get("notation"):
            try:
                parsed = parse_notation(data["notation"])
            except ValidationError as exc:
                apply_errors(self, exc)
            else:
                data.update(
                    system=parsed.system.value, kind=parsed.kind.value, number=parsed.number, issuer_code=parsed.issuer_code
                )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "system": d.get("system") or "",
            "kind": d.get("kind") or "",
            "number": d.get("number") or "",
            "issuer_code": d.get("issuer_code") or "",
            "issuer": d.get("issuer"),
            "issued_on": d.get("issued_on"),
            "title": d.get("title") or "",
            "parent": d.get("parent"),
            "signer": d.get("signer"),
        }


class MeetingForm(forms.Form):
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan chủ trì họp"))
    title = forms.CharField(label=_("Tên cuộc họp"), required=False, max_length=300)
    held_on = date_field(_("Ngày họp"))
    chair = PersonChoiceField(Person.objects.none(), label=_("Người chủ trì"), required=False)
    summary = forms.CharField(label=_("Nội dung"), required=False, widget=textarea(3))
    conclusion = forms.ModelChoiceField(
        Document.objects.none(),
        label=_("Thông báo kết luận đã có"),
        required=False,
        help_text=_("Chọn văn bản kết luận đã nhập, hoặc nhập văn bản kết luận mới bên dưới."),
    )
    conclusion_notation = forms.CharField(
        label=_("Số, ký hiệu thông báo kết luận"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "125-TB/TU"}),
    )
    conclusion_issued_on = date_field(_("Ngày ban hành kết luận"))
    conclusion_title = forms.CharField(label=_("Trích yếu kết luận"), required=False, max_length=500)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = issuing_organisations(user)
        model_choice_field(self, "chair").queryset = people()
        model_choice_field(self, "conclusion").queryset = visible_documents(user).filter(meeting__isnull=True)

    def clean(self) -> dict[str, Any]:
        from dieuhanh.directives.services import parse_notation

        super().clean()
        data = self.cleaned_data
        data["new_conclusion"] = None
        if data.get("conclusion_notation"):
            if data.get("conclusion"):
                self.add_error("conclusion_notation", gettext("Chọn văn bản đã có hoặc nhập văn bản mới, không cả hai."))
            try:
                data["new_conclusion"] = parse_notation(data["conclusion_notation"])
            except ValidationError as exc:
                apply_errors(self, exc, {"notation": "conclusion_notation"})
        return data


# --- tasks -----------------------------------------------------------------------------------


class UnitsChoiceField(IdsChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class TaskForm(forms.Form):
    # Rõ việc
    title = forms.CharField(label=_("Tên nhiệm vụ"), required=False, max_length=500)
    content = forms.CharField(label=_("Nội dung chi tiết"), required=False, widget=textarea(3))
    # Căn cứ giao
    source_document = forms.ModelChoiceField(Document.objects.none(), label=_("Văn bản giao"), required=False)
    meeting = forms.ModelChoiceField(Meeting.objects.none(), label=_("Cuộc họp"), required=False)
    parent = forms.ModelChoiceField(Task.objects.none(), required=False, widget=forms.HiddenInput)
    # Rõ người
    lead_unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị chủ trì"), required=False)
    lead_person = PersonChoiceField(Person.objects.none(), label=_("Người chủ trì"), required=False)
    coordinating_units = UnitsChoiceField(
        AdminUnit.objects.none(),
        label=_("Đơn vị phối hợp"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    # Rõ thời gian, tiến độ
    assigned_on = date_field(_("Ngày giao"))
    due_date = date_field(_("Thời hạn hoàn thành"))
    # Rõ nguồn lực
    budget_vnd = VndField(label=_("Kinh phí (đồng)"), required=False)
    staff_count = IntField(label=_("Nhân lực (người)"), required=False, min_value=0, max_value=INT32_MAX)
    resource_note = forms.CharField(label=_("Nguồn lực khác"), required=False, widget=textarea(2))
    # Rõ kết quả
    expected_result = forms.CharField(label=_("Kết quả cần đạt"), required=False, widget=textarea(3))
    # Rõ trách nhiệm
    accountable_person = PersonChoiceField(
        Person.objects.none(), label=_("Lãnh đạo chịu trách nhiệm"), required=False
    )
    # Theo dõi, đôn đốc
    report_cadence = forms.ChoiceField(
        label=_("Chế độ báo cáo định kỳ"), required=False,
        help_text=_("Đơn vị chủ trì báo cáo tiến độ mỗi tuần hoặc mỗi tháng; hạn báo cáo là ngày làm việc cuối của kỳ."),
    )

    # Which "rõ" each field makes clear (the summary above the form names them).
    CLARITY = {
        "title": _("rõ việc"),
        "lead_unit": _("rõ người"),
        "lead_person": _("rõ người"),
        "due_date": _("rõ thời gian"),
        "budget_vnd": _("rõ nguồn lực"),
        "expected_result": _("rõ kết quả"),
        "accountable_person": _("rõ trách nhiệm"),
    }
    SERVICE_FIELDS = {"resources": "budget_vnd"}

    def __init__(self, *args: Any, user: AnyUser, parent: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = "report" if parent is not None else "assign"
        model_choice_field(self, "source_document").queryset = visible_documents(user)
        model_choice_field(self, "meeting").queryset = visible_meetings(user)
        model_choice_field(self, "parent").queryset = Task.objects.visible_to(user).open()
        model_choice_field(self, "lead_unit").queryset = access.unit_choices(user, "directives", action)
        # Choosing the lead unit puts its staff first in "người chủ trì" (htmx; a plain select without JS).
        self.fields["lead_unit"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("directives:person_options"),
                "hx-target": "#id_lead_person",
                "hx-include": "#id_lead_person",
                "hx-trigger": "change",
            }
        )
        model_choice_field(self, "coordinating_units").queryset = coordinating_unit_choices(user)
        model_choice_field(self, "lead_person").queryset = people()
        model_choice_field(self, "accountable_person").queryset = people()
        self.fields["assigned_on"].initial = timezone.localdate()
        choice_field(self, "report_cadence").choices = translated_choices(ReportCadence)
        self.fields["report_cadence"].initial = ReportCadence.MONTHLY

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d.get("title") or "",
            "content": d.get("content") or "",
            "source_document": d.get("source_document"),
            "meeting": d.get("meeting"),
            "parent": d.get("parent"),
            "lead_unit": d.get("lead_unit"),
            "lead_person": d.get("lead_person"),
            "coordinating_units": list(d.get("coordinating_units") or []),
            "assigned_on": d.get("assigned_on"),
            "due_date": d.get("due_date"),
            "budget_vnd": d.get("budget_vnd"),
            "staff_count": d.get("staff_count"),
            "resource_note": d.get("resource_note") or "",
            "expected_result": d.get("expected_result") or "",
            "accountable_person": d.get("accountable_person"),
            "report_cadence": d.get("report_cadence") or None,
        }

    def missing_clarities(self) -> list[str]:
        """The "rõ" left empty, in the order of the form, each named once."""
        found: list[str] = []
        for name, clarity in self.CLARITY.items():
            if name in self.errors and not self.data.get(self.add_prefix(name)) and str(clarity) not in found:
                found.append(str(clarity))
        return found


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Mốc tiến độ"), required=False, max_length=300)
    due_date = date_field(_("Thời hạn"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("title") and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", gettext("Mốc tiến độ cần có thời hạn."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=30, absolute_max=30)


def milestone_inputs(formset: Any) -> list[Any]:
    from dieuhanh.directives.services import MilestoneInput

    result = []
    for f in formset.forms:
        d = f.cleaned_data
        if d.get("due_date") or d.get("title"):
            result.append(MilestoneInput(d.get("title") or "", d["due_date"]))
    return result


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    percent = forms.IntegerField(
        label=_("Tiến độ (%)"), required=False, widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1})
    )
    content = forms.CharField(label=_("Kết quả thực hiện trong kỳ"), required=False, widget=textarea(3))
    obstacles = forms.CharField(label=_("Khó khăn, vướng mắc"), required=False, widget=textarea(2))
    proposals = forms.CharField(label=_("Đề xuất, kiến nghị"), required=False, widget=textarea(2))
    beyond_authority = forms.BooleanField(
        label=_("Vượt thẩm quyền, cần lãnh đạo cho ý kiến"), required=False
    )
    reported_on = date_field(_("Ngày báo cáo"))

    def __init__(self, *args: Any, cadence: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "period").choices = translated_choices(ReportPeriod)
        self.fields["reported_on"].initial = timezone.localdate()
        if cadence in ReportPeriod.values:  # the kind of report the task owes, first
            self.fields["period"].initial = cadence

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "period": d.get("period") or "",
            "percent": d.get("percent"),
            "content": d.get("content") or "",
            "obstacles": d.get("obstacles") or "",
            "proposals": d.get("proposals") or "",
            "beyond_authority": bool(d.get("beyond_authority")),
            "reported_on": d.get("reported_on"),
        }


class CadenceForm(forms.Form):
    # A select whose value the service checks, so a value that is no cadence is answered with
    # the service's message naming the field and its choices.
    report_cadence = forms.CharField(label=_("Chế độ báo cáo định kỳ"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report_cadence"].widget.choices = translated_choices(ReportCadence)  # type: ignore[attr-defined]


class AcknowledgeForm(forms.Form):
    response = forms.CharField(label=_("Ý kiến chỉ đạo"), required=False, widget=textarea(2))


class AdjustForm(forms.Form):
    """One form for every adjustable field: the value is read from the input matching
    `field` (the page shows only that input when JavaScript runs)."""

    field = forms.ChoiceField(label=_("Nội dung điều chỉnh"), required=False)
    new_date = date_field(_("Thời hạn mới"))
    new_text = forms.CharField(label=_("Kết quả cần đạt mới"), required=False, widget=textarea(2))
    new_budget = VndField(label=_("Kinh phí mới (đồng)"), required=False)
    new_unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị chủ trì mới"), required=False)
    new_person = PersonChoiceField(Person.objects.none(), label=_("Người mới"), required=False)
    deciding_document = forms.ModelChoiceField(
        Document.objects.none(), label=_("Văn bản quyết định điều chỉnh"), required=False
    )
    reason = forms.CharField(label=_("Lý do"), required=False, widget=textarea(2))

    INPUT_FOR = {
        AdjustedField.DUE_DATE.value: "new_date",
        AdjustedField.EXPECTED_RESULT.value: "new_text",
        AdjustedField.BUDGET.value: "new_budget",
        AdjustedField.LEAD_UNIT.value: "new_unit",
        AdjustedField.LEAD_PERSON.value: "new_person",
        AdjustedField.ACCOUNTABLE_PERSON.value: "new_person",
    }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "field").choices = translated_choices(AdjustedField, blank="—")
        model_choice_field(self, "new_unit").queryset = access.unit_choices(user, "directives", "assign")
        model_choice_field(self, "new_person").queryset = people()
        model_choice_field(self, "deciding_document").queryset = visible_documents(user)

    def value_input(self) -> str:
        return self.INPUT_FOR.get(self.cleaned_data.get("field") or "", "new_text")

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "field": d.get("field") or "",
            "new_value": d.get(self.value_input()),
            "deciding_document": d.get("deciding_document"),
            "reason": d.get("reason") or "",
        }


class CloseForm(forms.Form):
    completed_on = date_field(_("Ngày hoàn thành"))
    result_summary = forms.CharField(label=_("Kết quả đạt được"), required=False, widget=textarea(3))
    evaluation = forms.ChoiceField(label=_("Đánh giá"), required=False)
    evaluation_note = forms.CharField(label=_("Nhận xét"), required=False, widget=textarea(2))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "evaluation").choices = translated_choices(Evaluation, blank="—")
        self.fields["completed_on"].initial = timezone.localdate()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do huỷ"), required=False, widget=textarea(2))
    deciding_document = forms.ModelChoiceField(
        Document.objects.none(), label=_("Văn bản quyết định huỷ"), required=False
    )
    cancelled_on = date_field(_("Ngày huỷ"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "deciding_document").queryset = visible_documents(user)
        self.fields["cancelled_on"].initial = timezone.localdate()


# --- list filters (rendering only: TaskFilter / DocumentFilter parse and apply) -------------


def _offered_documents(user: AnyUser) -> QuerySet[Document]:
    # A document is offered by its number and title (`Document.__str__`): those columns only.
    return visible_documents(user).select_related(None).only("system", "kind", "number", "issuer_code", "title")


@dataclass(frozen=True)
class TaskOptions:
    """What the task list's filter bar offers a user: the lead units and accountable leaders of
    the tasks they see, and the documents they see, with the ids of the options in order."""

    lead_units: frozenset[int]
    leaders: frozenset[int]
    unit_ids: tuple[int, ...]
    leader_ids: tuple[int, ...]
    document_ids: tuple[int, ...]


def _task_options(user: AnyUser, visible: TaskQuerySet) -> TaskOptions:
    # The lead units and the accountable leaders of the user's tasks, in one reading of them.
    pairs = set(visible.order_by().values_list("lead_unit_id", "accountable_person_id").distinct())
    lead_units, leaders = frozenset(u for u, _ in pairs), frozenset(p for _, p in pairs)
    return TaskOptions(
        lead_units, leaders,
        tuple(units_today(lead_units).values_list("pk", flat=True)),
        tuple(Person.objects.filter(id__in=leaders).order_by("full_name").values_list("pk", flat=True)),
        tuple(_offered_documents(user).values_list("pk", flat=True)),
    )


_TASK_OPTIONS = KeptForScope[TaskOptions](
    "task-assignment", "directives", also=("documents", "units", "people"),
)


class TaskFilterForm(FilterForm):
    rows = (
        ("q", "status", "unit", "leader"),
        ("document", "year", "due_from", "due_to"),
        ("cadence", "missing_report", "flagged"),
    )
    grow = ("q", "document")

    q = search_field(_("Mã, tên, nội dung… (gõ có dấu hoặc không dấu)"))
    unit = forms.ModelChoiceField(
        AdminUnit.objects.none(), label=_("Đơn vị chủ trì"), required=False, empty_label=_("Tất cả")
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    leader = PersonChoiceField(
        Person.objects.none(), label=_("Lãnh đạo chịu trách nhiệm"), required=False, empty_label=_("Tất cả")
    )
    document = forms.ModelChoiceField(
        Document.objects.none(), label=_("Văn bản giao"), required=False, empty_label=_("Tất cả")
    )
    year = forms.IntegerField(
        label=_("Năm"), required=False, min_value=1, max_value=9999,
        help_text=_("Nhiệm vụ có hạn trong năm; năm nay: thêm mọi nhiệm vụ chưa xong, như Trung tâm điều hành đếm."),
    )
    due_from = date_field(_("Thời hạn từ"))
    due_to = date_field(_("đến"))
    flagged = forms.BooleanField(label=_("Có kiến nghị chờ lãnh đạo"), required=False)
    cadence = forms.ChoiceField(label=_("Chế độ báo cáo"), required=False)
    missing_report = forms.BooleanField(label=_("Thiếu báo cáo kỳ này"), required=False)

    def __init__(self, *args: Any, user: AnyUser, visible: TaskQuerySet | None = None, **kwargs: Any) -> None:
        """`visible`: the user's tasks (`Task.objects.visible_to(user)`), when the list has them."""
        super().__init__(*args, **kwargs)
        choice_field(self, "cadence").choices = translated_choices(ReportCadence, blank=gettext("Tất cả"))
        if visible is None:
            visible = Task.objects.visible_to(user)
        offered = _TASK_OPTIONS.get(user, lambda: _task_options(user, visible))
        offer(model_choice_field(self, "unit"), units_today(offered.lead_units), offered.unit_ids)
        offer(model_choice_field(self, "leader"), Person.objects.filter(id__in=offered.leaders).order_by("full_name"),
              offered.leader_ids)
        offer(model_choice_field(self, "document"), _offered_documents(user), offered.document_ids)
        choice_field(self, "status").choices = [
            ("", gettext("Tất cả")), (OPEN, gettext("Chưa hoàn thành")), *translated_choices(TaskStatus)
        ]


class DocumentFilterForm(FilterForm):
    grow = ("q",)

    q = search_field(_("Số ký hiệu, trích yếu…"))
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    issuer = BodyChoiceField(
        Organisation.objects.none(), label=_("Cơ quan ban hành"), required=False, empty_label=_("Tất cả")
    )
    issued_from = date_field(_("Ban hành từ"))
    issued_to = date_field(_("đến"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = translated_choices(DocumentKind, blank=gettext("Tất cả"))
        model_choice_field(self, "issuer").queryset = Organisation.objects.select_related("unit").filter(
            id__in=Document.objects.visible_to(user).values("issuer_id")
        ).order_by("name")
