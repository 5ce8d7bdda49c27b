"""The one filter of dossiers, shared by the register page, its Excel export, the statistics
pages and API v1 (list and stats), so the same query string means the same rows everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from dieuhanh.dossiers.choices import OPEN_STATUSES, Channel, Source, Status, Timeliness
from dieuhanh.dossiers.models import late_now_q
from dieuhanh.lib.params import parse_int
from dieuhanh.lib.text import fold
from dieuhanh.org import scope

OPEN = "open"  # every status not yet finished
LATE_NOW = "late_now"  # open and past the appointment date today


@dataclass
class DossierFilter:
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

    ENUMS = {"channel": Channel, "timeliness": Timeliness, "source": Source}
    LABELS = {
        "unit": "Đơn vị", "procedure": "Thủ tục", "field": "Lĩnh vực", "channel": "Kênh tiếp nhận",
        "status": "Trạng thái", "timeliness": "Tiến độ", "source": "Nguồn", "date_from": "Từ ngày",
        "date_to": "Đến ngày", "q": "Tìm kiếm",
    }

    @classmethod
    def from_params(cls, params: Any) -> DossierFilter:
        """Build from a QueryDict or dict; a value that does not parse raises a ValidationError
        naming the filter. Dates are YYYY-MM-DD or dd/mm/yyyy."""
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            raw = "" if raw is None else str(raw).strip()
            if not raw:
                continue
            label = cls.LABELS[f.name]
            value: Any = raw
            if f.name == "status":
                ok = raw in Status.values or raw in (OPEN, LATE_NOW)
            elif f.name in cls.ENUMS:
                ok = raw in cls.ENUMS[f.name].values
            elif f.name == "unit":
                try:
                    value = parse_int(raw, f.name, label)
                except ValidationError as exc:
                    errors.update(exc.message_dict)
                    continue
                ok = True
            elif f.name in ("date_from", "date_to"):
                value = parse_date(raw)
                ok = value is not None
            else:
                ok = True
            if ok:
                values[f.name] = value
            else:
                errors[f.name] = [f"Giá trị không hợp lệ cho bộ lọc «{label}»: {raw!r}."]
        if "date_from" in values and "date_to" in values and values["date_from"] > values["date_to"]:
            errors["date_to"] = ["«Đến ngày» phải sau hoặc bằng «Từ ngày»."]
        if errors:
            raise ValidationError(errors)
        return cls(**values)

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
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.timeliness:
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

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as query-string values (for links and exports)."""
        out: dict[str, str] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None or v == "":
                continue
            out[f.name] = v.isoformat() if isinstance(v, dt.date) else str(v)
        return out


def parse_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None
