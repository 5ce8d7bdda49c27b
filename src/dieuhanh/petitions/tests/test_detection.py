import datetime as dt
from collections import Counter

import pytest

from dieuhanh.core import calendar
from dieuhanh.core.choices import CalendarExceptionKind
from dieuhanh.petitions import detection, services
from dieuhanh.petitions.detection import THRESHOLD, matter_text, score
from dieuhanh.petitions.models import Petition

RECORDS = detection.load_eval_set()

LAND = matter_text(
    "Khiếu nại phương án bồi thường khi thu hồi đất mở rộng đường Nguyễn Trãi",
    "Gia đình tôi bị thu hồi 86 m² đất tại thửa số 214, tờ bản đồ số 9, khu dân cư Nguyễn Trãi 2. Phương án "
    "bồi thường chỉ tính giá đất nông nghiệp cho 40 m² phía sau nhà, trong khi cả thửa đã được cấp giấy "
    "chứng nhận là đất ở từ năm 1998. Tôi đề nghị UBND phường xem xét lại.",
    "Hội đồng bồi thường phường Sao Đỏ",
)
LAND_NO_DIACRITICS = matter_text(
    "khieu nai boi thuong dat duong Nguyen Trai",
    "Nha toi bi thu hoi 86m2 thua 214 to ban do so 9 lam duong Nguyen Trai nhung 40m2 phia sau chi tinh gia "
    "dat nong nghiep, so do ghi dat o tu 1998. De nghi Uy ban nhan dan phuong tinh lai.",
)
LAND_OTHER_PARCEL = matter_text(
    "Khiếu nại việc không kiểm đếm tài sản trên đất bị thu hồi làm đường Nguyễn Trãi",
    "Khi thu hồi 52 m² đất của gia đình tôi tại thửa số 230 để mở rộng đường Nguyễn Trãi, tổ kiểm đếm bỏ sót "
    "mái tôn và bể nước xây năm 2015. Đề nghị kiểm đếm bổ sung và bồi thường theo quy định.",
    "Hội đồng bồi thường phường Sao Đỏ",
)
ALLOWANCE = matter_text(
    "Kiến nghị chi trả trợ cấp xã hội cho mẹ già",
    "Mẹ tôi sinh năm 1942, không có lương hưu, đã nộp hồ sơ hưởng trợ cấp xã hội cho người cao tuổi từ tháng 3 "
    "nhưng chưa được nhận. Đề nghị phường chi trả truy lĩnh.",
)


def test_the_evaluation_set_is_large_varied_and_consistent():
    ids = [r["id"] for r in RECORDS]
    assert len(ids) >= 220 and len(set(ids)) == len(ids)
    by_id = {r["id"]: r for r in RECORDS}
    groups = Counter(r["same_as"] for r in RECORDS if r.get("same_as"))
    assert len(groups) >= 60
    for r in RECORDS:
        assert r["content"] and r["subject"] and r["respondent"] and isinstance(r["received_on"], dt.date)
        if r.get("same_as"):
            first = by_id[r["same_as"]]
            assert first["unit"] == r["unit"] and not first.get("same_as") and first["received_on"] <= r["received_on"]
    tags = Counter(r.get("tag") for r in RECORDS)
    for hard in ("no_diacritics", "name_typo", "paraphrase", "reordered", "added_details", "abbreviations",
                 "same_petitioner", "same_matter_type", "same_street"):
        assert tags[hard] >= 5, hard
    assert len({r["unit"] for r in RECORDS}) >= 11


def test_precision_and_recall_on_the_evaluation_set_are_at_least_0_9():
    precision, recall, f1, tp, fp, fn = detection.evaluate(RECORDS)
    assert precision >= 0.9 and recall >= 0.9
    assert tp + fn == 98 and precision == tp / (tp + fp)  # 98 repeated pairs in the set
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))


@pytest.mark.parametrize("delta", [-0.05, 0.05])
def test_the_threshold_is_not_on_a_knife_edge(delta):
    precision, recall, *_ = detection.evaluate(RECORDS, threshold=THRESHOLD + delta)
    assert precision >= 0.9 and recall >= 0.9


def test_a_repeat_typed_without_diacritics_matches():
    assert score(LAND, "Nguyễn Văn Hùng", LAND_NO_DIACRITICS, "Nguyen Van Hung") >= THRESHOLD


@pytest.mark.parametrize("name", ["Nguyễn Văn Hưng", "Nguyễn Văn Hùnh", "Nguyễn V. Hùng", "Ông Nguyễn Văn Hùng",
                                  "NGUYEN VAN HUNG"])
def test_a_misspelt_or_abbreviated_name_still_matches(name):
    assert detection.name_similarity("Nguyễn Văn Hùng", name) >= 0.85
    assert score(LAND, "Nguyễn Văn Hùng", LAND_NO_DIACRITICS, name) >= THRESHOLD


