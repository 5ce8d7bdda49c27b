"""The legal rule table: every legal period, and every legal limit that is not a period, is data
with its unit, effective dates and citation, loaded into `LegalRule` after each migrate. Each app
keeps its rules in its own `data/legal_rules.yaml` (core's file holds those no app owns yet); a
code belongs to one file. A case asks for a rule by code and by the date that fixes its law
(usually its receipt date); the version in force on that date applies, so an old case keeps the
old period after the law changes.

A period counts calendar or working days: `deadline(code, start)` gives its due date. A limit
counts times ("extended at most twice"), persons ("five signers or more") or names the hour of a
day's cut-off ("received after 15:00"): `value(code, on)` gives its number. Each refuses a rule of
the other sort, so a count is never added to a date by mistake."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from dieuhanh.core.choices import DayKind

RULES_FILE = Path(__file__).parent / "data" / "legal_rules.yaml"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    period: int
    day_kind: DayKind
    effective_from: dt.date
    effective_to: dt.date | None
    citation: str
    note: str = ""

    def applies_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def is_period(self) -> bool:
        """A number of (calendar or working) days, as opposed to a count or an hour."""
        return self.day_kind in PERIOD_KINDS

    @property
    def value_text(self) -> str:
        """The number with its unit, as a sentence states it: "30 ngày", "hai lần", "5 người",
        "15 giờ"."""
        if self.day_kind == DayKind.TIMES:
            return gettext(_TIMES[self.period]) if self.period in _TIMES else gettext("%(n)s lần") % {"n": self.period}
        return f"{self.period} {self.day_kind.label}"


PERIOD_KINDS = frozenset({DayKind.CALENDAR, DayKind.WORKING, DayKind.MONTH, DayKind.YEAR})
_TIMES = {1: gettext_noop("một lần"), 2: gettext_noop("hai lần"), 3: gettext_noop("ba lần"), 4: gettext_noop("bốn lần"),
          5: gettext_noop("năm lần")}
_HOUR = range(24)


class RuleNotFound(LookupError):
    pass


class WrongRuleKind(ValueError):
    """A rule asked for as what it is not: a count or an hour counted as days, or the reverse."""


def require_period(rule: Rule) -> Rule:
    """`rule`, when it is a number of days; otherwise `WrongRuleKind`."""
    if not rule.is_period:
        raise WrongRuleKind(
            f"Quy tắc {rule.code} tính bằng {rule.day_kind.label}, không phải thời hạn theo ngày: "
            "không dùng để tính hạn (dùng legal_rules.value)."
        )
    return rule


def rule_files() -> list[Path]:
    """Core's rule file, then each installed app's `data/legal_rules.yaml` (before Django is set
    up, as in an offline benchmark: those of every app of the package)."""
    from django.apps import apps

    if apps.ready:
        folders = [Path(config.path) for config in apps.get_app_configs()]
    else:
        folders = sorted(p for p in RULES_FILE.parents[2].iterdir() if p.is_dir())
    files = [RULES_FILE]
    for folder in folders:
        path = folder / "data" / "legal_rules.yaml"
        if path not in files and path.exists():
            files.append(path)
    return files


def load_file(path: Path | None = None) -> list[Rule]:
    """The rules of one file, or of every app's file (`rule_files`) when `path` is None."""
    if path is None:
        rules: list[Rule] = []
        owner: dict[str, Path] = {}
        for file in rule_files():
            for rule in _read(file):
                if owner.setdefault(rule.code, file) != file:
                    raise ValueError(f"Quy tắc {rule.code} có ở hai tệp: {owner[rule.code]} và {file}")
                rules.append(rule)
        _check_no_overlap(rules)
        return rules
    rules = _read(path)
    _check_no_overlap(rules)
    return rules


def _read(path: Path) -> list[Rule]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    rules = [
        Rule(
            code=r["code"],
            name=r["name"],
            period=int(r["period"]),
            day_kind=DayKind(r["day_kind"]),
            effective_from=r["effective_from"],
            effective_to=r.get("effective_to"),
            citation=r["citation"],
            note=r.get("note", ""),
        )
        for r in raw
    ]
    for rule in rules:
        if rule.period < 0:
            raise ValueError(f"Quy tắc {rule.code}: giá trị {rule.period} âm")
        if rule.day_kind == DayKind.HOUR and rule.period not in _HOUR:
            raise ValueError(f"Quy tắc {rule.code}: giờ {rule.period} phải từ 0 đến 23")
    return rules


