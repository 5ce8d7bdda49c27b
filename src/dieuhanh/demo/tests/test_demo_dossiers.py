"""The demo city's one-stop dossiers: the shipped procedures catalogue loads, each successor
ward has a plausible year of dossiers (certification and civil status dominate, a good third
online, a few per cent by post, about 95% early or on time), some are late now and stuck at a
named body, late ones carry apologies issued before the deadline, the dossiers received through
the services at phường Chu Văn An show inter-level steps and history, the `motcua` persona sees
only its ward's dossiers, and a second run adds nothing.

The demo is loaded once for this module inside a transaction rolled back at the end."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

from django.apps import apps
from django.db.models import Count, F
from django.utils import timezone

from dieuhanh.core import calendar
from dieuhanh.demo.loader import load_demo
from dieuhanh.dossiers.choices import (
    Channel,
    EventKind,
    JobKind,
    JobState,
    Level,
    OnlineType,
    ReturnMethod,
    Source,
    Status,
    Timeliness,
)
from dieuhanh.dossiers.demo import EXPORT_NAME, catalogue_codes, catalogue_path
from dieuhanh.dossiers.importer import import_file
from dieuhanh.dossiers.models import Dossier, DossierEvent, DossierStep, ImportJob, Procedure
from dieuhanh.org import scope
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit, User

REFORM = dt.date(2025, 7, 1)
EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"
WARDS = ("10549", "10546", "10570", "10552", "10573", "10603")


def ward(code: str) -> AdminUnit:
    return AdminUnit.objects.get(code=code, level=UnitLevel.COMMUNE, valid_from=REFORM)


def user(username: str) -> User:
    return User.objects.get(username=username)


def in_ward(code: str):
    """Dossiers received by the ward or the old wards it took over."""
    return Dossier.objects.filter(unit_id__in=scope.expand_units([ward(code).pk]))


def test_the_shipped_catalogue_imports_without_a_bad_row(db):
    with open(catalogue_path(), encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Thời hạn giải quyết (ngày làm việc)",
                      "Dịch vụ công trực tuyến", "Phí lệ phí", "Trả kết quả qua bưu chính", "Cơ quan thực hiện"]
    codes = catalogue_codes()
    assert 40 <= len(codes) <= 60 and len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"\d\.\d{6}", c) for c in codes)
    result = import_file(catalogue_path(), kind=JobKind.PROCEDURES)
    assert (result.created, result.bad) == (len(codes), 0)
    by_code = {p.code: p for p in Procedure.objects.all()}
    birth = by_code["1.001193"]
    assert (birth.name, birth.level, birth.processing_days, birth.online_type) == (
        "Đăng ký khai sinh", Level.COMMUNE, 1, OnlineType.FULL)
    assert birth.fee_vnd == 0 and birth.postal_return
    assert by_code["1.004873"].processing_days == 3
    assert by_code["2.000815"].online_type == OnlineType.FULL and "2.000 đồng/trang" in by_code["2.000815"].fee_note
    assert by_code["1.000894"].fee_vnd == 0 and by_code["1.000894"].postal_return is False
    assert (by_code["1.013831"].level, by_code["1.013831"].processing_days) == (Level.PROVINCE, 8)
    assert by_code["1.013978"].fee_vnd is None and "HĐND" in by_code["1.013978"].fee_note
    assert {"Hộ tịch", "Chứng thực", "Đất đai", "Hoạt động xây dựng", "Bảo trợ xã hội"} <= {
        p.field for p in by_code.values()}
    # Importing it again changes nothing.
    again = import_file(catalogue_path(), kind=JobKind.PROCEDURES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(codes))


def test_the_catalogue_and_the_export_are_imported(demo, db):
    codes = catalogue_codes()
    assert demo.counts["dossiers"]["procedures"] == len(codes) == Procedure.objects.filter(code__in=codes).count()
    assert demo.counts["dossiers"]["bad_rows"] == 0
    jobs = ImportJob.objects.filter(original_name=EXPORT_NAME)
    assert jobs.count() == 1
    job = jobs.get()
    assert (job.state, job.kind, job.bad_rows) == (JobState.DONE, JobKind.DOSSIERS, 0)
    assert job.created_rows == demo.counts["dossiers"]["dossiers"] == Dossier.objects.filter(import_job=job).count()


def test_each_ward_has_a_plausible_year(demo, db):
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    for code in WARDS:
        n = in_ward(code).filter(received_on__gt=year_ago).count()
        assert 2500 <= n <= 7000, (code, n)
    everything = Dossier.objects.filter(received_on__gt=year_ago)
    assert everything.count() == sum(in_ward(c).filter(received_on__gt=year_ago).count() for c in WARDS)
    assert not everything.filter(received_on__gt=today).exists()
    # Certification and civil status dominate.
    by_field = dict(everything.values_list("procedure__field").annotate(n=Count("id")))
    assert by_field["Chứng thực"] > by_field["Hộ tịch"] > by_field["Đất đai"] > by_field["Hoạt động xây dựng"]
    assert (by_field["Chứng thực"] + by_field["Hộ tịch"]) / everything.count() > 0.6
    # The appointment date is the processing time after receipt, never before.
    assert not everything.filter(due_on__lt=F("received_on")).exists()
    assert not everything.filter(result_on__lt=F("received_on")).exists()
    assert not everything.filter(returned_on__lt=F("result_on")).exists()
    assert everything.filter(source=Source.IMPORT).count() > 20_000
    assert demo.counts["dossiers"]["dossiers"] > 20_000


def test_channels_and_returns(demo, db):
    qs = Dossier.objects.all()
    total = qs.count()
    online = qs.filter(channel=Channel.ONLINE)
    assert 0.30 <= online.count() / total <= 0.50
    # Only procedures offered online are filed online.
    assert not online.filter(procedure__online_type=OnlineType.NONE).exists()
    post_in = qs.filter(channel=Channel.POST).count()
    post_out = qs.filter(return_method=ReturnMethod.POST)
    assert 0.002 <= post_in / total <= 0.05
    assert 0.01 <= post_out.count() / qs.filter(status=Status.RETURNED).count() <= 0.08
    assert not post_out.filter(procedure__postal_return=False).exists()
    assert qs.filter(return_method=ReturnMethod.ONLINE).exists()


def test_most_are_early_or_on_time(demo, db):
    finished = Dossier.objects.exclude(timeliness="")
    n = finished.count()
    good = finished.filter(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME]).count()
    assert 0.90 <= good / n <= 0.97
    assert finished.filter(timeliness=Timeliness.EARLY).count() > finished.filter(timeliness=Timeliness.ON_TIME).count()
    assert not finished.filter(timeliness=Timeliness.LATE, result_on__lte=F("due_on")).exists()
    assert not finished.filter(result_on__isnull=True).exists()


def test_apologies_come_before_the_deadline_with_a_new_date(demo, db):
    apologised = Dossier.objects.filter(apology_on__isnull=False)
    assert apologised.count() >= 100
    # At the latest one working day before the due date (rule dossier.apology_before_due).
    assert not apologised.filter(apology_on__gte=F("due_on")).exists()
    assert not apologised.filter(new_due_on__lte=F("due_on")).exists()
    assert not apologised.filter(apology_on__lt=F("received_on")).exists()
    late = Dossier.objects.filter(timeliness=Timeliness.LATE)
    share = late.filter(apology_on__isnull=False).count() / late.count()
    assert 0.35 <= share <= 0.65
    # An apology does not make a late dossier on time.
    assert apologised.filter(timeliness=Timeliness.LATE).exists()


def test_some_are_late_now_stuck_at_a_named_step_and_body(demo, db):
    today = demo.today or timezone.localdate()  # the day it was built for: a run may pass midnight
    late = Dossier.objects.late_now(today)
    assert 15 <= late.count() <= 400
    assert demo.counts["dossiers"]["late_now"] == late.count()
    assert not late.filter(current_body="").exists() and not late.filter(current_step="").exists()
    assert not late.filter(status=Status.SUPPLEMENT).exists()  # waiting for documents stops the clock
    at_department = late.filter(current_body__startswith="Sở Nông nghiệp và Môi trường")
    assert at_department.count() >= 3
    assert set(at_department.values_list("procedure__field", flat=True)) <= {"Đất đai", "Đăng ký biện pháp bảo đảm"}
    # Open dossiers that are not late yet exist too, and today's receipts.
    assert Dossier.objects.open().filter(due_on__gte=today).count() > 100
    assert Dossier.objects.filter(status=Status.SUPPLEMENT).exists()


def test_dossiers_through_the_services_show_steps_and_history(demo, db):
    native = Dossier.objects.filter(source=Source.NATIVE)
    assert 30 <= native.count() <= 60
    assert set(native.values_list("unit__code", flat=True)) == {"10549"}
    assert not native.filter(received_at__isnull=True).exists()
    motcua = user("motcua")
    assert not native.exclude(created_by=motcua).exists()
    steps = DossierStep.objects.filter(dossier__in=native)
    interlevel = steps.filter(interlevel=True)
    assert interlevel.filter(body__name__startswith="Sở Nông nghiệp và Môi trường").exists()
    assert interlevel.filter(body__name__startswith="Văn phòng Đăng ký đất đai").exists()
    assert steps.filter(interlevel=False).exists()
    assert interlevel.filter(due_rule="dossier.interlevel_transfer_late").exists()  # received after 15:00
    assert any(s.transferred_late for s in interlevel)
    kinds = set(DossierEvent.objects.filter(dossier__in=native).values_list("kind", flat=True))
    assert {EventKind.RECEIVE, EventKind.START, EventKind.TRANSFER, EventKind.STEP_DONE, EventKind.REQUEST_SUPPLEMENT,
            EventKind.SUPPLEMENTED, EventKind.APOLOGY, EventKind.RESULT, EventKind.RETURN, EventKind.REFUSE,
            EventKind.WITHDRAW} <= kinds
    assert native.filter(apology_on__isnull=False, timeliness=Timeliness.LATE).exists()
    assert native.late_now(timezone.localdate()).filter(current_body__startswith="Sở Nông nghiệp").exists()
    assert native.filter(return_method=ReturnMethod.POST).exists()
    assert native.filter(status__in=[Status.RECEIVED, Status.PROCESSING], due_on__gte=timezone.localdate()).exists()
    assert native.filter(status=Status.SUPPLEMENT).exists()  # waiting for the applicant's documents
    # Sent online after office hours (17:00): its time counts from the next working day.
    evening = [d for d in native.filter(channel=Channel.ONLINE).select_related("procedure")
               if timezone.localtime(d.received_at).hour >= 17]
    assert evening
    for d in evening:
        start = calendar.next_working_day(d.received_on)
        assert d.due_on == calendar.add(start, d.procedure.processing_days, working=True)


def test_the_one_stop_persona_sees_only_its_ward(demo, db):
    motcua = user("motcua")
    visible = Dossier.objects.visible_to(motcua)
    own = in_ward("10549")
    assert visible.count() == own.count() > 3000
    assert not visible.filter(unit__code__in=["10546", "10570", "10552", "10573", "10603"]).exists()
    assert not visible.exclude(pk__in=own.values("pk")).exists()
    # The city's leader sees every ward's dossiers.
    assert Dossier.objects.visible_to(user("bithu")).count() == Dossier.objects.count()


def test_a_second_run_adds_nothing(demo, db):
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    again = load_demo()
    assert "dossiers" in again.skipped and "dossiers" not in again.counts
    after = {m._meta.label: m.objects.count() for m in apps.get_models()}
    assert after == counts


def test_the_pages_show_the_demo(demo, db, client):
    client.force_login(user("motcua"))
    stepped = Dossier.objects.filter(source=Source.NATIVE, steps__interlevel=True).distinct().first()
    page = client.get(f"/ho-so/{stepped.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert stepped.code in text
    assert "Văn phòng Đăng ký đất đai" in text or "Sở Nông nghiệp và Môi trường" in text
    other = in_ward("10546").first()
    assert client.get(f"/ho-so/{other.code}/").status_code == 404
    client.force_login(user("bithu"))
    late = client.get("/ho-so/tre-han/")
    assert late.status_code == 200
    assert "Sở Nông nghiệp và Môi trường" in late.content.decode()


def _errors(result) -> set[tuple[int, str]]:
    with open(result.errors_path, encoding="utf-8-sig", newline="") as f:
        return {(int(e["Dòng"]), e["Cột"]) for e in csv.DictReader(f)}


def test_the_example_files_import_into_the_demo(demo, db, tmp_path, settings):
    """Every sample of docs/examples imports into the demo city without a bad row other than those
    docs/examples/README.md lists as bad on purpose; the sample catalogue changes nothing."""
    settings.DATA_DIR = tmp_path / "var"
    admin = user("admin")
    catalogue = list(Procedure.objects.order_by("code").values())
    procedures = import_file(shutil.copy(EXAMPLES / "thu-tuc-mau.csv", tmp_path), kind=JobKind.PROCEDURES,
                             actor=admin)
    assert (procedures.total, procedures.created, procedures.updated, procedures.unchanged, procedures.bad) == (
        7, 0, 0, 6, 1)
    assert _errors(procedures) == {(8, "Cấp thực hiện"), (8, "Thời hạn giải quyết (ngày làm việc)")}
    assert list(Procedure.objects.order_by("code").values()) == catalogue

    bad = {(24, "Mã thủ tục"), (25, "Đơn vị tiếp nhận (mã)"), (26, "Ngày có kết quả"), (27, "Ngày trả kết quả"),
           (28, "Ngày tiếp nhận"), (29, "Ngày có kết quả"), (30, "Mã hồ sơ"), (31, "Mã hồ sơ"),
           (32, "Kênh tiếp nhận"), (33, "Trạng thái")}
    from_csv = import_file(shutil.copy(EXAMPLES / "ho-so-mau.csv", tmp_path), actor=admin)
    assert (from_csv.total, from_csv.created, from_csv.updated, from_csv.unchanged, from_csv.bad) == (32, 22, 0, 0, 10)
    assert _errors(from_csv) == bad
    from_xlsx = import_file(shutil.copy(EXAMPLES / "ho-so-mau.xlsx", tmp_path), actor=admin)
    assert (from_xlsx.total, from_xlsx.created, from_xlsx.updated, from_xlsx.unchanged, from_xlsx.bad) == (
        32, 0, 0, 22, 10)
    assert {(row - 2, column) for row, column in _errors(from_xlsx)} == bad
    loaded = Dossier.objects.filter(code__startswith="000.00.")
    assert loaded.count() == 22
    assert set(loaded.values_list("unit__code", flat=True)) == {"10549", "10546"}
