"""One filter per register, shared by the page, the API and the .xlsx export."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from dieuhanh.core.filters import ListFilter
from dieuhanh.directives.choices import DocumentKind, DocumentSystem
from dieuhanh.lib.text import fold
from dieuhanh.records.choices import Urgency


@dataclass
class OutgoingFilter(ListFilter):
    q: str | None = None  # number, symbol, subject, recipients; without diacritics
    issuer: int | None = None
    system: str | None = None
    kind: str | None = None
    year: int | None = None
    replaced: bool | None = None  # True: only those replaced by a later document

    LABELS: ClassVar[Mapping[str, str]] = {
        "q": gettext_noop("Tìm kiếm"), "issuer": gettext_noop("Cơ quan ban hành"), "system": gettext_noop("Hệ thống văn bản"),
        "kind": gettext_noop("Loại văn bản"), "year": gettext_noop("Năm"), "replaced": gettext_noop("Đã bị thay thế"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {"kind": DocumentKind.values, "system": DocumentSystem.values}
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if self.q:
            for word in fold(self.q).split()[:8]:
                qs = qs.filter(search_text__contains=word)
        if self.issuer is not None:
            qs = qs.filter(issuer_id=self.issuer)
        if self.system:
            qs = qs.filter(system=self.system)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.year is not None:
            qs = qs.filter(issued_on__year=self.year)
        if self.replaced is not None:
            qs = qs.filter(replaced_by__isnull=not self.replaced)
        return qs


ASSIGNED, WAITING = "assigned", "waiting"


@dataclass
class IncomingFilter(ListFilter):
    q: str | None = None  # sender, symbol, subject; without diacritics
    receiver: int | None = None
    kind: str | None = None
    year: int | None = None
    urgency: str | None = None
    handling: str | None = None  # "assigned": given out as tasks; "waiting": not yet

    LABELS: ClassVar[Mapping[str, str]] = {
        "q": gettext_noop("Tìm kiếm"), "receiver": gettext_noop("Cơ quan nhận"), "kind": gettext_noop("Loại văn bản"),
        "year": gettext_noop("Năm"), "urgency": gettext_noop("Mức độ khẩn"), "handling": gettext_noop("Giao xử lý"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {
        "kind": DocumentKind.values, "urgency": Urgency.values, "handling": (ASSIGNED, WAITING),
    }
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if self.q:
            for word in fold(self.q).split()[:8]:
                qs = qs.filter(search_text__contains=word)
        if self.receiver is not None:
            qs = qs.filter(receiver_id=self.receiver)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.year is not None:
            qs = qs.filter(year=self.year)
        if self.urgency:
            qs = qs.filter(urgency=self.urgency)
        if self.handling:
            qs = qs.filter(document__isnull=self.handling == WAITING)
        return qs
