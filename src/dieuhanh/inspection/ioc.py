"""The IOC's tile of inspection, supervision and discipline (`ioc.sections`): counts only, for the
inspection commission and the standing board (the app's `view`), each a link to the list it
counts: inspections and supervisions decided in the year, those past their period without a
conclusion, members and organisations disciplined in the year (four figures: the card sits under
the tasks, which it must leave room for)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core.http import AnyUser
from dieuhanh.inspection.choices import OPEN_STATES, SUPERVISION_KINDS, DisciplineState
from dieuhanh.inspection.filters import LATE
from dieuhanh.inspection.models import Discipline, Inspection
from dieuhanh.ioc.data import link
from dieuhanh.ioc.sections import Figure, IocContext, Section


def compute(user: AnyUser, ctx: IocContext) -> dict[str, Any]:
    period = ctx.period
    units = ctx.units("inspection")
    mine = Inspection.objects.all() if units is None else Inspection.objects.filter(unit_id__in=units)
    today = period.today
    year = Q(decided_on__gte=period.first, decided_on__lte=period.last)
    c = mine.aggregate(
        inspections=Count("id", filter=year & ~Q(kind__in=SUPERVISION_KINDS)),
        supervisions=Count("id", filter=year & Q(kind__in=SUPERVISION_KINDS)),
        late=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
    )
    d = Discipline.objects.all() if units is None else Discipline.objects.filter(unit_id__in=units)
    disciplined = d.filter(state__in=(DisciplineState.DECIDED, DisciplineState.DELIVERED), decided_on__year=period.year
                           ).exclude(current_form="").count()
    unit = ctx.link_unit
    listed = "inspection:inspection_list"
    figures = [
        Figure("inspections", _("cuộc kiểm tra quyết định trong năm"), c["inspections"],
               link(listed, year=period.year, supervision="false", unit=unit)),
        Figure("supervisions", _("cuộc giám sát quyết định trong năm"), c["supervisions"],
               link(listed, year=period.year, supervision="true", unit=unit)),
        Figure("inspections-late", _("quá thời hạn, chưa kết luận"), c["late"], link(listed, stage=LATE, unit=unit),
               "bad" if c["late"] else ""),
        Figure("disciplined", _("tổ chức, đảng viên bị kỷ luật trong năm"), disciplined,
               link("inspection:discipline_list", year=period.year, disciplined="1", unit=unit)),
    ]
    return {"figures": figures}


SECTION = Section("inspection", gettext_lazy("Kiểm tra, giám sát, kỷ luật"), 45, "inspection", compute,
                  list_label=gettext_lazy("Kiểm tra, giám sát"), list_url="inspection:inspection_list", column="main")
