"""The entry forms of the app (a decision to inspect, a programme and its items, a proposal of
discipline, a suggestion for review, a reported total) and the lists' filter bars. The forms type
the input; the services judge it and name the field in their messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.forms import (
    BodyChoiceField,
    FilterForm,
    PersonChoiceField,
    bodies_today,
    choices,
    date_field,
    int_field,
    model_choice_field,
    search_field,
    textarea,
    translated_choices,
)
from dieuhanh.core.http import AnyUser
from dieuhanh.directives.forms import people
from dieuhanh.inspection.choices import (
    Body,
    DisciplineState,
    Field,
    Form,
    Kind,
    Level,
    Measure,
    ProgrammeSpan,
    ReviewState,
    State,
    SubjectType,
    TargetType,
)
from dieuhanh.inspection.models import PlannedItem
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Organisation, Person

BODY_KINDS = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.INSPECTION_COMMISSION, OrganisationKind.PARTY_CELL)
SUBJECT_KINDS = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PARTY_CELL)


def _in_units(qs: QuerySet[Organisation], user: AnyUser, action: str) -> QuerySet[Organisation]:
    held = access.offered_units(user, "inspection", action)
    return qs if held is None else qs.filter(unit_id__in=held)


def party_bodies(user: AnyUser, action: str = "decide") -> QuerySet[Organisation]:
    """Today's party committees, inspection commissions and cells of the units where `user` holds
    `action`: the bodies that decide."""
    return _in_units(bodies_today().filter(kind__in=BODY_KINDS), user, action)


def denunciations(user: AnyUser) -> Any:
    """The denunciations against party members the user reads (the petitions app sends them to party
    bodies): what a discipline case or an inspection on signs of violation may start from."""
    from dieuhanh.petitions.choices import Kind as PetitionKind
    from dieuhanh.petitions.models import Petition

    return Petition.objects.visible_to(user).filter(kind=PetitionKind.DENUNCIATION, against_party_member=True).order_by(
        "-received_on", "-id")


class PetitionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(_("Đơn số %(n)s (%(day)s): %(subject)s") % {
            "n": obj.pk, "day": f"{obj.received_on:%d/%m/%Y}", "subject": obj.subject[:90]})


def party_subjects(user: AnyUser) -> QuerySet[Organisation]:
    """The party organisations an inspection may be of: committees and cells below the user's
    bodies (any day: a body that has since ended may still be inspected for its past)."""
    return _in_units(Organisation.objects.filter(kind__in=SUBJECT_KINDS).select_related("unit").order_by("name", "id"),
                     user, "decide")


class _Subject(forms.Form):
    subject_type = forms.ChoiceField(label=_("Đối tượng"), required=False, choices=choices(SubjectType, "—"))
    subject_org = BodyChoiceField(Organisation.objects.none(), label=_("Tổ chức đảng"), required=False,
                                  help_text=_("Khi đối tượng là tổ chức đảng."))
    subject_person = PersonChoiceField(Person.objects.none(), label=_("Đảng viên"), required=False,
                                       help_text=_("Khi đối tượng là đảng viên."))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.user = user
        model_choice_field(self, "subject_org").queryset = party_subjects(user)
        model_choice_field(self, "subject_person").queryset = people()


class DecideForm(_Subject):
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan quyết định"), required=False)
    body = forms.ChoiceField(label=_("Cơ quan tiến hành"), required=False, choices=choices(Body, "—"))
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=choices(Kind, "—"))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=choices(Field, "—"))
    content = forms.CharField(label=_("Nội dung kiểm tra, giám sát"), required=False, max_length=400, widget=textarea(2))
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=40,
                                      help_text=_("Ví dụ 07-QĐ/UBKTĐU; để trống khi chưa cấp số."))
    decided_on = date_field(_("Ngày quyết định"))
    starts_on = date_field(_("Bắt đầu"))
    ends_on = date_field(_("Kết thúc dự kiến"))
    reviewed_from = date_field(_("Thời kỳ kiểm tra từ"))
    reviewed_to = date_field(_("Thời kỳ kiểm tra đến"))
    team_lead = PersonChoiceField(Person.objects.none(), label=_("Trưởng đoàn"), required=False)
    team = forms.ModelMultipleChoiceField(Person.objects.none(), label=_("Thành viên đoàn"), required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 6}))
    planned_item = forms.ModelChoiceField(PlannedItem.objects.none(), label=_("Theo chương trình"), required=False,
                                          empty_label=_("— Ngoài chương trình (đột xuất) —"))
    source_petition = PetitionChoiceField(Organisation.objects.none(), label=_("Từ đơn tố cáo đảng viên"),
                                          required=False, empty_label=_("— Không —"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice_field(self, "organisation").queryset = party_bodies(user)
        model_choice_field(self, "team_lead").queryset = people()
        model_choice_field(self, "team").queryset = people()
        item = model_choice_field(self, "planned_item")
        item.queryset = PlannedItem.objects.visible_to(user, "decide").filter(inspection__isnull=True).order_by(
            "year", "quarter", "id")
        item.label_from_instance = lambda obj: f"{obj.year} Q{obj.quarter}: {obj.content[:90]}"  # type: ignore[method-assign]
        self.fields["decided_on"].initial = timezone.localdate()
        model_choice_field(self, "source_petition").queryset = denunciations(user)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["team"] = list(data.get("team") or [])
        return data


class ProgrammeForm(forms.Form):
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cấp uỷ, uỷ ban kiểm tra"), required=False)
    body = forms.ChoiceField(label=_("Cơ quan thực hiện"), required=False, choices=choices(Body, "—"))
    span = forms.ChoiceField(label=_("Thời gian"), required=False, choices=choices(ProgrammeSpan))
    year_from = int_field(_("Năm (hoặc năm đầu nhiệm kỳ)"))
    year_to = int_field(_("Năm cuối nhiệm kỳ"))
    title = forms.CharField(label=_("Tên chương trình"), required=False, max_length=300)
    adopted_on = date_field(_("Ngày ban hành"))
    document_number = forms.CharField(label=_("Số văn bản"), required=False, max_length=40,
                                      help_text=_("Ví dụ 03-CTr/ĐU"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        model_choice_field(self, "organisation").queryset = party_bodies(user)
        self.fields["year_from"].initial = timezone.localdate().year


class PlannedItemForm(_Subject):
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=choices(Kind, "—"))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, choices=choices(Field, "—"))
    content = forms.CharField(label=_("Nội dung"), required=False, max_length=400)
    year = int_field(_("Năm"))
    quarter = forms.TypedChoiceField(label=_("Quý"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + [(q, q) for q in range(1, 5)])
    lead = PersonChoiceField(Person.objects.none(), label=_("Người phụ trách"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice_field(self, "lead").queryset = people()


class ProposeForm(_Subject):
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cơ quan có thẩm quyền"), required=False)
    violation = forms.CharField(label=_("Nội dung vi phạm"), required=False, widget=textarea(3))
    violated_on = date_field(_("Ngày vi phạm"))
    proposed_form = forms.ChoiceField(label=_("Hình thức đề nghị"), required=False, choices=choices(Form, "—"))
    on = date_field(_("Ngày đề nghị"))
    no_limitation = forms.BooleanField(label=_("Vi phạm không áp dụng thời hiệu"), required=False)
    source_petition = PetitionChoiceField(Organisation.objects.none(), label=_("Từ đơn tố cáo đảng viên"),
                                          required=False, empty_label=_("— Không —"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice_field(self, "organisation").queryset = party_bodies(user)
        model_choice_field(self, "source_petition").queryset = denunciations(user)
        self.fields["on"].initial = timezone.localdate()


class SuggestForm(forms.Form):
    organisation = BodyChoiceField(Organisation.objects.none(), label=_("Cấp uỷ gợi ý"), required=False)
    target = forms.ChoiceField(label=_("Gợi ý cho"), required=False, choices=choices(TargetType, "—"))
    subject_org = BodyChoiceField(Organisation.objects.none(), label=_("Tập thể"), required=False)
    subject_person = PersonChoiceField(Person.objects.none(), label=_("Cá nhân"), required=False)
    year = int_field(_("Năm kiểm điểm"))
    suggestion = forms.CharField(label=_("Nội dung gợi ý kiểm điểm"), required=False, widget=textarea(4))
    suggested_on = date_field(_("Ngày gợi ý"))
    review_due = date_field(_("Hạn kiểm điểm"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        model_choice_field(self, "organisation").queryset = party_bodies(user)
        model_choice_field(self, "subject_org").queryset = _in_units(bodies_today(), user, "decide")
        model_choice_field(self, "subject_person").queryset = people()
        self.fields["year"].initial = timezone.localdate().year
        self.fields["suggested_on"].initial = timezone.localdate()


class ReportedFigureForm(forms.Form):
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Đơn vị"), required=False)
    level = forms.ChoiceField(label=_("Cấp"), required=False, choices=choices(Level, "—"))
    body = forms.ChoiceField(label=_("Cơ quan thực hiện"), required=False, choices=choices(Body, "—"))
    year_from = int_field(_("Từ năm"))
    year_to = int_field(_("Đến năm"))
    measure = forms.ChoiceField(label=_("Chỉ số"), required=False, choices=choices(Measure, "—"))
    value = int_field(_("Số lượng"), min_value=0)
    source = forms.CharField(label=_("Nguồn"), required=False, max_length=300,
                             help_text=_("Báo cáo nào nêu con số, ví dụ Báo cáo tổng kết nhiệm kỳ 2015–2020."))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        held = access.offered_units(user, "inspection", "decide")
        units = AdminUnit.objects.exclude(level="village").order_by("name")
        model_choice_field(self, "unit").queryset = units if held is None else units.filter(pk__in=held)


# --- filter bars ---------------------------------------------------------------------------------


class InspectionFilterForm(FilterForm):
    rows = (("q", "kind", "field", "state", "year"),)
    grow = ("q",)
    q = search_field(_("Nội dung, đối tượng, số quyết định"))
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, widget=forms.NumberInput(attrs={"size": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_ = str(_("Tất cả"))
        self.fields["kind"].choices = translated_choices(Kind, blank=all_)  # type: ignore[attr-defined]
        self.fields["field"].choices = translated_choices(Field, blank=all_)  # type: ignore[attr-defined]
        self.fields["state"].choices = translated_choices(State, blank=all_)  # type: ignore[attr-defined]


class DisciplineFilterForm(FilterForm):
    rows = (("q", "subject_type", "form", "state", "year"),)
    grow = ("q",)
    q = search_field(_("Đối tượng, nội dung vi phạm, số quyết định"))
    subject_type = forms.ChoiceField(label=_("Đối tượng"), required=False)
    form = forms.ChoiceField(label=_("Hình thức"), required=False)
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, widget=forms.NumberInput(attrs={"size": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_ = str(_("Tất cả"))
        self.fields["subject_type"].choices = translated_choices(SubjectType, blank=all_)  # type: ignore[attr-defined]
        self.fields["form"].choices = translated_choices(Form, blank=all_)  # type: ignore[attr-defined]
        self.fields["state"].choices = translated_choices(DisciplineState, blank=all_)  # type: ignore[attr-defined]


class ReviewFilterForm(FilterForm):
    rows = (("q", "target", "state", "year"),)
    grow = ("q",)
    q = search_field(_("Tập thể, cá nhân, nội dung"))
    target = forms.ChoiceField(label=_("Gợi ý cho"), required=False)
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, widget=forms.NumberInput(attrs={"size": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_ = str(_("Tất cả"))
        self.fields["target"].choices = translated_choices(TargetType, blank=all_)  # type: ignore[attr-defined]
        self.fields["state"].choices = translated_choices(ReviewState, blank=all_)  # type: ignore[attr-defined]