def _check_no_overlap(rules: list[Rule]) -> None:
    by_code: dict[str, list[Rule]] = {}
    for r in rules:
        by_code.setdefault(r.code, []).append(r)
    for code, versions in by_code.items():
        versions.sort(key=lambda r: r.effective_from)
        for v in versions:
            if v.effective_to is not None and v.effective_to < v.effective_from:
                raise ValueError(f"Quy tắc {code}: ngày hết hiệu lực {v.effective_to} trước ngày hiệu lực {v.effective_from}")
        for a, b in itertools.pairwise(versions):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                raise ValueError(f"Quy tắc {code}: phiên bản từ {a.effective_from} chồng lên phiên bản từ {b.effective_from}")


@transaction.atomic
def sync_rules(rules: list[Rule] | None = None) -> int:
    """Upsert the rule file into the table (natural key: code + effective_from). A version that
    disappears from the file is kept in the table: cases decided under it still cite it."""
    from dieuhanh.core.models import LegalRule

    count = 0
    for r in rules if rules is not None else load_file():
        LegalRule.objects.update_or_create(
            code=r.code,
            effective_from=r.effective_from,
            defaults={
                "name": r.name,
                "period": r.period,
                "day_kind": r.day_kind,
                "effective_to": r.effective_to,
                "citation": r.citation,
                "note": r.note,
            },
        )
        count += 1
    transaction.on_commit(forget)
    forget()
    return count


def sync_rules_after_migrate(**kwargs: Any) -> None:
    sync_rules()


_versions: dict[str, list[Rule]] | None = None


def forget() -> None:
    """Drop the in-process copy of the table (after `sync_rules`, and between tests)."""
    global _versions
    _versions = None


def _table() -> dict[str, list[Rule]]:
    """Every version of every rule, read once per process: deadlines are computed for each step
    of each case, and the table changes only when the rule file is synced at migrate."""
    global _versions
    if _versions is None:
        from dieuhanh.core.models import LegalRule

        table: dict[str, list[Rule]] = {}
        for row in LegalRule.objects.order_by("code", "-effective_from"):
            table.setdefault(row.code, []).append(_rule(row))
        _versions = table
    return _versions


def _rule(row: Any) -> Rule:
    return Rule(
        code=row.code,
        name=row.name,
        period=row.period,
        day_kind=DayKind(row.day_kind),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        citation=row.citation,
        note=row.note,
    )


def rule_for(code: str, on: dt.date) -> Rule:
    """The version of rule `code` in force on `on`."""
    for rule in _table().get(code, ()):
        if rule.applies_on(on):
            return rule
    raise RuleNotFound(f"Không có quy tắc {code!r} có hiệu lực ngày {on:%d/%m/%Y}")


def deadline(code: str, start: dt.date, *, on: dt.date | None = None) -> tuple[dt.date, Rule]:
    """The due date of rule `code` counted from `start`, by the version in force on `on`
    (default: `start`). Returns the date and the rule version used, for display and citation.
    A rule that is not a number of days is refused (`WrongRuleKind`)."""
    from dieuhanh.core import calendar

    rule = require_period(rule_for(code, on or start))
    if rule.day_kind == DayKind.MONTH:
        return add_months(start, rule.period), rule
    if rule.day_kind == DayKind.YEAR:
        return add_months(start, 12 * rule.period), rule
    return calendar.add(start, rule.period, working=rule.day_kind == DayKind.WORKING), rule


def add_months(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months counted from `start`: the day of the last
    month that corresponds to `start`, or that month's last day when it has none (Civil Code
    91/2015/QH13, Art 148 khoản 2: from 31/1, one month ends on 28 or 29/2). A period of years
    is twelve months each (Art 148 khoản 3: from 29/2/2024, one year ends on 28/2/2025)."""
    if months < 0:
        raise ValueError("Số tháng của thời hạn không được âm")
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(start.day, last))


def value(code: str, on: dt.date, *, unit: DayKind | None = None) -> tuple[int, Rule]:
    """The number of limit `code` (times, persons, an hour) in the version in force on `on`, and
    that version, for its citation in messages. A period is refused (use `deadline`), and so is
    a rule whose unit is not `unit` when the caller names the one it expects."""
    rule = rule_for(code, on)
    if rule.is_period:
        raise WrongRuleKind(f"Quy tắc {code} là thời hạn tính theo {rule.day_kind.label}: dùng legal_rules.deadline.")
    if unit is not None and rule.day_kind != unit:
        raise WrongRuleKind(f"Quy tắc {code} tính bằng {rule.day_kind.label}, không phải {DayKind(unit).label}.")
    return rule.period, rule
