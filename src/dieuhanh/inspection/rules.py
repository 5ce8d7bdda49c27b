"""The rules of the app read as data: which forms of discipline apply to whom, which limitation
period each form has (data/discipline_forms.yaml), and the periods of an inspection and of an
appeal (data/legal_rules.yaml, through core.legal_rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.utils.translation import gettext

from dieuhanh.core import legal_rules
from dieuhanh.core.legal_rules import Rule
from dieuhanh.inspection.choices import Form, Kind


@cache
def _forms_data() -> dict[str, Any]:
    text = resources.files("dieuhanh.inspection").joinpath("data", "discipline_forms.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def forms_for(subject_type: str) -> tuple[str, ...]:
    """The forms of discipline that apply to a subject type (Điều lệ Đảng, Art 35)."""
    return tuple(_forms_data()["subjects"].get(subject_type, ()))


def forms_citation() -> str:
    return str(_forms_data()["citation"])


def severity(form: str) -> int:
    return int(_forms_data()["severity"][form])


def form_refusal(subject_type: str, form: str) -> str | None:
    """Why `form` does not apply to `subject_type`, or None."""
    allowed = forms_for(subject_type)
    if form in allowed:
        return None
    from dieuhanh.inspection.choices import SubjectType

    return gettext("%(form)s không áp dụng cho %(subject)s: chỉ có %(allowed)s (%(citation)s).") % {
        "form": Form(form).label, "subject": str(SubjectType(subject_type).label).lower(),
        "allowed": ", ".join(str(Form(f).label).lower() for f in allowed), "citation": forms_citation(),
    }


@dataclass(frozen=True)
class Limitation:
    """The limitation period of a form on a day: the rule (None: none applies) and the last day
    on which a violation of `violated_on` may still be disciplined."""

    rule: Rule | None
    last_day: dt.date | None

    def expired_on(self, day: dt.date) -> bool:
        return self.last_day is not None and day > self.last_day


# The limitation rules the forms' data file may name (data/legal_rules.yaml).
LIMITATION_CODES = ("discipline.limitation.reprimand", "discipline.limitation.warning")


def limitation(form: str, violated_on: dt.date, decided_on: dt.date) -> Limitation:
    """The limitation period of `form` for a violation of `violated_on`, by the rule in force on
    the decision's day. The code is read from the forms' data file: "discipline.limitation.reprimand"
    or "discipline.limitation.warning", or none."""
    code = _forms_data()["limitation"].get(form)
    if not code:
        return Limitation(None, None)
    if code not in LIMITATION_CODES:
        raise ValueError(f"discipline_forms.yaml names an unknown limitation rule {code!r}")
    last, rule = legal_rules.deadline(code, violated_on, on=decided_on)
    return Limitation(rule, last)


def duration_code(kind: str) -> str:
    """The rule that bounds an inspection of `kind`, from its decision to its conclusion."""
    if kind == Kind.SIGNS:
        return "inspection.signs.duration"
    if kind in (Kind.SUPERVISE_REGULAR, Kind.SUPERVISE_THEMATIC):
        return "supervision.duration"
    return "inspection.duration"


def due_dates(kind: str, decided_on: dt.date) -> tuple[dt.date, dt.date, Rule, Rule]:
    """(announce by, conclude by, and the two rules) for an inspection decided on `decided_on`."""
    announce, announce_rule = legal_rules.deadline("inspection.announce", decided_on)
    code = duration_code(kind)
    if code == "inspection.signs.duration":
        due, rule = legal_rules.deadline("inspection.signs.duration", decided_on)
    elif code == "supervision.duration":
        due, rule = legal_rules.deadline("supervision.duration", decided_on)
    else:
        due, rule = legal_rules.deadline("inspection.duration", decided_on)
    return announce, due, announce_rule, rule


def appeal_due(received_on: dt.date) -> tuple[dt.date, Rule]:
    """The last day to appeal a decision received on `received_on`."""
    return legal_rules.deadline("discipline.appeal.file_limit", received_on)
