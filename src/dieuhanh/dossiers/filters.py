"""The one filter of dossiers, shared by the register page, its Excel export, the statistics
pages and API v1 (list and stats), so the same query string means the same rows everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from dieuhanh.core.calendar import due_soon_until
from dieuhanh.core.filters import ListFilter
from dieuhanh.dossiers.choices import OPEN_STATUSES, Channel, Source, Status, Timeliness
from dieuhanh.dossiers.models import late_now_q
from dieuhanh.lib.text import fold
from dieuhanh.org import scope

OPEN = "open"  # every status not yet finished
LATE_NOW = "late_now"  # open and past the appointment date today
DUE_SOON = "due_soon"  # open, the appointment date from today to the due-soon horizon (core.calendar)
IN_TIME = "in_time"  # a timeliness: early or on time (the on-time rate's numerator)


@dataclass
class DossierFilter(ListFilter):
    unit: int | None = None  # receiving unit, its sub-units and the units it succeeded
    procedure: str | None = None  # procedure code
    field: str | None = None  # procedure field, exact
    channel: str | None = None
    status: str | None = None  # a Status, "open" or "late_now"
    timeliness: str | None = None
    source: str | None = None
    date_from: dt.date | None = None  # received on or after
    date_to: dt.date | None = None  # received on or before
    q: str | None = None  # words of the code or applicant, matched without diacritics

    LABELS: ClassVar[Mapping[str, str | Promise]] = {
        "unit": gettext_lazy("Đơn vị"), "procedure": gettext_lazy("Thủ tục"), "field": gettext_lazy("Lĩnh vực"), "channel": gettext_lazy("Kênh tiếp nhận"),
        "status": gettext_lazy("Trạng thái"), "timeliness": gettext_lazy("Tiến độ"), "source": gettext_lazy("Nguồn"), "date_from": gettext_lazy("Từ ngày"),
        "date_to": gettext_lazy("Đến ngày"), "q": gettext_lazy("Tìm kiếm"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {
        "channel": Channel.values, "timeliness": [*Timeliness.values, IN_TIME], "source": Source.values,
        "status": [*Status.values, OPEN, LATE_NOW, DUE_SOON],
    }
    RANGES = (("date_from", "date_to"),)

    def apply(self, qs: Any, today: dt.date | None = None, *, search: bool = True) -> Any:
        if self.unit is not None:
            qs = qs.filter(unit_id__in=scope.expand_units([self.unit]))
        if self.procedure:
            qs = qs.filter(procedure__code=self.procedure)
        if self.field:
            qs = qs.filter(procedure__field=self.field)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.status == OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif self.status == LATE_NOW:
            qs = qs.filter(late_now_q(today or timezone.localdate()))
        elif self.status == DUE_SOON:
            day = today or timezone.localdate()
            qs = qs.filter(status__in=OPEN_STATUSES, due_on__gte=day, due_on__lte=due_soon_until(day))
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.timeliness == IN_TIME:
            qs = qs.filter(timeliness__in=(Timeliness.EARLY, Timeliness.ON_TIME))
        elif self.timeliness:
            qs = qs.filter(timeliness=self.timeliness)
        if self.source:
            qs = qs.filter(source=self.source)
        if self.date_from:
            qs = qs.filter(received_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(received_on__lte=self.date_to)
        if search:
            for word in fold(self.q).split():
                qs = qs.filter(search__contains=word)
        return qs
