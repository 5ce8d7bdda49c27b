"""The figures of inspection, supervision and discipline as the articles count them: for each
year the cases were decided in (and each period a body reported totals for before the product),
the organisations and members inspected by the committees and by the inspection commissions, on
signs of violation, the supervisions, the organisations and members disciplined and by which form,
the collectives and individuals given suggestions for review; and two rates, conclusions on time
and remedial tasks done.

Counts only, no names: they are read with the app's `count` permission (the office and the
administrator too), from the cases of the units the reader counts in."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from dieuhanh.core import charts, replicas
from dieuhanh.core.http import AnyUser
from dieuhanh.inspection.choices import (
    CONCLUDED_STATES,
    SENSITIVE_FIELDS,
    SUPERVISION_KINDS,
    Body,
    DisciplineState,
    Field,
    Form,
    Kind,
    Level,
    Measure,
    SubjectType,
    TargetType,
)
from dieuhanh.inspection.models import Discipline, Finding, Inspection, ReportedFigure, Review
from dieuhanh.org.choices import UnitLevel

COMMISSION_BODIES = (Body.COMMISSION,)
MEMBERS = (SubjectType.MEMBER, SubjectType.PROBATIONARY)


def level_of(unit_level: str) -> str:
    if unit_level == UnitLevel.PROVINCE:
        return Level.PROVINCE
    if unit_level == UnitLevel.DISTRICT:
        return Level.DISTRICT
    return Level.GRASSROOTS


@dataclass
class Row:
    """One period's figures: a year of cases, or a period a body reported totals for."""

    label: str
    year_from: int
    year_to: int
    reported: bool = False  # entered totals, not counted from cases
    source: str = ""
    committee_orgs: int = 0  # organisations inspected by the committees (and their standing boards, cells)
    committee_members: int = 0
    commission_orgs: int = 0  # organisations inspected by the inspection commissions
    commission_members: int = 0
    orgs_signs: int = 0
    members_signs: int = 0
    inspections: int = 0
    supervisions: int = 0
    orgs_disciplined: int = 0
    members_disciplined: int = 0
    collectives_suggested: int = 0
    individuals_suggested: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    given: set[str] = field(default_factory=set)  # the columns a reported period gives

    def value(self, key: str) -> int | None:
        """A column's figure; None for a column a reported period does not give (not a zero)."""
        return None if self.reported and key not in self.given else int(getattr(self, key))

    @property
    def disciplined(self) -> int:
        return self.orgs_disciplined + self.members_disciplined


COLUMNS = (
    ("committee_orgs", gettext_lazy("Cấp uỷ kiểm tra: tổ chức")),
    ("committee_members", gettext_lazy("Cấp uỷ kiểm tra: đảng viên")),
    ("commission_orgs", gettext_lazy("UBKT kiểm tra: tổ chức")),
    ("commission_members", gettext_lazy("UBKT kiểm tra: đảng viên")),
    ("orgs_signs", gettext_lazy("Dấu hiệu vi phạm: tổ chức")),
    ("members_signs", gettext_lazy("Dấu hiệu vi phạm: đảng viên")),
    ("inspections", gettext_lazy("Cuộc kiểm tra")),
    ("supervisions", gettext_lazy("Cuộc giám sát")),
    ("orgs_disciplined", gettext_lazy("Kỷ luật: tổ chức")),
    ("members_disciplined", gettext_lazy("Kỷ luật: đảng viên")),
    ("collectives_suggested", gettext_lazy("Gợi ý kiểm điểm: tập thể")),
    ("individuals_suggested", gettext_lazy("Gợi ý kiểm điểm: cá nhân")),
)
# A reported total's measure and body → the row's column.
_REPORTED = {
    (Measure.ORGS_INSPECTED, False): "committee_orgs", (Measure.ORGS_INSPECTED, True): "commission_orgs",
    (Measure.MEMBERS_INSPECTED, False): "committee_members", (Measure.MEMBERS_INSPECTED, True): "commission_members",
    (Measure.ORGS_SIGNS, False): "orgs_signs", (Measure.ORGS_SIGNS, True): "orgs_signs",
    (Measure.MEMBERS_SIGNS, False): "members_signs", (Measure.MEMBERS_SIGNS, True): "members_signs",
    (Measure.INSPECTIONS, False): "inspections", (Measure.INSPECTIONS, True): "inspections",
    (Measure.SUPERVISIONS, False): "supervisions", (Measure.SUPERVISIONS, True): "supervisions",
    (Measure.ORGS_DISCIPLINED, False): "orgs_disciplined", (Measure.ORGS_DISCIPLINED, True): "orgs_disciplined",
    (Measure.MEMBERS_DISCIPLINED, False): "members_disciplined",
    (Measure.MEMBERS_DISCIPLINED, True): "members_disciplined",
    (Measure.COLLECTIVES_SUGGESTED, False): "collectives_suggested",
    (Measure.COLLECTIVES_SUGGESTED, True): "collectives_suggested",
    (Measure.INDIVIDUALS_SUGGESTED, False): "individuals_suggested",
    (Measure.INDIVIDUALS_SUGGESTED, True): "individuals_suggested",
}


