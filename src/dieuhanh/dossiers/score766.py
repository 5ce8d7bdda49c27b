"""The "progress and results" group (20 points) of the Decision 766/QĐ-TTg index, per unit.

The criteria, their points and how each is scored are data (`data/score766.yaml`, each with its
citation and a [U] mark where the source is secondary); this module counts each criterion's
numerator and denominator from the dossiers and applies the yaml's scoring. One grouped query on
the dossiers and one on the inter-level steps, whatever their number; the per-unit figures are
then rolled up to today's units like the statistics tables (`org.rollup.UnitRollup.roll_up`).

How a dossier counts in the on-time criterion (`on_time_or_in_time`), as of the period's last
day P (the end of the chosen date range, or today if that is earlier):
- it has its result (ready or refused) on or before P: on time when early or on time;
- it waits for the applicant's documents (requested on or before P): in time when the request
  came no later than the appointment date;
- otherwise it was still being processed at P: in time when its appointment date is not before P;
- a withdrawn dossier has no end date in the data and is left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.dossiers import stats
from dieuhanh.dossiers.choices import OPEN_STATUSES, Status, Timeliness
from dieuhanh.dossiers.models import DossierStep
from dieuhanh.org.models import AdminUnit
from dieuhanh.org.rollup import UnitRollup

DATA_FILE = Path(__file__).parent / "data" / "score766.yaml"
MEASURES = ("on_time_or_in_time", "late_with_apology", "transfer_on_time", "satisfied_ratings")
SCORINGS = ("proportional", "threshold", "none")


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max_points: float
    measure: str
    scoring: str
    full_at: float | None
    citation: str
    note: str

    @property
    def scored(self) -> bool:
        return self.max_points > 0 and self.scoring != "none"

    @property
    def unverified(self) -> bool:
        return "[U]" in self.note

    def points(self, numerator: int, denominator: int) -> float | None:
        """Points for a numerator over a denominator; None when nothing was counted or the
        criterion is only monitored."""
        if not self.scored or denominator <= 0:
            return None
        rate = Decimal(numerator) / Decimal(denominator)
        if self.scoring == "threshold":
            rate = min(Decimal(1), rate / Decimal(str(self.full_at)))
        value = Decimal(str(self.max_points)) * rate
        return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Index:
    decision: str
    code: str
    name: str
    max_points: float
    citation: str
    note: str
    criteria: tuple[Criterion, ...]


def _group(decision: str, group: dict[str, Any], items: list[dict[str, Any]], path: Path) -> Index:
    criteria = []
    for item in items:
        scoring = item.get("scoring") or {"kind": "none"}
        c = Criterion(
            code=str(item["code"]), name=str(item["name"]), max_points=float(item["max_points"]),
            measure=str(item["measure"]), scoring=str(scoring["kind"]),
            full_at=float(scoring["full_at"]) if scoring.get("full_at") is not None else None,
            citation=str(item.get("citation", "")).strip(), note=str(item.get("note", "")).strip(),
        )
        if c.measure not in MEASURES:
            raise ValueError(f"{path.name}: {c.code}: unknown measure {c.measure!r}")
        if c.scoring not in SCORINGS or (c.scoring == "threshold" and not c.full_at):
            raise ValueError(f"{path.name}: {c.code}: bad scoring {scoring!r}")
        criteria.append(c)
    index = Index(
        decision=decision, code=str(group["code"]), name=str(group["name"]),
        max_points=float(group["max_points"]), citation=str(group.get("citation", "")).strip(),
        note=str(group.get("note", "")).strip(), criteria=tuple(criteria),
    )
    scored = sum(c.max_points for c in index.criteria if c.scored)
    if abs(scored - index.max_points) > 1e-9:
        raise ValueError(f"{path.name}: scored criteria add up to {scored}, group has {index.max_points}")
    return index


def load(path: Path = DATA_FILE) -> Index:
    """Read and check the "progress and results" group of the yaml: every criterion names a known
    measure and scoring, and the scored criteria add up to the group's points."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return _group(str(raw["decision"]), raw["group"], raw["criteria"], path)


