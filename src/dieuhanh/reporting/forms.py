"""Forms of the reporting pages: typed input only; the rules and their messages are the
services'. Every choice is limited to what the user may see or act on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access
from dieuhanh.core.forms import (
    BodyChoiceField,
    PersonChoiceField,
    date_field,
    model_choice_field,
    textarea,
    translated_choices,
)
from dieuhanh.core.http import AnyUser
from dieuhanh.directives import cycle
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Assignment, Organisation, Person
from dieuhanh.reporting.choices import FollowedField
from dieuhanh.reporting.models import is_member_q


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """The periods a member may report on: this week and the last, this month and the last."""
    out = []
    for cadence in cycle.PERIODIC:
        current = cycle.period_of(cadence, today)
        for period in (current, cycle.previous(current)):
            kind = gettext("Báo cáo tuần") if cadence == "weekly" else gettext("Báo cáo tháng")
            out.append((period.code, f"{kind}: {period.label}"))
    return out


class MemberReportForm(forms.Form):
    # A select whose value the service checks (a code that names no period is answered there).
    period = forms.CharField(label=_("Kỳ báo cáo"), required=False, widget=forms.Select)
    situation = forms.CharField(
        label=_("Tình hình"), required=False, widget=textarea(5),
        help_text=_("Những việc đã diễn ra trong kỳ ở địa bàn, lĩnh vực đồng chí phụ trách; việc đột xuất, phát sinh."),
    )
    obstacles = forms.CharField(label=_("Khó khăn, vướng mắc"), required=False, widget=textarea(3))
    proposals = forms.CharField(
        label=_("Kiến nghị vượt thẩm quyền"), required=False, widget=textarea(3),
        help_text=_("Việc vượt thẩm quyền của đồng chí, cần Thường trực, Ban Thường vụ cho ý kiến. Lãnh đạo trả lời ngay trên báo cáo."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.choices = period_choices(timezone.localdate())  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "period": cycle.from_code(d.get("period") or ""),
            "situation": d.get("situation") or "",
            "obstacles": d.get("obstacles") or "",
            "proposals": d.get("proposals") or "",
        }


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("Ý kiến của lãnh đạo"), required=False, widget=textarea(3))


def committees(user: AnyUser) -> QuerySet[Organisation]:
    """Today's party committees in the units where the user assigns."""
    units = access.offered_units(user, "reporting", "assign")
    qs = Organisation.objects.valid_on(timezone.localdate()).filter(kind=OrganisationKind.PARTY_COMMITTEE)
    qs = qs.select_related("unit").order_by("unit__name", "name")
    return qs if units is access.ALL else qs.filter(unit_id__in=units)


class FollowForm(forms.Form):
    committee = BodyChoiceField(Organisation.objects.none(), label=_("Cấp uỷ"), required=False)
    member = PersonChoiceField(Person.objects.none(), label=_("Cấp uỷ viên"), required=False)
    area = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Địa bàn phụ trách"), required=False)
    field = forms.ChoiceField(label=_("Lĩnh vực phụ trách"), required=False)
    note = forms.CharField(label=_("Nội dung phụ trách cụ thể"), required=False, max_length=300)
    start_date = date_field(_("Từ ngày"))
    end_date = date_field(_("Đến ngày"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        bodies = committees(user)
        model_choice_field(self, "committee").queryset = bodies
        members = Assignment.objects.filter(is_member_q(today), position__organisation__in=bodies).values("person_id")
        model_choice_field(self, "member").queryset = Person.objects.filter(id__in=members).order_by("full_name", "id")
        model_choice_field(self, "area").queryset = access.unit_choices(user, "reporting", "assign")
        self.fields["field"].choices = translated_choices(FollowedField, blank="—")  # type: ignore[attr-defined]
        self.fields["start_date"].initial = today

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "committee": d.get("committee"),
            "member": d.get("member"),
            "area": d.get("area"),
            "field": d.get("field") or "",
            "note": d.get("note") or "",
            "start_date": d.get("start_date"),
            "end_date": d.get("end_date"),
        }


class EndFollowForm(forms.Form):
    end_date = date_field(_("Kết thúc ngày"))
