"""One filter per list, shared by the page, the API and the .xlsx export (`core.filters`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from dieuhanh.core.filters import ListFilter
from dieuhanh.inspection.choices import (
    CONCLUDED_STATES,
    OPEN_STATES,
    SENSITIVE_FIELDS,
    SUPERVISION_KINDS,
    DisciplineState,
    Field,
    Form,
    Kind,
    ReviewState,
    State,
    SubjectType,
    TargetType,
)
from dieuhanh.lib.text import fold
from dieuhanh.org.scope import expand_units

OPEN, LATE, CONCLUDED = "open", "late", "concluded"


def _words(qs: QuerySet[Any], q: str | None, *texts: str) -> QuerySet[Any]:
    """Rows whose subject (organisation or person, without diacritics) or one of `texts` holds
    every word of `q`."""
    if not q:
        return qs
    for word in q.split()[:8]:
        folded = fold(word)
        cond = Q(subject_org__search_text__contains=folded) | Q(subject_person__search_text__contains=folded)
        for text in texts:
            cond |= Q(**{f"{text}__icontains": word})
        qs = qs.filter(cond)
    return qs


@dataclass
class InspectionFilter(ListFilter):
    q: str | None = None
    kind: str | None = None
    field: str | None = None
    state: str | None = None
    year: int | None = None  # the year of the decision
    stage: str | None = None  # "open": not concluded; "late": not concluded, past its period; "concluded"
    supervision: bool | None = None  # True: supervisions; False: inspections
    sensitive: bool = False  # the five sensitive fields only
    subject_type: str | None = None
    unit: int | None = None  # the deciding body's unit, its units below and those it succeeded

    LABELS: ClassVar[Mapping[str, str]] = {
        "unit": gettext_noop("Đơn vị"),
        "q": gettext_noop("Tìm kiếm"), "kind": gettext_noop("Loại"), "field": gettext_noop("Lĩnh vực"),
        "state": gettext_noop("Trạng thái"), "year": gettext_noop("Năm"), "stage": gettext_noop("Giai đoạn"),
        "supervision": gettext_noop("Giám sát"), "sensitive": gettext_noop("Lĩnh vực nhạy cảm"),
        "subject_type": gettext_noop("Đối tượng"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {
        "kind": Kind.values, "field": Field.values, "state": State.values, "stage": (OPEN, LATE, CONCLUDED),
        "subject_type": SubjectType.values,
    }
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = _words(qs, self.q, "content", "decision_number")
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.field:
            qs = qs.filter(field=self.field)
        if self.state:
            qs = qs.filter(state=self.state)
        if self.year is not None:
            qs = qs.filter(decided_on__year=self.year)
        if self.stage == OPEN:
            qs = qs.filter(state__in=OPEN_STATES)
        elif self.stage == LATE:
            qs = qs.filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
        elif self.stage == CONCLUDED:
            qs = qs.filter(state__in=CONCLUDED_STATES)
        if self.supervision is not None:
            qs = qs.filter(kind__in=SUPERVISION_KINDS) if self.supervision else qs.exclude(kind__in=SUPERVISION_KINDS)
        if self.sensitive:
            qs = qs.filter(field__in=SENSITIVE_FIELDS)
        if self.subject_type:
            qs = qs.filter(subject_type=self.subject_type)
        if self.unit is not None:
            qs = qs.filter(unit_id__in=expand_units([self.unit]))
        return qs


@dataclass
class DisciplineFilter(ListFilter):
    q: str | None = None
    subject_type: str | None = None
    form: str | None = None  # the form in force (after any appeal)
    state: str | None = None
    year: int | None = None  # the year of the decision (of the proposal while undecided)
    disciplined: bool = False  # decided, a form in force
    unit: int | None = None

    LABELS: ClassVar[Mapping[str, str]] = {
        "unit": gettext_noop("Đơn vị"),
        "q": gettext_noop("Tìm kiếm"), "subject_type": gettext_noop("Đối tượng"), "form": gettext_noop("Hình thức"),
        "state": gettext_noop("Trạng thái"), "year": gettext_noop("Năm"), "disciplined": gettext_noop("Đã kỷ luật"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {
        "subject_type": SubjectType.values, "form": Form.values, "state": DisciplineState.values,
    }
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = _words(qs, self.q, "violation", "decision_number")
        if self.subject_type:
            qs = qs.filter(subject_type=self.subject_type)
        if self.form:
            qs = qs.filter(current_form=self.form)
        if self.state:
            qs = qs.filter(state=self.state)
        if self.year is not None:
            qs = qs.filter(Q(decided_on__year=self.year) | Q(decided_on__isnull=True, proposed_on__year=self.year))
        if self.disciplined:
            qs = qs.filter(state__in=(DisciplineState.DECIDED, DisciplineState.DELIVERED)).exclude(current_form="")
        if self.unit is not None:
            qs = qs.filter(unit_id__in=expand_units([self.unit]))
        return qs


@dataclass
class ReviewFilter(ListFilter):
    q: str | None = None
    target: str | None = None
    state: str | None = None
    year: int | None = None

    LABELS: ClassVar[Mapping[str, str]] = {
        "q": gettext_noop("Tìm kiếm"), "target": gettext_noop("Gợi ý cho"), "state": gettext_noop("Trạng thái"),
        "year": gettext_noop("Năm"),
    }
    CHOICES: ClassVar[Mapping[str, Collection[str]]] = {"target": TargetType.values, "state": ReviewState.values}
    MAX: ClassVar[Mapping[str, int]] = {"year": 9999}

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = _words(qs, self.q, "suggestion")
        if self.target:
            qs = qs.filter(target=self.target)
        if self.state:
            qs = qs.filter(state=self.state)
        if self.year is not None:
            qs = qs.filter(year=self.year)
        return qs
