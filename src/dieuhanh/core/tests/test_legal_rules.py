"""The legal rule table (`data/legal_rules.yaml`) against LEGAL.md: every period and every limit
(times, persons, a cut-off hour) is there with its unit, effective dates and citation, and a case
gets the version in force on its date."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import translation

from dieuhanh.core import legal_rules
from dieuhanh.core.choices import DayKind
from dieuhanh.core.legal_rules import RuleNotFound, WrongRuleKind, deadline, load_file, rule_for, value
from dieuhanh.core.models import LegalRule
from dieuhanh.testing import amend_rule

D = dt.date
CAL, WORK = DayKind.CALENDAR, DayKind.WORKING
TIMES, PERSONS, HOUR = DayKind.TIMES, DayKind.PERSONS, DayKind.HOUR

# (code, period, day kind, a date it applies on, article the citation must name) per LEGAL.md.
EXPECTED = [
    ("complaint.file_limit", 90, CAL, D(2025, 1, 1), "Điều 9"),
    ("complaint.accept", 10, WORK, D(2026, 6, 30), "Điều 27"),
    ("complaint.accept", 7, WORK, D(2026, 7, 1), "Điều 27"),
    ("complaint.first.resolve", 30, CAL, D(2025, 1, 1), "Điều 28"),
    ("complaint.first.complex", 45, CAL, D(2025, 1, 1), "Điều 28"),
    ("complaint.first.remote", 45, CAL, D(2025, 1, 1), "Điều 28"),
    ("complaint.first.remote_complex", 60, CAL, D(2025, 1, 1), "Điều 28"),
    ("complaint.second.resolve", 45, CAL, D(2025, 1, 1), "Điều 37"),
    ("complaint.second.complex", 60, CAL, D(2025, 1, 1), "Điều 37"),
    ("complaint.second.remote", 60, CAL, D(2025, 1, 1), "Điều 37"),
    ("complaint.second.remote_complex", 70, CAL, D(2025, 1, 1), "Điều 37"),
    ("complaint.second.file_limit", 30, CAL, D(2025, 1, 1), "Điều 33"),
    ("complaint.second.file_limit_remote", 45, CAL, D(2025, 1, 1), "Điều 33"),
    ("complaint.decision_send", 3, WORK, D(2025, 1, 1), ""),
    ("denunciation.check", 7, WORK, D(2025, 1, 1), "Điều 24"),
    ("denunciation.check_multi", 10, WORK, D(2025, 1, 1), "Điều 24"),
    ("denunciation.transfer", 5, WORK, D(2025, 1, 1), "Điều 24"),
    ("denunciation.resolve", 30, CAL, D(2025, 1, 1), "Điều 30"),
    ("denunciation.extension", 30, CAL, D(2025, 1, 1), "Điều 30"),
    ("denunciation.notify", 5, WORK, D(2025, 1, 1), ""),
    ("reception.reply", 10, WORK, D(2025, 1, 1), "Điều 28"),
    ("petition.process", 10, WORK, D(2025, 1, 1), ""),
    ("dossier.interlevel_transfer", 0, WORK, D(2025, 7, 1), ""),
    ("dossier.interlevel_transfer_late", 1, WORK, D(2025, 7, 1), ""),
    ("dossier.interlevel_transfer", 0, WORK, D(2025, 6, 30), ""),
    ("dossier.interlevel_transfer_late", 1, WORK, D(2025, 6, 30), ""),
    ("election.recognise", 5, WORK, D(2025, 1, 1), ""),
    ("dossier.apology_before_due", 1, WORK, D(2025, 7, 1), "118/2025/NĐ-CP"),
    ("dossier.apology_before_due", 1, WORK, D(2025, 6, 30), "107/2021/NĐ-CP"),
    ("dossier.apology_before_due", 0, WORK, D(2021, 12, 5), "61/2018/NĐ-CP"),
]

# (code, number, unit, a date it applies on, text the citation must contain, mark of the note) of
# the limits LEGAL.md states that are not periods.
LIMITS = [
    ("denunciation.extensions_complex", 1, TIMES, D(2025, 1, 1), "25/2018/QH14, Điều 30", "[C]"),
    ("denunciation.extensions_very_complex", 2, TIMES, D(2025, 1, 1), "25/2018/QH14, Điều 30", "[C]"),
    ("petition.transfer_times", 1, TIMES, D(2025, 1, 1), "05/2021/TT-TTCP", "[U]"),
    ("petition.transfer_times", 1, TIMES, D(2021, 1, 4), "07/2014/TT-TTCP", "[U]"),
    ("petition.group_signers", 5, PERSONS, D(2025, 1, 1), "05/2021/TT-TTCP", "[U]"),
    ("petition.group_signers", 5, PERSONS, D(2021, 1, 4), "07/2014/TT-TTCP", "[U]"),
    ("dossier.cutoff_hour", 15, HOUR, D(2025, 7, 1), "118/2025/NĐ-CP", "[U]"),
    ("dossier.cutoff_hour", 15, HOUR, D(2025, 6, 30), "61/2018/NĐ-CP", "[U]"),
    ("dossier.supplement_times", 1, TIMES, D(2025, 7, 1), "118/2025/NĐ-CP", "[U]"),
    ("dossier.supplement_times", 1, TIMES, D(2025, 6, 30), "61/2018/NĐ-CP", "[U]"),
    ("dossier.apology_times", 1, TIMES, D(2025, 7, 1), "118/2025/NĐ-CP", "[U]"),
    ("dossier.apology_times", 1, TIMES, D(2025, 6, 30), "61/2018/NĐ-CP", "[U]"),
    ("dossier.office_hours_end", 17, HOUR, D(2026, 2, 14), "45/2020/NĐ-CP", "[U]"),
]

# The date each law took effect, which is where its rules must start.
LAW_EFFECTIVE = {
    "02/2011/QH13": D(2012, 7, 1),
    "25/2018/QH14": D(2019, 1, 1),
    "42/2013/QH13": D(2014, 7, 1),
    "05/2021/TT-TTCP": D(2021, 10, 15),
    "136/2025/QH15": D(2026, 7, 1),
    "118/2025/NĐ-CP": D(2025, 7, 1),
    "61/2018/NĐ-CP": D(2018, 6, 21),
    "107/2021/NĐ-CP": D(2021, 12, 6),  # [U] amends 61/2018; effective date to confirm
    "45/2020/NĐ-CP": D(2020, 5, 22),  # [U] effective date to confirm
    "10/2022/QH15": D(2023, 7, 1),
}


def test_every_rule_in_the_file_loads_with_a_vietnamese_name_and_a_citation():
    rules = load_file()
    assert len(rules) >= len({code for code, *_ in EXPECTED})
    for r in rules:
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", r.code), r.code
        assert r.name and r.note, r.code
        # Every citation names a numbered law, decree or circular (số/năm/loại), a numbered party
        # document (số-loại/cơ quan: 69-QĐ/TW) or the Party's Statute.
        assert re.search(r"\d+/\d{4}/[A-ZĐ]|\d+-[A-ZĐ]+/[A-ZĐ]+|Điều lệ Đảng", r.citation), r.code
        assert r.effective_to is None or r.effective_to >= r.effective_from, r.code


@pytest.mark.parametrize(("code", "period", "kind", "on", "article"), EXPECTED)
def test_every_period_of_legal_md_is_in_force_as_written(db, code, period, kind, on, article):
    rule = rule_for(code, on)
    assert (rule.period, rule.day_kind) == (period, kind)
    assert article in rule.citation


@pytest.mark.parametrize(("code", "number", "unit", "on", "cited", "mark"), LIMITS)
def test_every_limit_of_legal_md_is_in_force_as_written(db, code, number, unit, on, cited, mark):
    n, rule = value(code, on, unit=unit)
    assert (n, rule.day_kind) == (number, unit)
    assert cited in rule.citation and rule.note.startswith(mark)


def test_each_rule_starts_when_its_law_took_effect():
    for r in load_file():
        latest_law = [effective for law, effective in LAW_EFFECTIVE.items() if law in r.citation]
        if latest_law:
            assert r.effective_from == max(latest_law), r.code


def test_an_amended_rule_leaves_no_day_without_a_version():
    # The old version ends the day before the amending law takes effect (complaint.accept:
    # 10 working days to 30/06/2026, 7 from 01/07/2026), so no receipt day falls between two
    # versions and finds no rule.
    versions: dict[str, list] = {}
    for r in load_file():
        versions.setdefault(r.code, []).append(r)
    for code, rules in versions.items():
        rules.sort(key=lambda r: r.effective_from)
        for old, new in itertools.pairwise(rules):
            assert old.effective_to == new.effective_from - dt.timedelta(days=1), code


def test_the_file_is_in_the_table_after_migrate(db):
    rules = load_file()
    assert LegalRule.objects.count() == len(rules)
    for r in rules:
        assert rule_for(r.code, r.effective_from) == r


def test_a_complaint_gets_the_acceptance_period_of_its_receipt_date(db):
    # Law 136/2025/QH15 [U]: 7 working days for complaints received from 01/7/2026.
    old, new = rule_for("complaint.accept", D(2026, 6, 30)), rule_for("complaint.accept", D(2026, 7, 1))
    assert (old.period, old.effective_to) == (10, D(2026, 6, 30))
    assert (new.period, new.effective_to) == (7, None)
    assert "136/2025/QH15" in new.citation and "[U]" in new.note


def test_deadline_counts_by_hand_vectors(db):
    # Received Tue 30/06/2026, 10 working days: Jul 1 W=1, 2=2, 3 F=3, 6 M=4, 7=5, 8=6, 9=7,
    # 10 F=8, 13 M=9, Tue 14/07=10.
    due, rule = deadline("complaint.accept", D(2026, 6, 30))
    assert due == D(2026, 7, 14) and rule.period == 10
    # Received Wed 01/07/2026, 7 working days: 2 Th=1, 3 F=2, 6 M=3, 7=4, 8=5, 9=6, Fri 10/07=7.
    due, rule = deadline("complaint.accept", D(2026, 7, 1))
    assert due == D(2026, 7, 10) and rule.period == 7
    # Accepted Fri 06/02/2026, 30 days: 06/02 + 30 = Sun 08/03 → Mon 09/03.
    assert deadline("complaint.first.resolve", D(2026, 2, 6))[0] == D(2026, 3, 9)
    # Denunciation received Wed 22/01/2025, 7 working days: 23=1, 24 F=2, [Tết 25/01–02/02],
    # 3 M=3, 4=4, 5=5, 6=6, Fri 07/02=7.
    assert deadline("denunciation.check", D(2025, 1, 22))[0] == D(2025, 2, 7)


def test_deadline_can_use_the_law_of_another_date(db):
    # Counted from 30/06/2026 but under the law in force on 01/07/2026: 7 working days → 09/07.
    due, rule = deadline("complaint.accept", D(2026, 6, 30), on=D(2026, 7, 1))
    assert due == D(2026, 7, 9) and rule.period == 7


def test_a_rule_before_its_law_is_not_found(db):
    with pytest.raises(RuleNotFound, match=re.escape("denunciation.check")):
        rule_for("denunciation.check", D(2018, 12, 31))


RULE = """
- code: x.accept
  name: Thụ lý
  period: {period}
  day_kind: working
  effective_from: {start}
  effective_to: {end}
  citation: Luật 1/2020/QH14, Điều 1