def test_the_same_person_with_another_matter_is_not_a_repeat():
    assert score(LAND, "Nguyễn Văn Hùng", ALLOWANCE, "Nguyễn Văn Hùng") < THRESHOLD


def test_another_person_with_the_same_kind_of_matter_is_not_a_repeat():
    assert detection.name_similarity("Nguyễn Văn Hùng", "Nguyễn Văn Hải") < 0.6
    assert score(LAND, "Nguyễn Văn Hùng", LAND_OTHER_PARCEL, "Nguyễn Văn Hải") < THRESHOLD


def test_without_a_name_the_wording_alone_decides():
    assert detection.name_similarity("", "Nguyễn Văn Hùng") is None
    wording = detection.reference_model().similarity(LAND, LAND_NO_DIACRITICS)
    assert score(LAND, "", LAND_NO_DIACRITICS, "Nguyễn Văn Hùng") == pytest.approx(wording)


def test_names_are_read_without_honorifics_and_with_initials():
    assert detection.name_parts("Ông Kiều Văn Nhật") == ("kieu", "v", "nhat")
    assert detection.name_parts("Lê V. Tứ") == ("le", "v", "tu")
    assert detection.name_parts("Nguyễn Thị Thu Hằng") == ("nguyen", "tt", "hang")
    assert detection.name_parts("Bà Lan") == ("ba", "", "lan")  # too short to drop anything
    assert detection.name_parts("") == ("", "", "")


def test_abbreviations_and_numbers_are_normalised():
    assert detection.tokens("UBND P. Sao Đỏ, QĐ 45/QĐ-XPHC") == detection.tokens(
        "Uỷ ban nhân dân phường Sao Đỏ, quyết định 45/quyết định-xử phạt hành chính")
    assert detection.tokens("1.500.000 đồng") == ["1500000", "dong"]
    assert detection.tokens("1,5 triệu") == ["1", "5", "trieu"]


# --- In the database: flag_new and the sweep ------------------------------------------------------


KHIEU_NO_DIACRITICS = (
    "Toi khieu nai Quyet dinh thu hoi dat so 12/QD-UBND vi chua boi thuong dung dien tich dat cua gia dinh."
)


def test_flag_new_marks_a_repeat_typed_without_diacritics(world):
    first = world.petition(received_on=dt.date(2026, 3, 2))
    repeat = world.petition(received_on=dt.date(2026, 3, 20), subject="khieu nai quyet dinh thu hoi dat",
                            content=KHIEU_NO_DIACRITICS, channel="online",
                            identity={"name": "Nguyen Van Khieu", "address": "To dan pho 3"})
    assert repeat.duplicate_of_id == first.pk
    assert repeat.duplicate_score >= THRESHOLD
    assert f"Trùng nội dung với đơn số {first.number}" in repeat.flag_notes


def test_flag_new_does_not_mark_the_same_person_raising_another_matter(world):
    world.petition(received_on=dt.date(2026, 3, 2))
    other = world.petition(received_on=dt.date(2026, 3, 20), kind="recommendation", field="policy",
                           subject="Đề nghị chi trả trợ cấp người cao tuổi cho mẹ",
                           content="Mẹ tôi 82 tuổi đã nộp hồ sơ trợ cấp xã hội từ tháng 1 nhưng chưa được nhận tiền.")
    assert other.duplicate_of_id is None and other.duplicate_score is None and other.flag_notes == ""


def test_flag_new_compares_only_within_the_matters_unit_and_its_lineage(world):
    world.petition(unit=world.ward_b, received_on=dt.date(2026, 3, 2), actor=world.reception_b)
    elsewhere = world.petition(received_on=dt.date(2026, 3, 20))
    assert elsewhere.duplicate_of_id is None  # the same words in ward B are another matter
    # Recorded under phường Sao Đỏ before the 2025 reform, raised again in phường Chu Văn An after it.
    old = world.petition(actor=world.admin, unit=world.ward_a_old, received_on=dt.date(2025, 5, 12),
                         subject="Khiếu nại việc cấp giấy chứng nhận chồng lấn",
                         content="Giấy chứng nhận cấp cho hộ ông Lại Văn Quân lấn sang thửa số 57 của gia đình tôi.",
                         identity={"name": "Trương Thị Phương"})
    again = world.petition(received_on=dt.date(2025, 9, 8), subject="Khieu nai so do chong lan",
                           content="So do cap cho ho ong Lai Van Quan lan sang thua so 57 cua gia dinh toi.",
                           identity={"name": "Truong Thi Phuong"})
    assert again.duplicate_of_id == old.pk


def test_flag_new_looks_back_two_years_only(world):
    world.petition(received_on=dt.date(2023, 9, 1))
    later = world.petition(received_on=dt.date(2026, 3, 2))
    assert later.duplicate_of_id is None


