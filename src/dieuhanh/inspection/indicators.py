"""The derived indicators counted from the inspection app's cases (`indicators.derived`), by unit
and year: the share of conclusions reached within their period, the inspections and supervisions
decided, the party members disciplined. Counts only, read with the app's `count` permission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext_noop

from dieuhanh.core import access
from dieuhanh.core.http import AnyUser
from dieuhanh.indicators.derived import Counts, DerivedIndicator
from dieuhanh.inspection.choices import CONCLUDED_STATES, DisciplineState, SubjectType
from dieuhanh.inspection.models import Discipline, Inspection


def _scoped(model: Any, user: AnyUser) -> Any:
    units = access.units(user, "inspection", "count")
    return model.objects.all() if units is access.ALL else model.objects.filter(unit_id__in=units)


def on_time_rate(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    rows = _scoped(Inspection, user).filter(state__in=CONCLUDED_STATES, concluded_on__year__in=years).values_list(
        "unit_id", "concluded_on__year").annotate(
        on_time=Count("id", filter=Q(concluded_on__lte=F("due_on"))), n=Count("id")).order_by()
    return {(unit_id, year): (on_time, n) for unit_id, year, on_time, n in rows}


def decided(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    rows = _scoped(Inspection, user).filter(decided_on__year__in=years).values_list(
        "unit_id", "decided_on__year").annotate(n=Count("id")).order_by()
    return {(unit_id, year): (n, 0) for unit_id, year, n in rows}


def members_disciplined(user: AnyUser, years: list[int], today: dt.date, memo: dict[str, Any]) -> Counts:
    rows = _scoped(Discipline, user).filter(
        state__in=(DisciplineState.DECIDED, DisciplineState.DELIVERED), decided_on__year__in=years,
        subject_type__in=(SubjectType.MEMBER, SubjectType.PROBATIONARY)).exclude(current_form="").values_list(
        "unit_id", "decided_on__year").annotate(n=Count("id")).order_by()
    return {(unit_id, year): (n, 0) for unit_id, year, n in rows}


DERIVED = (
    DerivedIndicator("inspection_on_time_rate", gettext_noop("Tỷ lệ cuộc kiểm tra, giám sát kết luận đúng thời hạn"),
                     "dieuhanh.inspection.indicators.on_time_rate"),
    DerivedIndicator("inspections_decided", gettext_noop("Số cuộc kiểm tra, giám sát"),
                     "dieuhanh.inspection.indicators.decided", count=True),
    DerivedIndicator("members_disciplined", gettext_noop("Số đảng viên bị kỷ luật"),
                     "dieuhanh.inspection.indicators.members_disciplined", count=True),
)