def load_satisfaction(path: Path = DATA_FILE) -> Index:
    """The satisfaction group of the yaml (`satisfaction:`), checked the same way."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    part = raw["satisfaction"]
    return _group(str(raw["decision"]), part["group"], part["criteria"], path)


@lru_cache(maxsize=1)
def satisfaction_index() -> Index:
    return load_satisfaction()


@lru_cache(maxsize=1)
def index() -> Index:
    return load()


# --- Counting ----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Numerator and denominator of each measure for one unit (added up when rolling up)."""

    values: dict[str, list[int]] = field(default_factory=lambda: {m: [0, 0] for m in MEASURES})

    def add(self, other: Counts) -> None:
        for m, (n, d) in other.values.items():
            self.values[m][0] += n
            self.values[m][1] += d


def _conditions(period_end: dt.date) -> dict[str, Q]:
    good = (Timeliness.EARLY, Timeliness.ON_TIME)
    finished = Q(result_on__lte=period_end, timeliness__in=Timeliness.values)
    waiting = Q(status=Status.SUPPLEMENT, supplement_requested_on__lte=period_end)
    running = (Q(status__in=OPEN_STATUSES) & ~Q(status=Status.SUPPLEMENT, supplement_requested_on__lte=period_end)) | Q(
        result_on__gt=period_end
    )
    ok = {
        "finished": Q(timeliness__in=good),
        "waiting": Q(supplement_requested_on__lte=F("due_on")),
        "running": Q(due_on__gte=period_end),
    }
    late = {
        "finished": Q(timeliness=Timeliness.LATE),
        "waiting": Q(supplement_requested_on__gt=F("due_on")),
        "running": Q(due_on__lt=period_end),
    }
    apology = Q(apology_on__isnull=False)
    out: dict[str, Q] = {}
    for name, part in (("finished", finished), ("waiting", waiting), ("running", running)):
        out[f"{name}"] = part
        out[f"{name}_ok"] = part & ok[name]
        out[f"{name}_late_apology"] = part & late[name] & apology
    return out


def count_dossiers(qs: QuerySet[Any], period_end: dt.date) -> dict[int, Counts]:
    """Per receiving unit (as recorded): the dossier measures, in one grouped query."""
    conditions = _conditions(period_end)
    aggregates = {name: Count("id", filter=q) for name, q in conditions.items()}
    out: dict[int, Counts] = {}
    for row in qs.order_by().values("unit_id").annotate(**aggregates):
        c = out.setdefault(row["unit_id"], Counts())
        counted = row["finished"] + row["waiting"] + row["running"]
        ok = row["finished_ok"] + row["waiting_ok"] + row["running_ok"]
        c.values["on_time_or_in_time"] = [ok, counted]
        c.values["late_with_apology"] = [
            row["finished_late_apology"] + row["waiting_late_apology"] + row["running_late_apology"], counted - ok,
        ]
    return out


def count_ratings(qs: QuerySet[Any], period_end: dt.date, into: dict[int, Counts]) -> None:
    """Per receiving unit: the citizens' ratings of the dossiers (given by the period's end, in
    Vietnam time) and those "satisfied" or "very satisfied" (notifications.ratings)."""
    from dieuhanh.notifications.choices import SATISFIED_LEVELS
    from dieuhanh.notifications.models import Rating

    end = timezone.make_aware(dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min))
    rows = (
        Rating.objects.filter(case_type="dossiers.dossier", case_id__in=qs.order_by().values("pk"), rated_at__lt=end)
        .order_by().values("unit_id")
        .annotate(rated=Count("id"), happy=Count("id", filter=Q(level__in=SATISFIED_LEVELS)))
    )
    for row in rows:
        c = into.setdefault(row["unit_id"], Counts())
        c.values["satisfied_ratings"] = [row["happy"], row["rated"]]


