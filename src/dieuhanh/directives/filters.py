"""One filter definition per list, shared by the web list, API v1 and the .xlsx export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Q
from django.utils.translation import gettext_noop

from dieuhanh.core.filters import ListFilter
from dieuhanh.directives import cycle
from dieuhanh.directives.choices import DocumentKind, ReportCadence, TaskStatus
from dieuhanh.directives.models import Document, DocumentQuerySet, TaskQuerySet
from dieuhanh.lib.text import fold
from dieuhanh.org.scope import expand_units

OPEN = "open"  # `status`: every task neither completed nor cancelled


@dataclass
class TaskFilter(ListFilter):
    unit: int | None = None  # lead unit, its sub-units and the units it succeeded
    lead_unit: int | None = None  # exactly this lead unit
    status: str | None = None  # a TaskStatus value, or OPEN
    leader: int | None = None  # accountable person id
    person: int | None = None  # lead person id
    document: int | None = None  # source document and every document implementing it
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    year: int | None = None  # the year's work as the IOC counts it (TaskQuerySet.of_year)
    q: str | None = None  # words matched without diacritics
    flagged: bool = False  # only tasks with a report awaiting the leader's answer
    parent: int | None = None  # sub-tasks of this task
    top_level: bool = False
    cadence: str | None = None  # a ReportCadence value
    missing_report: bool = False  # owes this period's report and has not sent it (directives/cycle.py)
    report_on: dt.date | None = None  # the day whose week and month `missing_report` asks about (today)

    LABELS: ClassVar[Mapping[str, str]] = {
        "unit": gettext_noop("Đơn vị"), "lead_unit": gettext_noop("Đơn vị chủ trì"), "status": gettext_noop("Tình trạng"), "leader": gettext_noop("Lãnh đạo phụ trách"),
        "person": gettext_noop("Người chủ trì"), "document": gettext_noop("Văn bản"), "due_from": gettext_noop("Hạn từ ngày"), "due_to": gettext_noop("Hạn đến ngày"),
        "year": gettext_noop("Năm"),
        "q": gettext_noop("Tìm kiếm"), "flagged": gettext_noop("Chờ lãnh đạo cho ý kiến"), "parent": gettext_noop("Nhiệm vụ cha"), "top_level": gettext_noop("Chỉ nhiệm vụ gốc"),
        "cadence": gettext_noop("Chế độ báo cáo"), "missing_report": gettext_noop("Thiếu báo cáo kỳ này"),
        "report_on": gettext_noop("Kỳ báo cáo chứa ngày"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {
        "status": [*TaskStatus.values, OPEN], "cadence": ReportCadence.values,
    }
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}
    RANGES = (("due_from", "due_to"),)
    # The list opens on what needs doing (overdue and due soon first: `views.TASK_SORTS`).
    DEFAULTS: ClassVar[Mapping[str, str]] = {"status": OPEN}

    def apply(self, qs: TaskQuerySet) -> TaskQuerySet:
        qs = qs.with_status()
        if self.unit is not None:
            qs = qs.filter(lead_unit_id__in=expand_units([self.unit]))
        if self.lead_unit is not None:
            qs = qs.filter(lead_unit_id=self.lead_unit)
        if self.status == OPEN:
            qs = qs.open()
        elif self.status:
            qs = qs.filter(status=self.status)  # type: ignore[misc]  # `status` is annotated by with_status()
        if self.leader is not None:
            qs = qs.filter(accountable_person_id=self.leader)
        if self.person is not None:
            qs = qs.filter(lead_person_id=self.person)
        if self.document is not None:
            qs = qs.filter(source_document_id__in=document_subtree([self.document]))
        if self.due_from:
            qs = qs.filter(due_date__gte=self.due_from)
        if self.due_to:
            qs = qs.filter(due_date__lte=self.due_to)
        if self.year is not None:
            qs = qs.of_year(self.year)
        if self.parent is not None:
            qs = qs.filter(parent_id=self.parent)
        elif self.top_level:
            qs = qs.filter(parent__isnull=True)
        if self.cadence:
            qs = qs.filter(report_cadence=self.cadence)
        if self.missing_report:
            qs = cycle.missing(qs, self.report_on)
        if self.flagged:
            qs = qs.filter(reports__beyond_authority=True, reports__acknowledged_at__isnull=True).distinct()
        for word in fold(self.q).split():
            qs = qs.filter(search_text__contains=word)
        return qs


def document_subtree(root_ids: list[int]) -> set[int]:
    """The documents and every document implementing them, transitively."""
    result: set[int] = set()
    frontier = set(root_ids)
    while frontier:
        result |= frontier
        frontier = set(Document.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - result
    return result


@dataclass
class DocumentFilter(ListFilter):
    kind: str | None = None
    issuer: int | None = None
    parent: int | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    q: str | None = None

    LABELS: ClassVar[Mapping[str, str]] = {
        "kind": gettext_noop("Loại văn bản"), "issuer": gettext_noop("Cơ quan ban hành"), "parent": gettext_noop("Văn bản gốc"),
        "issued_from": gettext_noop("Ban hành từ ngày"), "issued_to": gettext_noop("Ban hành đến ngày"), "q": gettext_noop("Tìm kiếm"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {"kind": DocumentKind.values}
    RANGES = (("issued_from", "issued_to"),)

    def apply(self, qs: DocumentQuerySet) -> DocumentQuerySet:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.issuer is not None:
            qs = qs.filter(issuer_id=self.issuer)
        if self.parent is not None:
            qs = qs.filter(parent_id=self.parent)
        if self.issued_from:
            qs = qs.filter(issued_on__gte=self.issued_from)
        if self.issued_to:
            qs = qs.filter(issued_on__lte=self.issued_to)
        for word in fold(self.q).split():
            qs = qs.filter(Q(search_text__contains=word))
        return qs
