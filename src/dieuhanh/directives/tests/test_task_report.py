"""The report on the implementation of tasks: periods named as documents name them, the figures as
they stood at the period's end, the page and the document, and issuing it into the register."""

from __future__ import annotations

import datetime as dt
import io

import docx as python_docx
import pytest
from django.urls import reverse

from dieuhanh.directives import task_report
from dieuhanh.directives.services import do_cancel_task, do_close_task
from dieuhanh.testing import signed_in


@pytest.mark.parametrize(("kind", "day", "code", "start", "end", "words"), [
    ("week", dt.date(2026, 12, 6), "2026-W49", dt.date(2026, 11, 30), dt.date(2026, 12, 6),
     "tuần 49 (từ ngày 30/11 đến ngày 06/12/2026)"),
    ("week", dt.date(2027, 1, 1), "2026-W53", dt.date(2026, 12, 28), dt.date(2027, 1, 3),
     "tuần 53 (từ ngày 28/12 đến ngày 03/01/2027)"),
    ("month", dt.date(2026, 2, 14), "2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "tháng 2 năm 2026"),
    ("month", dt.date(2028, 2, 29), "2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29), "tháng 2 năm 2028"),
    ("quarter", dt.date(2026, 11, 30), "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "quý IV năm 2026"),
    ("quarter", dt.date(2026, 4, 1), "2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), "quý II năm 2026"),
    ("year", dt.date(2026, 7, 1), "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "năm 2026"),
])
def test_periods_and_their_codes(kind, day, code, start, end, words):
    period = task_report.period_of(kind, day)
    assert (period.code, period.start, period.end, period.words) == (code, start, end, words)
    assert task_report.from_code(code) == period


@pytest.mark.parametrize("code", ["2026-13", "2026-Q5", "2026-W54", "26-01", "2026-1", "abc", ""])
def test_a_bad_period_code_names_no_period(code):
    assert task_report.from_code(code) is None


def test_the_figures_stand_as_at_the_end_of_the_period(world):
    march = task_report.period_of("month", dt.date(2026, 3, 1))
    t = world.task
    before = t(title="Giao từ tháng 1, xong đúng hạn tháng 3", assigned_on=dt.date(2026, 1, 5), due_date=dt.date(2026, 3, 20))
    late = t(title="Giao tháng 2, xong muộn tháng 3", assigned_on=dt.date(2026, 2, 2), due_date=dt.date(2026, 3, 10))
    overdue = t(title="Quá hạn cuối tháng 3", assigned_on=dt.date(2026, 3, 2), due_date=dt.date(2026, 3, 25))
    later = t(title="Xong tháng 4: còn mở trong báo cáo tháng 3", assigned_on=dt.date(2026, 3, 3), due_date=dt.date(2026, 3, 30))
    t(title="Xong tháng 2: không thuộc tháng 3", assigned_on=dt.date(2026, 1, 5), due_date=dt.date(2026, 2, 20))
    gone = t(title="Huỷ tháng 3", assigned_on=dt.date(2026, 2, 2), due_date=dt.date(2026, 5, 1))
    t(title="Giao tháng 4", assigned_on=dt.date(2026, 4, 2), due_date=dt.date(2026, 4, 20))
    coming = t(title="Đến hạn tháng 4", assigned_on=dt.date(2026, 3, 5), due_date=dt.date(2026, 4, 15))
    for task, day in ((before, dt.date(2026, 3, 18)), (late, dt.date(2026, 3, 12)), (later, dt.date(2026, 4, 3))):
        do_close_task(actor=world.office, task=task, completed_on=day, result_summary="Đã xong", evaluation="good")
    from dieuhanh.directives.models import Task

    early = Task.objects.get(title="Xong tháng 2: không thuộc tháng 3")
    do_close_task(actor=world.office, task=early, completed_on=dt.date(2026, 2, 18), result_summary="Xong", evaluation="good")
    do_cancel_task(actor=world.office, task=gone, cancelled_on=dt.date(2026, 3, 15), reason="Không còn phù hợp",
                   deciding_document=world.resolution)
    r = task_report.report(world.ward_a_committee, march, world.office, today=dt.date(2026, 6, 1))
    # in hand in March: before, late, overdue, later, gone, coming (the one done in February and the
    # one given in April are not)
    assert (r.total, r.new, r.done, r.done_on_time, r.cancelled) == (6, 3, 2, 1, 1)
    # open on 31 March: overdue, later (done only in April, due 30 March: overdue then too), coming
    assert (r.open_at_end, r.overdue_at_end) == (3, 2)
    assert [x.pk for x in r.overdue] == [overdue.pk, later.pk]
    assert {x.pk for x in r.coming} == {coming.pk}
    assert r.ident == f"{world.ward_a_committee.pk}/2026-03"
    other = task_report.report(world.ward_b_committee, march, world.office, today=dt.date(2026, 6, 1))
    assert other.total == 0
    own = task_report.report(world.ward_a_committee, march, world.officer_b, today=dt.date(2026, 6, 1))
    assert own.total == 0  # an officer of ward B sees none of ward A's tasks


def test_the_page_and_the_document_and_the_register(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    today = dt.date.today()
    world.task(title="Nhiệm vụ tháng này", assigned_on=today, due_date=today + dt.timedelta(days=3))
    client = signed_in(world.office)
    page = client.get(reverse("directives:task_report"), {"co_quan": world.ward_a_committee.pk, "ky": "month"})
    html = page.content.decode()
    ident = f"{world.ward_a_committee.pk}/{task_report.period_of('month', today).code}"
    assert page.status_code == 200 and f"/giay-to/bao-cao-nhiem-vu/{ident}.docx" in html
    assert "Cấp số, ban hành" in html
    got = client.get(f"/giay-to/bao-cao-nhiem-vu/{ident}.docx")
    text = "\n".join(p.text for p in python_docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "BÁO CÁO" in text and "Kết quả thực hiện nhiệm vụ tháng" in text
    assert signed_in(world.officer_b).get(f"/giay-to/bao-cao-nhiem-vu/{ident}.docx").status_code == 404
    issue_url = reverse("records:outgoing_from_paper")
    form = client.get(issue_url, {"kind": "bao-cao-nhiem-vu", "ident": ident})
    assert form.status_code == 200 and world.ward_a_committee.name in form.content.decode()
    done = client.post(issue_url, {"kind": "bao-cao-nhiem-vu", "ident": ident, "file_format": "docx",
                                   "urgency": "normal", "recipients": "Thường trực HĐND, UBND"})
    from dieuhanh.records.models import OutgoingDocument

    doc = OutgoingDocument.objects.get()
    assert done.status_code == 302 and doc.symbol == "01/BC-UBND" and doc.kind == "BC"
    kept = client.get(reverse("records:outgoing_file", args=[doc.pk]))
    issued = python_docx.Document(io.BytesIO(kept.content))
    cells = "\n".join(c.text for t in issued.tables for row in t.rows for c in row.cells)
    assert "Số: 01/BC-UBND" in cells and f"ngày {today:%d} tháng {today:%m} năm {today.year}" in cells
    assert signed_in(world.officer_a).get(issue_url, {"kind": "bao-cao-nhiem-vu", "ident": ident}).status_code == 403
    assert client.get(issue_url, {"kind": "thong-bao-ket-luan", "ident": "1"}).status_code == 404  # no issuing body declared
