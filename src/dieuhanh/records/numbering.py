"""How numbers are given (records/data/numbering.yaml): the parts of a series for each register and
system, with their citations and effective dates, and the next number of a series, taken under
a lock on its row so that no number is given twice, from any process."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from dieuhanh.org.models import Organisation
from dieuhanh.records.models import CommitteeTerm, Series

RULES_FILE = Path(__file__).resolve().parent / "data" / "numbering.yaml"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    series: tuple[str, ...]
    citation: str
    effective_from: dt.date
    effective_to: dt.date | None
    note: str

    def applies_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    rows = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Rule(code=r["code"], name=r["name"], series=tuple(r["series"]), citation=r["citation"],
             effective_from=r["effective_from"], effective_to=r.get("effective_to"), note=r.get("note", ""))
        for r in rows
    )


def rule_for(code: str, day: dt.date) -> Rule:
    for rule in all_rules():
        if rule.code == code and rule.applies_on(day):
            return rule
    raise ValidationError({"issued_on": [gettext("Không có quy định lấy số văn bản nào có hiệu lực vào ngày %(day)s.") % {"day": f"{day:%d/%m/%Y}"}]})


def term_on(organisation: Organisation, day: dt.date) -> CommitteeTerm | None:
    """The committee's term in which `day` falls: the latest that started on or before it."""
    return (
        CommitteeTerm.objects.filter(organisation=organisation, starts_on__lte=day).order_by("-starts_on").first()
    )


def period_of(rule: Rule, organisation: Organisation, day: dt.date) -> str:
    """The year ("2026") or the term ("2025 - 2030") whose series a document of `day` takes."""
    if "term" in rule.series:
        term = term_on(organisation, day)
        if term is None:
            raise ValidationError({"issuer": [
                gettext("Chưa khai báo nhiệm kỳ của %(org)s chứa ngày %(day)s: văn bản của Đảng được đánh số theo nhiệm kỳ (%(citation)s).")
                % {"org": organisation.name, "day": f"{day:%d/%m/%Y}", "citation": rule.citation}
            ]})
        return term.name
    return str(day.year)


def take(register: str, rule: Rule, organisation: Organisation, kind: str, day: dt.date) -> tuple[str, int]:
    """The series' period and its next number, the series row locked until the transaction ends
    (the caller's: the number is spent only if the document is saved)."""
    assert transaction.get_connection().in_atomic_block, "a number is taken inside the transaction that uses it"
    period = period_of(rule, organisation, day)
    key_kind = kind if "kind" in rule.series else ""
    Series.objects.get_or_create(register=register, organisation=organisation, kind=key_kind, period=period)
    series = Series.objects.select_for_update().get(
        register=register, organisation=organisation, kind=key_kind, period=period
    )
    series.last += 1
    series.save(update_fields=["last"])
    return period, series.last