@dataclass
class Figures:
    rows: list[Row]
    by_kind: list[tuple[str, int]]
    by_field: list[tuple[str, int, bool]]  # label, count, sensitive
    by_form: list[tuple[str, int]]
    by_level: list[tuple[str, int, int]]  # level, inspections, supervisions
    concluded: int
    on_time: int
    tasks: int
    tasks_done: int
    level: str = ""

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.concluded if self.concluded else None

    @property
    def tasks_rate(self) -> float | None:
        return self.tasks_done / self.tasks if self.tasks else None

    @property
    def on_time_percent(self) -> str:
        return "—" if self.on_time_rate is None else f"{round(100 * self.on_time_rate)}%"

    @property
    def tasks_percent(self) -> str:
        return "—" if self.tasks_rate is None else f"{round(100 * self.tasks_rate)}%"

    def total(self, key: str) -> int:
        return sum(int(getattr(r, key)) for r in self.rows)


def _scoped(model: Any, user: AnyUser, unit_ids: set[int] | None) -> Any:
    qs = model.objects.visible_to(user, "count")
    return qs if unit_ids is None else qs.filter(unit_id__in=unit_ids)


@replicas.reads_statistics
def figures(user: AnyUser, *, unit_ids: set[int] | None = None, level: str = "") -> Figures:
    """The figures of the cases (and the reported totals) of the units `user` counts in, limited
    to `unit_ids` and to a level of deciding body when given."""
    inspections = _scoped(Inspection, user, unit_ids)
    disciplines = _scoped(Discipline, user, unit_ids)
    reviews = _scoped(Review, user, unit_ids)
    reported = _scoped(ReportedFigure, user, unit_ids)
    if level == Level.DISTRICT:
        unit_q = Q(unit__level=UnitLevel.DISTRICT)
    elif level == Level.GRASSROOTS:
        unit_q = Q(unit__level__in=(UnitLevel.COMMUNE, UnitLevel.VILLAGE))
    elif level == Level.PROVINCE:
        unit_q = Q(unit__level=UnitLevel.PROVINCE)
    else:
        unit_q = Q()
    inspections, disciplines, reviews = inspections.filter(unit_q), disciplines.filter(unit_q), reviews.filter(unit_q)
    if level:
        reported = reported.filter(level=level)

    years: dict[int, Row] = {}

    def row(year: int) -> Row:
        return years.setdefault(year, Row(str(year), year, year))

    for year, kind, body, subject, n in (
        inspections.values_list("decided_on__year", "kind", "body", "subject_type").annotate(n=Count("id"))
        .order_by()
    ):
        r = row(year)
        if kind in SUPERVISION_KINDS:
            r.supervisions += n
            continue
        r.inspections += n
        commission = body in COMMISSION_BODIES
        org = subject == SubjectType.ORGANISATION
        attr = ("commission_" if commission else "committee_") + ("orgs" if org else "members")
        setattr(r, attr, getattr(r, attr) + n)
        if kind == Kind.SIGNS:
            if org:
                r.orgs_signs += n
            else:
                r.members_signs += n
    disciplined = disciplines.filter(state__in=(DisciplineState.DECIDED, DisciplineState.DELIVERED)).exclude(current_form="")
    for year, subject, form, n in (
        disciplined.values_list("decided_on__year", "subject_type", "current_form").annotate(n=Count("id")).order_by()
    ):
        r = row(year)
        if subject == SubjectType.ORGANISATION:
            r.orgs_disciplined += n
        else:
            r.members_disciplined += n
        r.forms[form] += n
    for year, target, n in reviews.values_list("year", "target").annotate(n=Count("id")).order_by():
        r = row(year)
        if target == TargetType.COLLECTIVE:
            r.collectives_suggested += n
        else:
            r.individuals_suggested += n

    periods: dict[tuple[int, int, str], Row] = {}
    for f in reported.select_related("unit").order_by("year_from", "unit__name"):
        key = (f.year_from, f.year_to, f.unit.name)
        r = periods.setdefault(key, Row(f"{f.years} · {f.unit.name}", f.year_from, f.year_to, reported=True,
                                        source=f.source))
        attr = _REPORTED[(Measure(f.measure), f.body == Body.COMMISSION)]
        setattr(r, attr, getattr(r, attr) + f.value)
        r.given.add(attr)
    rows = sorted([*periods.values(), *years.values()], key=lambda r: (r.year_from, r.year_to, not r.reported, r.label))

    kind_counts = dict(inspections.values_list("kind").annotate(n=Count("id")).order_by())
    field_counts = dict(inspections.values_list("field").annotate(n=Count("id")).order_by())
    form_counts: Counter[str] = Counter()
    for r in years.values():
        form_counts.update(r.forms)
    level_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit_level, kind, n in inspections.values_list("unit__level", "kind").annotate(n=Count("id")).order_by():
        level_counts[level_of(unit_level)][1 if kind in SUPERVISION_KINDS else 0] += n
    concluded = inspections.filter(state__in=CONCLUDED_STATES)
    tasks = _scoped(Finding, user, unit_ids).filter(task__isnull=False).filter(
        Q(inspection__in=inspections) | Q(review__in=reviews))
    return Figures(
        rows=rows,
        by_kind=[(str(k.label), kind_counts.get(k.value, 0)) for k in Kind],
        by_field=[(str(f.label), field_counts.get(f.value, 0), f in SENSITIVE_FIELDS) for f in Field],
        by_form=[(str(f.label), form_counts.get(f.value, 0)) for f in Form],
        by_level=[(str(lv.label), level_counts[lv.value][0], level_counts[lv.value][1]) for lv in Level
                  if lv.value in level_counts],
        concluded=concluded.count(),
        on_time=concluded.filter(concluded_on__lte=F("due_on")).count(),
        tasks=tasks.count(),
        tasks_done=tasks.filter(task__completed_on__isnull=False).count(),
        level=level,
    )


SERIES = (
    ("inspected", gettext_lazy("Tổ chức, đảng viên được kiểm tra"), "#1f3a5f"),
    ("inspections", gettext_lazy("Cuộc kiểm tra"), "#3d7a5c"),
    ("supervisions", gettext_lazy("Cuộc giám sát"), "#6b8fc2"),
    ("signs", gettext_lazy("Kiểm tra khi có dấu hiệu vi phạm"), "#c77c02"),
    ("disciplined", gettext_lazy("Bị kỷ luật"), "#b42318"),
)


def _value(row: Row, key: str) -> int:
    if key == "inspected":
        return row.committee_orgs + row.committee_members + row.commission_orgs + row.commission_members
    if key == "signs":
        return row.orgs_signs + row.members_signs
    if key == "disciplined":
        return row.disciplined
    return int(getattr(row, key))


def chart(rows: list[Row], title: str, width: int = 1060) -> SafeString:
    """Horizontal grouped bars, one group per period, one bar per series (`core.charts`)."""
    groups = [(r.label, [_value(r, key) for key, _l, _c in SERIES]) for r in rows]
    return charts.grouped_bars(groups, SERIES, title, width=width, value_w=50, legend_gap=22)
