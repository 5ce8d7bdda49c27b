"""The one filter of the petition register, shared by the list page, its .xlsx export and API v1
(`GET /api/v1/petitions`), so the same query string means the same petitions everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dieuhanh.core.calendar import due_soon_days
from dieuhanh.core.filters import ListFilter
from dieuhanh.lib.text import fold
from dieuhanh.org import scope
from dieuhanh.petitions.choices import OPEN_STATES, Field, Kind, State
from dieuhanh.petitions.models import prolonged_q, time_barred_q

OPEN = "open"  # every state not yet closed
FLAGS = {"duplicate": gettext_lazy("Đơn trùng"), "over_level": gettext_lazy("Vượt cấp"), "prolonged": gettext_lazy("Kéo dài"),
         "time_barred": gettext_lazy("Quá thời hiệu khiếu nại")}


def timings() -> dict[str, str]:
    """The deadline filter's values and labels; "due soon" says its working days (a setting)."""
    return {"overdue": _("Quá hạn"), "due_soon": _("Sắp đến hạn (%(value)s ngày làm việc)") % {"value": due_soon_days()}}


@dataclass
class PetitionFilter(ListFilter):
    kind: str | None = None
    field: str | None = None
    state: str | None = None  # a State, or "open" for every state not yet closed
    unit: int | None = None  # the matter's unit, its villages and the units it succeeded
    timing: str | None = None  # overdue / due_soon
    flag: str | None = None  # duplicate / over_level / prolonged / time_barred (the list page's one choice)
    year: int | None = None
    session: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    duplicate: bool | None = None  # the flags as yes/no questions (API v1)
    over_level: bool | None = None
    prolonged: bool | None = None
    time_barred: bool | None = None
    resolved: bool | None = None  # has its decision or conclusion (concluded_on set)
    q: str | None = None  # words matched without diacritics

    LABELS: ClassVar[Mapping[str, str | Promise]] = {
        "kind": gettext_lazy("Phân loại"),
        "field": gettext_lazy("Lĩnh vực"),
        "state": gettext_lazy("Trạng thái"),
        "unit": gettext_lazy("Đơn vị"),
        "timing": gettext_lazy("Thời hạn"),
        "flag": gettext_lazy("Đánh dấu"),
        "year": gettext_lazy("Năm"),
        "session": gettext_lazy("Buổi tiếp"),
        "received_from": gettext_lazy("Nhận từ ngày"),
        "received_to": gettext_lazy("Nhận đến ngày"),
        "duplicate": gettext_lazy("Đơn trùng"),
        "over_level": gettext_lazy("Vượt cấp"),
        "prolonged": gettext_lazy("Kéo dài"),
        "time_barred": gettext_lazy("Quá thời hiệu khiếu nại"),
        "resolved": gettext_lazy("Đã giải quyết"),
        "q": gettext_lazy("Tìm kiếm"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {
        "kind": Kind.values,
        "field": Field.values,
        "state": [*State.values, OPEN],
        "timing": ("overdue", "due_soon"),
        "flag": tuple(FLAGS),
    }
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}
    RANGES = (("received_from", "received_to"),)

    def apply(self, qs: Any, today: dt.date | None = None) -> Any:
        today = today or timezone.localdate()
        qs = qs.with_timing(today)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.field:
            qs = qs.filter(field=self.field)
        if self.state == OPEN:
            qs = qs.filter(state__in=OPEN_STATES)
        elif self.state:
            qs = qs.filter(state=self.state)
        if self.unit is not None:
            qs = qs.filter(unit_id__in=scope.expand_units([self.unit]))
        if self.timing:
            qs = qs.filter(timing=self.timing)
        if self.flag == "duplicate":
            qs = qs.filter(duplicate_of__isnull=False)
        elif self.flag == "over_level":
            qs = qs.filter(is_over_level=True)
        elif self.flag == "prolonged":
            qs = qs.filter(prolonged_q(today))
        elif self.flag == "time_barred":
            qs = qs.filter(time_barred_q())
        if self.duplicate is not None:
            qs = qs.filter(duplicate_of__isnull=not self.duplicate)
        if self.over_level is not None:
            qs = qs.filter(is_over_level=self.over_level)
        if self.prolonged is not None:
            qs = qs.filter(prolonged_q(today)) if self.prolonged else qs.exclude(prolonged_q(today))
        if self.time_barred is not None:
            qs = qs.filter(time_barred_q()) if self.time_barred else qs.exclude(time_barred_q())
        if self.resolved is not None:
            qs = qs.filter(concluded_on__isnull=not self.resolved)
        if self.year is not None:
            qs = qs.filter(year=self.year)
        if self.session is not None:
            qs = qs.filter(session_id=self.session)
        if self.received_from:
            qs = qs.filter(received_on__gte=self.received_from)
        if self.received_to:
            qs = qs.filter(received_on__lte=self.received_to)
        for word in fold(self.q).split():
            qs = qs.filter(search_text__contains=word)
        return qs