"""


@pytest.mark.parametrize(
    "versions",
    [
        # The first version is still open when the second starts.
        [("2020-01-01", "null"), ("2026-07-01", "null")],
        # The first version ends after the second starts.
        [("2020-01-01", "2026-07-01"), ("2026-07-01", "null")],
    ],
)
def test_overlapping_versions_are_refused_in_vietnamese(tmp_path, versions):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "".join(RULE.format(period=10 - i, start=s, end=e) for i, (s, e) in enumerate(versions)),
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError, match=re.escape("x.accept: phiên bản từ 2020-01-01 chồng lên phiên bản từ 2026-07-01")
    ):
        load_file(path)


def test_consecutive_versions_are_accepted(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        RULE.format(period=10, start="2020-01-01", end="2026-06-30")
        + RULE.format(period=7, start="2026-07-01", end="null"),
        encoding="utf-8",
    )
    assert [r.period for r in load_file(path)] == [10, 7]


def test_sync_is_idempotent(db):
    count = LegalRule.objects.count()
    legal_rules.sync_rules()
    assert LegalRule.objects.count() == count


def test_each_app_keeps_its_rules_and_a_code_belongs_to_one_file(tmp_path, monkeypatch):
    from dieuhanh.core import legal_rules

    names = {p.parent.parent.name for p in legal_rules.rule_files()}
    assert {"core", "petitions", "dossiers"} <= names
    codes = {r.code.split(".")[0] for r in load_file()}
    assert {"complaint", "denunciation", "dossier", "election"} <= codes
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(RULE.format(period=10, start="2020-01-01", end="null"), encoding="utf-8")
    second.write_text(RULE.format(period=7, start="2026-07-01", end="null"), encoding="utf-8")
    monkeypatch.setattr(legal_rules, "rule_files", lambda: [first, second])
    with pytest.raises(ValueError, match=re.escape("x.accept có ở hai tệp")):
        load_file()


def test_a_limit_is_no_period_and_a_period_is_no_limit(db):
    with pytest.raises(WrongRuleKind, match=re.escape("dossier.apology_times tính bằng lần, không phải thời hạn")):
        deadline("dossier.apology_times", D(2026, 3, 2))
    with pytest.raises(WrongRuleKind, match=re.escape("denunciation.resolve là thời hạn")):
        value("denunciation.resolve", D(2026, 3, 2))
    # The caller says what it counts: an hour is not a number of times.
    with pytest.raises(WrongRuleKind, match=re.escape("dossier.cutoff_hour tính bằng giờ, không phải lần")):
        value("dossier.cutoff_hour", D(2026, 3, 2), unit=TIMES)
    with pytest.raises(RuleNotFound, match=re.escape("dossier.apology_times")):
        value("dossier.apology_times", D(2018, 6, 20))


def test_a_limit_takes_the_version_of_the_case_date(db):
    new = amend_rule("denunciation.extensions_very_complex", 3, D(2026, 7, 1), citation="Luật 99/2026/QH15, Điều 9")
    assert value("denunciation.extensions_very_complex", D(2026, 6, 30))[0] == 2
    n, rule = value("denunciation.extensions_very_complex", D(2026, 7, 1))
    assert (n, rule) == (3, new) and rule.citation == "Luật 99/2026/QH15, Điều 9"
    assert LegalRule.objects.get(code=rule.code, effective_from=D(2019, 1, 1)).effective_to == D(2026, 6, 30)


def test_a_limit_reads_as_a_sentence_states_it(db):
    assert rule_for("denunciation.extensions_complex", D(2026, 1, 1)).value_text == "một lần"
    assert rule_for("denunciation.extensions_very_complex", D(2026, 1, 1)).value_text == "hai lần"
    assert rule_for("petition.group_signers", D(2026, 1, 1)).value_text == "5 người"
    assert rule_for("dossier.cutoff_hour", D(2026, 1, 1)).value_text == "15 giờ"
    assert rule_for("denunciation.resolve", D(2026, 1, 1)).value_text == "30 ngày"
    assert rule_for("complaint.accept", D(2026, 1, 1)).value_text == "10 ngày làm việc"


def test_a_limit_reads_in_english_in_english(db):
    with translation.override("en"):
        assert rule_for("denunciation.extensions_complex", D(2026, 1, 1)).value_text == "once"
        assert rule_for("denunciation.extensions_very_complex", D(2026, 1, 1)).value_text == "twice"


def test_an_hour_outside_the_day_is_refused(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULE.format(period=24, start="2020-01-01", end="null").replace("working", "hour"), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("x.accept: giờ 24 phải từ 0 đến 23")):
        load_file(path)
    path.write_text(RULE.format(period=14, start="2020-01-01", end="null").replace("working", "hour"), encoding="utf-8")
    assert load_file(path)[0].day_kind == HOUR