def count_transfers(qs: QuerySet[Any], period_end: dt.date, into: dict[int, Counts]) -> None:
    """Per receiving unit: inter-level steps with a transfer deadline that began by the period's
    end, and those whose dossier reached the body by that deadline (Vietnam date)."""
    steps = (
        DossierStep.objects.filter(dossier__in=qs.order_by().values("pk"), transfer_due_on__isnull=False,
                                   started_at__date__lte=period_end)
        .order_by()
        .values("dossier__unit_id")
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(started_at__date__lte=F("transfer_due_on"))))
    )
    for row in steps:
        c = into.setdefault(row["dossier__unit_id"], Counts())
        c.values["transfer_on_time"] = [row["on_time"], row["total"]]


# --- Scoring ----------------------------------------------------------------------------------------


@dataclass
class CriterionScore:
    criterion: Criterion
    numerator: int
    denominator: int
    points: float | None

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        c = self.criterion
        return {
            "code": c.code, "name": c.name, "max_points": c.max_points, "scored": c.scored,
            "numerator": self.numerator, "denominator": self.denominator, "rate": self.rate, "points": self.points,
        }


@dataclass
class UnitScore:
    key: int | None
    label: str
    criteria: list[CriterionScore]
    group_max: float | None = None
    # The same unit's score in the satisfaction group (`satisfaction_index`), beside this one.
    satisfaction: UnitScore | None = None

    @property
    def total(self) -> float | None:
        """The group's points: the sum over scored criteria; None when none could be scored."""
        points = [s.points for s in self.criteria if s.criterion.scored and s.points is not None]
        return round(sum(points), 2) if points else None

    @property
    def max_total(self) -> float:
        return self.group_max if self.group_max is not None else index().max_points

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": self.label, "total": self.total, "max_total": self.max_total,
               "criteria": [s.as_dict() for s in self.criteria]}
        if self.satisfaction is not None:
            out["satisfaction"] = self.satisfaction.as_dict()
        return out


def score(counts: Counts, key: int | None, label: str, idx: Index | None = None) -> UnitScore:
    idx = idx or index()
    items = []
    for c in idx.criteria:
        n, d = counts.values[c.measure]
        items.append(CriterionScore(criterion=c, numerator=n, denominator=d, points=c.points(n, d)))
    return UnitScore(key=key, label=label, criteria=items, group_max=idx.max_points)


def score_both(counts: Counts, key: int | None, label: str, idx: Index, sat: Index) -> UnitScore:
    """The unit's progress score with its satisfaction score beside it."""
    out = score(counts, key, label, idx)
    out.satisfaction = score(counts, key, label, sat)
    return out


@dataclass
class Result:
    index: Index
    period_end: dt.date
    units: list[UnitScore]
    total: UnitScore  # the whole scope
    satisfaction: Index | None = None


def period_end_of(date_to: dt.date | None, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return min(date_to, today) if date_to else today


def compute(qs: QuerySet[Any], *, period_end: dt.date, by: str = "unit") -> Result:
    """Scores per unit for the dossiers of `qs` (already limited by `visible_to` and the filter):
    "unit" rolls abolished units up into today's, "unit_then" keeps the unit as recorded."""
    if by not in ("unit", "unit_then"):
        raise ValueError(f"Cách nhóm không hợp lệ: {by!r} (unit, unit_then)")
    idx, sat = index(), satisfaction_index()
    raw = count_dossiers(qs, period_end)
    count_transfers(qs, period_end, raw)
    count_ratings(qs, period_end, raw)
    whole = Counts()
    for c in raw.values():
        whole.add(c)
    if by == "unit":
        def new(unit: AdminUnit) -> tuple[AdminUnit, Counts]:
            return (unit, Counts())

        merged = UnitRollup().roll_up(raw, lambda target, c: target[1].add(c), new)
        units = [score_both(c, uid, stats.unit_label(u), idx, sat) for uid, (u, c) in merged.items()]
    else:
        info = AdminUnit.objects.in_bulk(list(raw))
        units = [score_both(c, uid, stats.unit_label(info[uid]) if uid in info else str(uid), idx, sat)
                 for uid, c in raw.items()]
    units.sort(key=lambda s: (s.total is None, -(s.total or 0), s.label))
    return Result(index=idx, period_end=period_end, units=units,
                  total=score_both(whole, None, _("Toàn phạm vi"), idx, sat), satisfaction=sat)
