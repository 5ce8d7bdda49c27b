"""Import of one-stop exports and of the procedures catalogue: every kind of bad row reported with
its row, column and reason while the good rows load; re-import adds nothing; a newer export
updates only what changed and keeps the status history; appointment dates computed from the
calendar; a unit code reused across the 2025 reform resolves by the receipt date; mapping and
English aliases; .csv and .xlsx; who may import. Dates worked out by hand: 2025 has no holiday
in July; 1 and 2 September 2025 (National Day) are off."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dieuhanh.core.models import AuditEvent
from dieuhanh.dossiers import importer, jobs
from dieuhanh.dossiers.choices import EventKind, JobKind, JobState, Source, Status, Timeliness
from dieuhanh.dossiers.importer import ImportRefused, import_file
from dieuhanh.dossiers.models import Dossier, DossierEvent, ImportJob, Procedure

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"
HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Đơn vị tiếp nhận (mã)", "Kênh tiếp nhận", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả", "Trạng thái", "Người nộp"]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    return settings.DATA_DIR


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(code: str, received: str, *, proc: str = "1.001193", unit: str = "10549", channel: str = "Trực tiếp",
        due: str = "", result: str = "", returned: str = "", status: str = "Đang xử lý",
        name: str = "Nguyễn Văn Nhập") -> list[str]:
    return [code, proc, "Đăng ký khai sinh", unit, channel, received, due, result, returned, status, name]


def errors_of(result) -> list[dict[str, str]]:
    with open(result.errors_path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_it_reports_every_kind_of_bad_row_and_loads_the_good_ones(world, tmp_path):
    world.procedure()
    native = world.dossier()
    rows = [
        row("HS-01", "07/07/2025 08:30", result="11/07/2025", returned="14/07/2025", status="Đã trả kết quả"),  # 2
        row("HS-02", "20/06/2025", due="27/06/2025"),  # 3
        row("HS-03", "08/07/2025", proc="9.999999"),  # 4 unknown procedure
        row("HS-04", "08/07/2025", unit="99999"),  # 5 unknown unit
        row("HS-05", "08/07/2025", unit="290"),  # 6 the old city, gone on 1/7/2025
        row("HS-06", "10/07/2025", result="09/07/2025", status="Đã có kết quả"),  # 7 result before receipt
        row("HS-07", "10/07/2025", result="14/07/2025", returned="11/07/2025"),  # 8 returned before result
        row("HS-08", "31/02/2026"),  # 9 no such day
        row("HS-09", "hôm qua"),  # 10 unreadable date
        row("HS-10", "10/07/2025", result=(timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")),  # 11
        row("HS-01", "07/07/2025"),  # 12 duplicate of row 2
        row("", "07/07/2025"),  # 13 missing code
        row("HS-13", "07/07/2025", channel="Fax"),  # 14 unreadable channel
        row("HS-14", "07/07/2025", status="Đang chờ phê duyệt"),  # 15 unreadable status
        row(native.code, "07/07/2025"),  # 16 received here: not overwritten
        ["", "", "", "", "", "", "", "", "", "", ""],  # 17 an empty line is skipped silently
        row("HS-16", "", unit="10546"),  # 18 missing receipt date
    ]
    result = import_file(write_csv(tmp_path / "ho-so.csv", rows))
    assert (result.total, result.created, result.updated, result.unchanged, result.bad) == (16, 2, 0, 0, 14)
    errors = errors_of(result)
    found = {(e["Dòng"], e["Cột"]): e for e in errors}
    expect = {
        ("4", "Mã thủ tục"): "không có trong danh mục",
        ("5", "Đơn vị tiếp nhận (mã)"): "Không có đơn vị hành chính mã 99999",
        ("6", "Đơn vị tiếp nhận (mã)"): "không tồn tại vào ngày tiếp nhận 08/07/2025",
        ("7", "Ngày có kết quả"): "trước ngày tiếp nhận 10/07/2025",
        ("8", "Ngày trả kết quả"): "trước ngày có kết quả 14/07/2025",
        ("9", "Ngày tiếp nhận"): "không có trên lịch",
        ("10", "Ngày tiếp nhận"): "Không đọc được ngày",
        ("11", "Ngày có kết quả"): "ở tương lai",
        ("12", "Mã hồ sơ"): "trùng với dòng 2",
        ("13", "Mã hồ sơ"): "Thiếu mã hồ sơ",
        ("14", "Kênh tiếp nhận"): "Không hiểu kênh tiếp nhận «Fax»",
        ("15", "Trạng thái"): "Không hiểu trạng thái",
        ("16", "Mã hồ sơ"): "tiếp nhận trên Điều Hành, không ghi đè",
        ("18", "Ngày tiếp nhận"): "Thiếu ngày tiếp nhận",
    }
    for key, reason in expect.items():
        assert key in found, f"no error reported for row {key}"
        assert reason in found[key]["Lỗi"], found[key]
    assert found[("9", "Ngày tiếp nhận")]["Giá trị"] == "31/02/2026"
    assert {e["Dòng"] for e in errors} == {k[0] for k in expect}
    # the good rows are there, as exported
    d1 = Dossier.objects.get(code="HS-01")
    assert (d1.unit, d1.status, d1.source, d1.channel) == (world.ward_a, Status.RETURNED, Source.IMPORT, "desk")
    assert d1.received_on == dt.date(2025, 7, 7)
    assert timezone.localtime(d1.received_at).strftime("%d/%m/%Y %H:%M") == "07/07/2025 08:30"
    assert (d1.due_on, d1.due_computed) == (dt.date(2025, 7, 14), True)  # Mon 7/7 + 5 working days
    assert (d1.result_on, d1.returned_on, d1.timeliness) == (dt.date(2025, 7, 11), dt.date(2025, 7, 14), Timeliness.EARLY)
    assert d1.search == "hs-01 nguyen van nhap"
    assert d1.import_job_id == result.job_id
    native.refresh_from_db()
    assert native.source == Source.NATIVE and native.status == Status.RECEIVED
    job = ImportJob.objects.get(pk=result.job_id)
    assert (job.state, job.processed_rows, job.created_rows, job.bad_rows) == (JobState.DONE, 16, 2, 14)
    assert job.errors_path == result.errors_path
    # one audit event for the job, not one per row
    events = AuditEvent.objects.filter(action="import")
    assert events.count() == 1
    assert events.get().after["created"] == 2 and len(events.get().after["sha256"]) == 64


def test_reimport_adds_nothing_and_a_newer_export_updates_only_what_changed(world, tmp_path):
    world.procedure()
    first = [
        row("HS-1", "07/07/2025", status="Đang xử lý"),
        row("HS-2", "08/07/2025", status="Mới tiếp nhận"),
        row("HS-3", "09/07/2025", result="15/07/2025", status="Đã có kết quả"),
    ]
    r1 = import_file(write_csv(tmp_path / "ngay-1.csv", first))
    assert (r1.created, r1.updated, r1.unchanged) == (3, 0, 0)
    r2 = import_file(write_csv(tmp_path / "ngay-1-lai.csv", first))
    assert (r2.created, r2.updated, r2.unchanged, r2.bad) == (0, 0, 3, 0)
    assert Dossier.objects.count() == 3
    assert not DossierEvent.objects.exists()

    newer = [
        row("HS-1", "07/07/2025", result="15/07/2025", status="Đã có kết quả"),  # now has a result: late
        row("HS-2", "08/07/2025", status="Mới tiếp nhận"),  # unchanged
        row("HS-3", "09/07/2025", result="15/07/2025", returned="16/07/2025", status="Đã trả kết quả"),
        row("HS-4", "10/07/2025"),  # new
    ]
    r3 = import_file(write_csv(tmp_path / "ngay-2.csv", newer))
    assert (r3.created, r3.updated, r3.unchanged, r3.bad) == (1, 2, 1, 0)
    d1, d2, d3 = (Dossier.objects.get(code=c) for c in ("HS-1", "HS-2", "HS-3"))
    assert (d1.status, d1.timeliness) == (Status.DONE, Timeliness.LATE)  # due Mon 14/7, result Tue 15/7
    assert d1.import_job_id == r3.job_id and d3.import_job_id == r3.job_id
    assert d2.import_job_id == r1.job_id  # untouched
    history = list(DossierEvent.objects.filter(dossier=d1).values_list("kind", "from_status", "to_status", "job_id"))
    assert history == [(EventKind.IMPORT, Status.PROCESSING, Status.DONE, r3.job_id)]
    assert list(DossierEvent.objects.filter(dossier=d3).values_list("from_status", "to_status")) == [
        (Status.DONE, Status.RETURNED)
    ]
    # and a third run of the newer file changes nothing and adds no history
    r4 = import_file(write_csv(tmp_path / "ngay-2-lai.csv", newer))
    assert (r4.created, r4.updated, r4.unchanged) == (0, 0, 4)
    assert DossierEvent.objects.count() == 2


def test_missing_appointment_is_computed_from_the_calendar(world, tmp_path):
    world.procedure(processing_days=5)
    world.procedure(code="1.009994", name="Cấp giấy phép xây dựng", processing_days=15)
    rows = [
        # Thu 28/8/2025 + 5 working days: Fri 29/8; Mon 1/9 and Tue 2/9 are National Day off;
        # Wed 3/9, Thu 4/9, Fri 5/9, Mon 8/9.
        row("HS-A", "28/08/2025"),
        # Mon 3/8/2026 + 15 working days: 4–7/8 (4), 10–14/8 (9), 17–21/8 (14), and Saturday
        # 22/8/2026, worked in exchange for Monday 31/8 (the announced National Day swap): 15.
        row("HS-B", "03/08/2026 14:00", proc="1.009994"),
        row("HS-C", "28/08/2025", due="29/08/2025"),  # the export's own date is kept as given
    ]
    import_file(write_csv(tmp_path / "hen.csv", rows))
    a, b, c = (Dossier.objects.get(code=x) for x in ("HS-A", "HS-B", "HS-C"))
    assert (a.due_on, a.due_computed) == (dt.date(2025, 9, 8), True)
    assert (b.due_on, b.due_computed) == (dt.date(2026, 8, 22), True)
    assert (c.due_on, c.due_computed) == (dt.date(2025, 8, 29), False)


def test_a_computed_appointment_of_an_online_dossier_counts_from_the_next_working_day(world, tmp_path):
    """Decree 45/2020: an online dossier sent on a day off or after office hours (17:00) counts
    from the next working day — in an import exactly as at the desk (`services.appointment`).
    Three working days; Tết 2026 is 14–22/2, work resumes Mon 23/2."""
    world.procedure(processing_days=3)
    rows = [
        row("ON-TET", "14/02/2026 10:00", channel="Trực tuyến", status="Đã có kết quả", result="26/02/2026"),
        row("ON-TET2", "16/02/2026", channel="Trực tuyến"),
        row("ON-LATE", "10/03/2026 17:30", channel="Trực tuyến"),  # counts from Wed 11/3: 12, 13, 16/3
        row("ON-DAY", "10/03/2026 09:15", channel="Trực tuyến"),  # 11, 12, 13/3
        row("DESK-LATE", "10/03/2026 17:30"),  # at the desk: 11, 12, 13/3
    ]
    result = import_file(write_csv(tmp_path / "truc-tuyen.csv", rows))
    assert result.bad == 0
    due = dict(Dossier.objects.values_list("code", "due_on"))
    assert due == {"ON-TET": dt.date(2026, 2, 26), "ON-TET2": dt.date(2026, 2, 26), "ON-LATE": dt.date(2026, 3, 16),
                   "ON-DAY": dt.date(2026, 3, 13), "DESK-LATE": dt.date(2026, 3, 13)}
    assert Dossier.objects.get(code="ON-TET").timeliness == Timeliness.ON_TIME  # not one day late


def test_ward_code_reused_across_the_reform_resolves_by_date(world, tmp_path):
    world.procedure()
    rows = [row("HS-CU", "30/06/2025"), row("HS-MOI", "01/07/2025")]
    import_file(write_csv(tmp_path / "cai-cach.csv", rows))
    assert Dossier.objects.get(code="HS-CU").unit == world.ward_a_old  # phường Sao Đỏ, 10549 until 30/6/2025
    assert Dossier.objects.get(code="HS-MOI").unit == world.ward_a  # phường Chu Văn An, 10549 from 1/7/2025


def test_missing_required_columns_refuse_the_whole_file(world, tmp_path):
    world.procedure()
    header = [h for h in HEADER if h not in ("Kênh tiếp nhận", "Ngày hẹn trả")]
    path = write_csv(tmp_path / "thieu-cot.csv", [[c for i, c in enumerate(row("HS-1", "07/07/2025")) if i not in (4, 6)]],
                     header=header)
    with pytest.raises(ImportRefused) as exc:
        import_file(path)
    assert "«Kênh tiếp nhận»" in str(exc.value) and "«Ngày hẹn trả»" in str(exc.value)
    assert not Dossier.objects.exists()
    job = ImportJob.objects.get()
    assert job.state == JobState.REFUSED and "Kênh tiếp nhận" in job.message


def test_mapping_names_other_columns(world, tmp_path):
    world.procedure()
    header = ["Số biên nhận", *HEADER[1:5], "Ngày nộp", *HEADER[6:]]
    path = write_csv(tmp_path / "khac-ten.csv", [row("HS-M", "07/07/2025")], header=header, delimiter=";")
    with pytest.raises(ImportRefused, match=r"«Mã hồ sơ».*«Ngày tiếp nhận»"):
        import_file(path)
    result = import_file(path, mapping=["Số biên nhận=code", "Ngày nộp=Ngày tiếp nhận"])
    assert result.created == 1
    assert Dossier.objects.get(code="HS-M").received_on == dt.date(2025, 7, 7)
    with pytest.raises(ImportRefused, match="không có trường «ma gi do»"):
        import_file(path, mapping=["Số biên nhận=ma gi do"])


def test_english_aliases_and_headers_without_diacritics(world, tmp_path):
    world.procedure()
    header = ["Dossier code", "Procedure code", "Procedure name", "Unit code", "Channel", "Received on", "Due date",
              "Result date", "Returned on", "Status", "Applicant"]
    path = write_csv(tmp_path / "english.csv", [row("HS-E", "2025-07-07 09:15", channel="online", status="processing")],
                     header=header)
    assert import_file(path).created == 1
    d = Dossier.objects.get(code="HS-E")
    assert (d.channel, d.status, d.received_on) == ("online", Status.PROCESSING, dt.date(2025, 7, 7))
    plain = [" MA HO SO ", "ma thu tuc", "ten thu tuc", "don vi tiep nhan (ma)", "kenh tiep nhan", "ngay tiep nhan",
             "ngay hen tra", "ngay co ket qua", "ngay tra ket qua", "trang thai", "nguoi nop"]
    path = write_csv(tmp_path / "khong-dau.csv", [row("HS-K", "07/07/2025", channel="BCCI")], header=plain)
    assert import_file(path).created == 1
    assert Dossier.objects.get(code="HS-K").channel == "post"


def test_example_files_load_the_same_from_csv_and_xlsx(world, tmp_path):
    procedures = import_file(shutil.copy(EXAMPLES / "thu-tuc-mau.csv", tmp_path), kind=JobKind.PROCEDURES)
    assert (procedures.created, procedures.bad) == (6, 1)
    from_csv = import_file(shutil.copy(EXAMPLES / "ho-so-mau.csv", tmp_path))
    assert (from_csv.total, from_csv.created, from_csv.bad) == (32, 22, 10)
    csv_rows = {(int(e["Dòng"]), e["Cột"]) for e in errors_of(from_csv)}
    snapshot = {d.code: (d.unit_id, d.status, d.received_on, d.received_at, d.due_on, d.result_on, d.returned_on)
                for d in Dossier.objects.all()}
    # The xlsx holds the same rows below a two-line title, with real date cells: row numbers are
    # the spreadsheet's, and nothing changes.
    from_xlsx = import_file(shutil.copy(EXAMPLES / "ho-so-mau.xlsx", tmp_path))
    assert (from_xlsx.total, from_xlsx.created, from_xlsx.updated, from_xlsx.unchanged, from_xlsx.bad) == (32, 0, 0, 22, 10)
    assert {(int(e["Dòng"]) - 2, e["Cột"]) for e in errors_of(from_xlsx)} == csv_rows
    assert snapshot == {d.code: (d.unit_id, d.status, d.received_on, d.received_at, d.due_on, d.result_on,
                                 d.returned_on) for d in Dossier.objects.all()}
    sent = Dossier.objects.get(code="000.00.26.H26-250815-0005")
    assert (sent.apology_on, sent.new_due_on, sent.current_body) == (dt.date(2025, 8, 28), dt.date(2025, 9, 19),
                                                                     "Sở Xây dựng")
    assert Dossier.objects.get(code="000.00.25.H26-250512-0001").unit == world.ward_a_old
    assert Dossier.objects.get(code="000.00.26.H26-250707-0004").unit == world.ward_a


def test_xlsx_with_dates_as_cells(world, tmp_path):
    world.procedure()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["HS-X", "1.001193", "Đăng ký khai sinh", 10549, "Trực tuyến", dt.datetime(2025, 7, 7, 14, 30),
               None, dt.date(2025, 7, 14), None, "Có kết quả", "Lê Thị Ô"])
    wb.save(tmp_path / "o.xlsx")
    result = import_file(tmp_path / "o.xlsx")
    assert (result.created, result.bad) == (1, 0)
    d = Dossier.objects.get(code="HS-X")
    assert (d.unit, d.due_on, d.timeliness, d.status) == (world.ward_a, dt.date(2025, 7, 14), Timeliness.ON_TIME,
                                                          Status.DONE)
    assert timezone.localtime(d.received_at).hour == 14


def test_procedures_import(world, tmp_path):
    path = shutil.copy(EXAMPLES / "thu-tuc-mau.csv", tmp_path)
    result = import_file(path, kind=JobKind.PROCEDURES, actor=world.admin)
    assert (result.total, result.created, result.bad) == (7, 6, 1)
    errors = errors_of(result)
    assert {e["Cột"] for e in errors} == {"Cấp thực hiện", "Thời hạn giải quyết (ngày làm việc)"}
    assert all(e["Dòng"] == "8" for e in errors)
    cert = Procedure.objects.get(code="2.000815")
    assert (cert.fee_vnd, cert.fee_note[:16], cert.postal_return, cert.online_type) == (
        None, "2.000 đồng/trang", True, "full")
    shop = Procedure.objects.get(code="1.001612")
    assert (shop.fee_vnd, shop.processing_days, shop.online_type, shop.level) == (None, 3, "full", "commune")
    assert Procedure.objects.get(code="1.013831").level == "province"
    marriage = Procedure.objects.get(code="1.000894")
    assert (marriage.fee_vnd, marriage.postal_return, marriage.online_type) == (0, False, "partial")
    assert Procedure.objects.get(code="1.001193").fee_vnd == 0
    again = import_file(path, kind=JobKind.PROCEDURES, actor=world.admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    # Fees written as an amount of đồng, with or without the word, or per page.
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    fees = write_csv(tmp_path / "phi.csv", [
        ["9.000001", "Thủ tục A", "Thử", "Cấp xã", "3", "Toàn trình", "100.000 đồng", "Có", ""],
        ["9.000002", "Thủ tục B", "Thử", "Cấp xã", "3", "Không", "75.000", "Không", ""],
        ["9.000003", "Thủ tục C", "Thử", "Cấp xã", "1", "Không", "2.000 đồng/trang", "Không", ""],
    ], header=header)
    assert import_file(fees, kind=JobKind.PROCEDURES, actor=world.admin).created == 3
    assert {p.code: (p.fee_vnd, p.fee_note, p.online_type) for p in Procedure.objects.filter(code__startswith="9.")} == {
        "9.000001": (100_000, "", "full"), "9.000002": (75_000, "", "none"), "9.000003": (None, "2.000 đồng/trang", "none")}


def test_who_may_import(world, tmp_path):
    world.procedure()
    path = write_csv(tmp_path / "quyen.csv", [row("HS-A1", "07/07/2025"), row("HS-B1", "07/07/2025", unit="10546")])
    for user in (world.outsider, world.officer_a):
        with pytest.raises(PermissionDenied):
            import_file(path, actor=user)
    with pytest.raises(PermissionDenied):
        import_file(path, kind=JobKind.PROCEDURES, actor=world.onestop_a)
    assert not Dossier.objects.exists()
    # a ward's one-stop officer loads its own ward's rows; the other ward's are reported
    result = import_file(path, actor=world.onestop_a)
    assert (result.created, result.bad) == (1, 1)
    assert "không có quyền nhập hồ sơ của Phường Chí Linh" in errors_of(result)[0]["Lỗi"]
    assert import_file(path, actor=world.admin).created == 1


def test_web_job_runs_the_file_and_keeps_its_error_file(world, tmp_path, data_dir):
    world.procedure()
    content = write_csv(tmp_path / "web.csv", [row("HS-W1", "07/07/2025"), row("HS-W2", "07/07/2025", proc="0.0")])
    upload = SimpleUploadedFile("Hồ sơ tháng 7.csv", content.read_bytes(), content_type="text/csv")
    job = jobs.submit(upload, kind=JobKind.DOSSIERS, actor=world.onestop_a, background=False)
    assert (job.state, job.created_rows, job.bad_rows, job.created_by) == (JobState.DONE, 1, 1, world.onestop_a)
    assert Path(job.file_path).parent == data_dir / "imports" / str(job.pk)
    assert job.original_name == "Hồ sơ tháng 7.csv"
    errors = jobs.errors_file(job)
    assert errors is not None and errors.parent == Path(job.file_path).parent
    assert "0.0" in errors.read_text(encoding="utf-8-sig")
    with pytest.raises(PermissionDenied):
        jobs.submit(upload, kind=JobKind.DOSSIERS, actor=world.outsider, background=False)
    refused = jobs.submit(SimpleUploadedFile("x.csv", b"a,b\n1,2\n"), actor=world.onestop_a, background=False)
    assert refused.state == JobState.REFUSED and "thiếu cột bắt buộc" in refused.message


def test_a_job_whose_heartbeat_stopped_is_interrupted_and_runs_again(world, tmp_path):
    world.procedure()
    path = write_csv(tmp_path / "ngat.csv", [row(f"HS-{i}", "07/07/2025") for i in range(5)])
    job = jobs.submit(path, actor=world.admin, background=False)
    assert job.state == JobState.DONE
    # as a killed process leaves it: RUNNING, heartbeat no longer moving
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, heartbeat_at=timezone.now())
    job.refresh_from_db()
    assert jobs.state_of(job) == JobState.RUNNING
    later = timezone.now() + jobs.STALE_AFTER + dt.timedelta(seconds=1)
    assert jobs.state_of(job, now=later) == JobState.INTERRUPTED
    assert jobs.refresh_stale(now=later) == 1
    job.refresh_from_db()
    assert job.state == JobState.INTERRUPTED
    job = jobs.resume(job, actor=world.admin, background=False)
    assert (job.state, job.created_rows, job.unchanged_rows) == (JobState.DONE, 0, 5)
    assert Dossier.objects.count() == 5
    with pytest.raises(ValueError, match="Chỉ chạy lại"):
        jobs.resume(job, background=False)


def test_cli_import_prints_counts_and_exits_0_with_bad_rows(world, tmp_path):
    from typer.testing import CliRunner

    from dieuhanh.cli import app

    world.procedure()
    path = write_csv(tmp_path / "cli.csv", [row("HS-C1", "07/07/2025"), row("HS-C2", "07/07/2025", unit="1")])
    out = CliRunner().invoke(app, ["import", "dossiers", str(path), "--batch", "100"])
    assert out.exit_code == 0, out.output
    assert "thêm mới 1" in out.output and "dòng lỗi 1" in out.output and "loi-nhap-" in out.output
    bad = write_csv(tmp_path / "xau.csv", [["1"]], header=["Cột lạ"])
    out = CliRunner().invoke(app, ["import", "dossiers", str(bad)])
    assert out.exit_code == 2 and "thiếu cột bắt buộc" in out.output


def test_check_may_import_without_actor_is_the_operator():
    importer.check_may_import(None, JobKind.PROCEDURES)
    importer.check_may_import(None, JobKind.DOSSIERS)


def test_fast_fold_is_fold():
    import random

    from dieuhanh.dossiers.importer import fast_fold
    from dieuhanh.lib.text import fold

    rng = random.Random(7)
    pool = [chr(c) for c in (*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), 0x4E2D, 0x3000)]
    pool += [" ", "\t", "\n", "Đ", "đ", "ệ", "Ư"]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        assert fast_fold(text) == fold(text), repr(text)
    assert fast_fold("  ĐẶNG  thị   Ánh ") == "dang thi anh"


def test_column_reading_and_row_reading_agree(world, tmp_path):
    """The batch reader takes good rows column by column and sends the others to the row-by-row
    reader; both must produce the same row for the same input."""
    from dieuhanh.dossiers import columns as cols

    import_file(shutil.copy(EXAMPLES / "thu-tuc-mau.csv", tmp_path), kind=JobKind.PROCEDURES)
    with open(EXAMPLES / "ho-so-mau.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    batch = list(enumerate(rows[1:], start=2))
    job = ImportJob.objects.create(file_path="x", original_name="x")

    def reader() -> importer._DossierImport:
        errors = importer._Errors(tmp_path / f"errors-{id(batch)}.csv", "Mã hồ sơ")
        return importer._DossierImport(job, cols.match(rows[0]), None, errors)

    by_columns, bad_c, now = reader().parse(batch)
    by_rows, bad_r = reader()._parse_rows(batch, {30: 2}, now)
    assert bad_c == bad_r == 10
    assert len(by_columns) == 22
    assert sorted(by_columns) == sorted(by_rows)


def test_codes_seen_before_are_found_across_batches_and_widths():
    seen = importer._SeenCodes()
    assert seen.add(["A-1", "A-2", "", "A-1"], [2, 3, 4, 5]) == {3: 2}
    assert seen.add(["B-10", "A-2", "Hồ-sơ-1"], [6, 7, 8]) == {1: 3}
    for start in range(9, 200, 10):  # many batches: runs are merged as they grow
        codes = [f"C-{start + k}" for k in range(10)]
        assert seen.add(codes, list(range(start, start + 10))) == {}
    assert seen.add(["A-1", "C-150", "Hồ-sơ-1", "a-much-longer-code-than-before-0001", "new"], [300, 301, 302, 303, 304]) \
        == {0: 2, 1: 150, 2: 8}
    assert seen.add(["a-much-longer-code-than-before-0001", "A-2"], [305, 306]) == {0: 303, 1: 3}


def test_cli_resume_runs_an_interrupted_job_again(world, tmp_path):
    from typer.testing import CliRunner

    from dieuhanh.cli import app

    world.procedure()
    path = write_csv(tmp_path / "lai.csv", [row(f"HS-R{i}", "07/07/2025") for i in range(3)])
    done = import_file(path)
    out = CliRunner().invoke(app, ["import", "resume", str(done.job_id)])
    assert out.exit_code == 1 and "Hoàn tất" in out.output  # a finished job is not run again
    ImportJob.objects.filter(pk=done.job_id).update(state=JobState.RUNNING, heartbeat_at=timezone.now())
    out = CliRunner().invoke(app, ["import", "resume", str(done.job_id)])
    assert out.exit_code == 1 and "--force" in out.output  # still beating: maybe running elsewhere
    ImportJob.objects.filter(pk=done.job_id).update(heartbeat_at=timezone.now() - jobs.STALE_AFTER * 2)
    out = CliRunner().invoke(app, ["import", "resume", str(done.job_id)])
    assert out.exit_code == 0, out.output
    job = ImportJob.objects.get(pk=done.job_id)
    assert (job.state, job.created_rows, job.unchanged_rows) == (JobState.DONE, 0, 3)
    assert ImportJob.objects.count() == 1


def test_the_error_file_keeps_the_imported_files_formulas_from_running(world, tmp_path):
    # Officers open the error file in Excel, and its values come from someone else's export.
    world.procedure()
    hyperlink = '=HYPERLINK("http://lua-dao.example/","Xem")'
    rows = [
        row("=1+2", "07/07/2025", channel=hyperlink),  # 2
        row("HS-02", "@SUM(1)"),  # 3
        row("HS-03", "07/07/2025", channel="Fax\x08"),  # 4
    ]
    result = import_file(write_csv(tmp_path / "ho-so.csv", rows))
    found = {(e["Dòng"], e["Cột"]): e for e in errors_of(result)}
    assert found[("2", "Kênh tiếp nhận")]["Mã hồ sơ"] == "'=1+2"
    assert found[("2", "Kênh tiếp nhận")]["Giá trị"] == "'" + hyperlink
    assert found[("3", "Ngày tiếp nhận")]["Giá trị"] == "'@SUM(1)"
    assert found[("4", "Kênh tiếp nhận")]["Giá trị"] == "Fax"
    assert found[("4", "Kênh tiếp nhận")]["Dòng"] == "4"  # numbers stay numbers