def test_an_anonymous_repeat_needs_closer_wording(world):
    first = world.petition(received_on=dt.date(2026, 3, 2))
    same_words = world.petition(received_on=dt.date(2026, 3, 9), is_anonymous=True, identity={},
                                kind="feedback", subject=first.subject, content=first.content)
    assert same_words.duplicate_of_id == first.pk
    loose = world.petition(received_on=dt.date(2026, 3, 10), is_anonymous=True, identity={}, kind="feedback",
                           subject="Phản ánh về đất", content="Có người bị thu hồi đất chưa được bồi thường thoả đáng.")
    assert loose.duplicate_of_id is None


def test_the_sweep_flags_and_clears_prolonged_petitions_and_counts(world):
    waiting = world.petition(received_on=dt.date(2026, 3, 2))  # acceptance due Mon 16/3
    accepted = world.petition(received_on=dt.date(2026, 3, 2), subject="Khiếu nại khác",
                              content="Khiếu nại việc cấp phép xây dựng cho hộ liền kề.",
                              identity={"name": "Phạm Thị Khác"})
    services.do_accept(actor=world.reception_a, petition=accepted, on=dt.date(2026, 3, 3))  # resolve due 2/4
    seen = []
    result = detection.run_sweep(dt.date(2026, 3, 17), progress=lambda done, total: seen.append((done, total)))
    assert (result.checked, result.open, result.overdue, result.prolonged) == (2, 2, 1, 1)
    assert (result.flagged, result.cleared, result.stale) == (1, 0, 0)
    assert seen[-1] == (2, 2)
    assert set(Petition.objects.filter(is_prolonged=True).values_list("pk", flat=True)) == {waiting.pk}
    assert detection.sweep(dt.date(2026, 3, 17)) == 0  # nothing left to change
    result = detection.run_sweep(dt.date(2026, 4, 3))
    assert (result.prolonged, result.flagged) == (2, 1)
    result = detection.run_sweep(dt.date(2026, 3, 1))  # a day before: nothing is late
    assert (result.prolonged, result.cleared, result.overdue) == (0, 2, 0)
    for p in Petition.objects.all():
        assert p.is_prolonged == detection.is_prolonged(p, dt.date(2026, 3, 1))


def test_the_sweep_counts_deadlines_a_new_day_off_has_made_stale(world):
    world.petition(received_on=dt.date(2026, 3, 2))  # acceptance due Mon 16/3
    assert detection.run_sweep(dt.date(2026, 3, 5)).stale == 0
    calendar.do_add_calendar_exception(date=dt.date(2026, 3, 10), kind=CalendarExceptionKind.DAY_OFF,
                                       document_number="99/TB-TEST", actor=world.admin)
    assert detection.run_sweep(dt.date(2026, 3, 5)).stale == 1


# --- The command line -----------------------------------------------------------------------------


def test_the_dedup_eval_command_prints_the_evaluation():
    from typer.testing import CliRunner

    from dieuhanh.cli import app

    result = CliRunner().invoke(app, ["petitions", "dedup-eval"])
    precision, recall, f1, *_ = detection.evaluate(RECORDS)
    assert result.exit_code == 0, result.output
    assert "260 đơn, 13 đơn vị, 2.470 cặp cùng đơn vị, 98 cặp trùng" in result.output
    assert f"{precision:.3f}" in result.output and f"{recall:.3f}" in result.output and f"{f1:.3f}" in result.output
    low = CliRunner().invoke(app, ["petitions", "dedup-eval", "--threshold", "0.3", "--errors"])
    assert low.exit_code == 0 and "báo nhầm" in low.output


def test_the_dedup_eval_command_refuses_a_malformed_file(tmp_path):
    from typer.testing import CliRunner

    from dieuhanh.cli import app

    bad = tmp_path / "don.yaml"
    bad.write_text("- id: a\n  unit: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["petitions", "dedup-eval", "--file", str(bad)])
    assert result.exit_code == 1 and "không đúng dạng" in result.output


def test_the_sweep_command_reports_and_flags(world):
    from typer.testing import CliRunner

    from dieuhanh.cli import app

    p = world.petition(received_on=dt.date(2026, 3, 2))
    result = CliRunner().invoke(app, ["petitions", "sweep", "--today", "2026-03-17"])
    assert result.exit_code == 0, result.output
    assert "Đã rà soát 1 đơn, 1 đơn đang giải quyết: quá hạn 1, kéo dài 1 (mới đánh dấu 1, bỏ đánh dấu 0)." in (
        " ".join(result.output.split()))
    assert Petition.objects.get(pk=p.pk).is_prolonged
    wrong = CliRunner().invoke(app, ["petitions", "sweep", "--today", "17/03/2026"])
    assert wrong.exit_code == 2 and "ngày không hợp lệ" in wrong.output
