"""The import pages: who may upload, the upload becoming a job, the job's progress fragment, its
error file, running an interrupted job again, and the refusals (size, type, mapping) with
their Vietnamese messages.

The page queues the import for a worker in the upload's transaction; these tests run the queue
in their own process and transaction with `queue.drain()` — the loop a worker runs — or the
job's own function `jobs.run`."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dieuhanh.core import queue
from dieuhanh.core.models import WorkerBeat
from dieuhanh.dossiers import forms as dossier_forms
from dieuhanh.dossiers import jobs
from dieuhanh.dossiers.choices import JobKind, JobState
from dieuhanh.dossiers.models import Dossier, ImportJob, Procedure
from dieuhanh.notifications.models import Notification
from dieuhanh.testing import login

pytestmark = pytest.mark.django_db

HEADER = ("Mã hồ sơ,Mã thủ tục,Tên thủ tục,Đơn vị tiếp nhận (mã),Kênh tiếp nhận,Ngày tiếp nhận,Ngày hẹn trả,"
          "Ngày có kết quả,Ngày trả kết quả,Trạng thái")
GOOD = [
    "HS-0001,1.001193,Đăng ký khai sinh,10549,Trực tiếp,02/03/2026,09/03/2026,06/03/2026,06/03/2026,Đã trả kết quả",
    "HS-0002,1.001193,Đăng ký khai sinh,10549,Trực tuyến,03/03/2026,,,,Đang xử lý",
]
BAD = [
    "HS-0003,9.999999,Không có,10549,Trực tiếp,04/03/2026,11/03/2026,,,Đang xử lý",  # row 4: unknown procedure
    "HS-0004,1.001193,Đăng ký khai sinh,10549,Trực tiếp,31/02/2026,,,,Đang xử lý",  # row 5: impossible date
    "HS-0001,1.001193,Đăng ký khai sinh,10549,Trực tiếp,05/03/2026,,,,Đang xử lý",  # row 6: duplicate code
]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def csv_file(lines, name="xuat-mot-cua.csv"):
    return SimpleUploadedFile(name, ("\ufeff" + "\n".join([HEADER, *lines]) + "\n").encode(), "text/csv")


def upload(client, file, **data):
    return client.post(reverse("dossier_import"), {"file": file, **data})


def test_who_may_open_the_import_page(client, world):
    for user in (world.onestop_a, world.office, world.admin):
        assert login(client, user).get(reverse("dossier_import")).status_code == 200
    for user in (world.outsider, world.officer_a, world.reception_a):
        assert login(client, user).get(reverse("dossier_import")).status_code == 403


def test_an_upload_becomes_a_job_with_counts_and_an_error_file(client, world):
    world.procedure()
    login(client, world.onestop_a)
    response = upload(client, csv_file(GOOD + BAD))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dossier_import_job", kwargs={"pk": job.pk})
    assert job.state == JobState.QUEUED and job.created_by == world.onestop_a
    assert job.original_name == "xuat-mot-cua.csv"

    # While queued the fragment polls every second.
    fragment = client.get(reverse("dossier_import_progress", kwargs={"pk": job.pk})).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "Đang chờ" in fragment

    assert job.task_id and queue.pending() == 1
    assert queue.drain() == 1  # what a worker does
    job.refresh_from_db()
    assert (job.state, job.created_rows, job.bad_rows) == (JobState.DONE, 2, 3)
    assert set(Dossier.objects.values_list("code", flat=True)) == {"HS-0001", "HS-0002"}
    # Whoever uploaded it is told, with the counts and a link to the job.
    (note,) = Notification.objects.filter(recipient=world.onestop_a, rule="import.finished")
    assert note.title == "Đã nhập xong tệp «xuat-mot-cua.csv»"
    assert "thêm mới 2" in note.body and "dòng lỗi 3" in note.body
    assert note.url == reverse("dossier_import_job", kwargs={"pk": job.pk})

    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Hoàn tất" in page and 'hx-trigger="every 1s"' not in page
    assert 'data-count="created"><span class="stat__count">2</span>' in page
    assert 'data-count="bad"><span class="stat__count">3</span>' in page
    assert "Tải tệp lỗi (3 dòng)" in page
    # The bad rows are listed on the page too: row number as in the spreadsheet, column, reason.
    assert 'data-bad-rows' in page
    for number in ("4", "5", "6"):
        assert f'data-bad-row="{number}"' in page
    assert "Thủ tục mã 9.999999 không có trong danh mục thủ tục hành chính." in page
    assert "Ngày «31/02/2026» không có trên lịch." in page
    assert "Mã hồ sơ trùng với dòng 2 trong tệp." in page

    response = client.get(reverse("dossier_import_errors", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert f'filename="loi-nhap-{job.pk}.csv"' in response["Content-Disposition"]
    errors = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = errors.splitlines()
    assert lines[0].startswith("Dòng,")
    assert {line.split(",")[0] for line in lines[1:]} == {"4", "5", "6"}
    assert "9.999999" in errors

    listing = client.get(reverse("dossier_import")).content.decode()
    assert "xuat-mot-cua.csv" in listing and reverse("dossier_import_job", kwargs={"pk": job.pk}) in listing


def test_a_job_without_bad_rows_has_no_error_file(client, world):
    world.procedure()
    login(client, world.onestop_a)
    upload(client, csv_file(GOOD))
    job = ImportJob.objects.get()
    jobs.run(job.pk)
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Tải tệp lỗi" not in page
    assert client.get(reverse("dossier_import_errors", kwargs={"pk": job.pk})).status_code == 404


def test_another_officers_job_is_a_404(client, world):
    world.procedure()
    login(client, world.onestop_a)
    upload(client, csv_file(GOOD))
    job = ImportJob.objects.get()
    login(client, world.onestop_b)
    for name in ("dossier_import_job", "dossier_import_progress", "dossier_import_errors"):
        assert client.get(reverse(name, kwargs={"pk": job.pk})).status_code == 404, name
    assert client.post(reverse("dossier_import_resume", kwargs={"pk": job.pk})).status_code == 404
    assert "xuat-mot-cua.csv" not in client.get(reverse("dossier_import")).content.decode()
    # The administrator sees every job.
    assert login(client, world.admin).get(reverse("dossier_import_job", kwargs={"pk": job.pk})).status_code == 200


def test_an_interrupted_job_is_run_again_to_completion(client, world):
    world.procedure()
    login(client, world.onestop_a)
    upload(client, csv_file(GOOD))
    job = ImportJob.objects.get()
    # A worker took it and stopped: its heartbeat is old, the job left RUNNING under it.
    long_ago = timezone.now() - jobs.STALE_AFTER - dt.timedelta(minutes=1)
    WorkerBeat.objects.create(worker_id="stopped", host="may-chu", pid=1, started_at=long_ago, beat_at=long_ago)
    DBTaskResult.objects.get(pk=job.task_id).claim("stopped")
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Bị ngắt, chạy lại để hoàn tất" in page and "Chạy lại để hoàn tất" in page
    first_task = job.task_id
    response = client.post(reverse("dossier_import_resume", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.task_id != first_task
    # The stopped worker's job is set aside: recovering it cannot run the file beside this run.
    assert DBTaskResult.objects.get(pk=first_task).status == "FAILED"
    assert queue.recover() == [] and queue.drain() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and Dossier.objects.count() == 2
    # A finished job is not run again.
    client.post(reverse("dossier_import_resume", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Chỉ chạy lại được lượt nhập bị ngắt hoặc bị lỗi." in page


def _dead_pid() -> int:
    """The id of a process of this machine that has just ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_job_whose_worker_process_died_a_moment_ago_is_resumable_at_once(client, world):
    """The worker was killed seconds ago: its heartbeat is still fresh, but its process on this
    machine is gone. The page offers to run the job again at once, and the next worker recovers
    the queued job at once, without waiting for the heartbeat to go stale."""
    world.procedure()
    login(client, world.onestop_a)
    upload(client, csv_file(GOOD))
    job = ImportJob.objects.get()
    now = timezone.now()
    pid = _dead_pid()
    WorkerBeat.objects.create(worker_id="killed", host=socket.gethostname(), pid=pid, started_at=now, beat_at=now)
    DBTaskResult.objects.get(pk=job.task_id).claim("killed")
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=now, heartbeat_at=now,
                                               runner=f"{socket.gethostname()}:{pid}")
    assert queue.task_state(job.task_id) == "lost"
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Bị ngắt, chạy lại để hoàn tất" in page and "Chạy lại để hoàn tất" in page
    # the next worker to look after the queue takes it over at once
    assert len(queue.recover()) == 1
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
    assert queue.drain() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and Dossier.objects.count() == 2


def test_a_job_run_at_once_whose_process_died_is_interrupted_at_once(world):
    """An import run by the command line (no queued job) killed seconds ago: its heartbeat is
    fresh, its process gone; it reads as interrupted, and the sweep records it so."""
    job = ImportJob.objects.create(kind=JobKind.DOSSIERS, state=JobState.RUNNING, file_path="/x.csv",
                                   original_name="x.csv", heartbeat_at=timezone.now(),
                                   runner=f"{socket.gethostname()}:{_dead_pid()}")
    alive = ImportJob.objects.create(kind=JobKind.DOSSIERS, state=JobState.RUNNING, file_path="/y.csv",
                                     original_name="y.csv", heartbeat_at=timezone.now(),
                                     runner=f"{socket.gethostname()}:{os.getpid()}")
    elsewhere = ImportJob.objects.create(kind=JobKind.DOSSIERS, state=JobState.RUNNING, file_path="/z.csv",
                                         original_name="z.csv", heartbeat_at=timezone.now(), runner="may-khac:1")
    assert jobs.state_of(job) == JobState.INTERRUPTED
    assert jobs.state_of(alive) == jobs.state_of(elsewhere) == JobState.RUNNING
    assert jobs.refresh_stale() == 1
    assert dict(ImportJob.objects.values_list("pk", "state")) == {
        job.pk: JobState.INTERRUPTED, alive.pk: JobState.RUNNING, elsewhere.pk: JobState.RUNNING}


def test_a_refused_file_shows_why(client, world):
    login(client, world.onestop_a)
    upload(client, SimpleUploadedFile("khong-dung-mau.csv", b"Cot A,Cot B\n1,2\n", "text/csv"))
    job = ImportJob.objects.get()
    jobs.run(job.pk)
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Không nhập được tệp" in page and "Mã hồ sơ" in page
    # The same file would be refused again: no button to run it again.
    assert "Chạy lại để hoàn tất" not in page
    response = client.post(reverse("dossier_import_resume", kwargs={"pk": job.pk}), follow=True)
    assert "Chỉ chạy lại được lượt nhập bị ngắt hoặc bị lỗi." in response.content.decode()


def _corrupt_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>" * 200)
    return buffer.getvalue()[:300]  # cut short: the zip's directory is gone


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.xlsx", "Đây là một tệp văn bản được đổi đuôi thành .xlsx\n".encode()),  # a .txt renamed
        ("hong.xlsx", _corrupt_zip()),  # a corrupt zip
    ],
)
def test_an_unreadable_workbook_gets_a_vietnamese_message_and_no_run_again(client, world, name, content):
    login(client, world.onestop_a)
    upload(client, SimpleUploadedFile(name, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    job = ImportJob.objects.get()
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.REFUSED
    assert job.message.startswith(f"Không đọc được tệp Excel «{name}»: tệp bị hỏng, hoặc không phải tệp .xlsx")
    assert "zip" not in job.message.lower()  # no message of the library that failed, in English
    page = client.get(reverse("dossier_import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Không nhập được tệp" in page and "tệp bị hỏng, hoặc không phải tệp .xlsx" in page
    assert "Chạy lại để hoàn tất" not in page and "data-bad-rows" not in page


@pytest.mark.parametrize(
    ("file", "data", "message"),
    [
        (None, {}, "Chọn tệp cần nhập (.xlsx hoặc .csv)."),
        (SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4", "application/pdf"), {}, "không phải .xlsx hoặc .csv"),
        (SimpleUploadedFile("rong.csv", b"", "text/csv"), {}, "rỗng"),
        ("csv", {"mapping": "Số biên nhận Mã hồ sơ"}, "không có dạng «Tên cột trong tệp = Tên cột chuẩn»"),
        ("csv", {"mapping": "Số biên nhận = Cột không có"}, "không có trường «Cột không có»"),
    ],
)
def test_upload_refusals_name_the_problem_and_keep_nothing(client, world, file, data, message):
    login(client, world.onestop_a)
    if file == "csv":
        file = csv_file(GOOD)
    payload = {"file": file, **data} if file is not None else data
    response = client.post(reverse("dossier_import"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_mapping_renames_columns(client, world):
    world.procedure()
    login(client, world.onestop_a)
    renamed = csv_file(GOOD).read().decode("utf-8-sig").replace("Mã hồ sơ,", "Số biên nhận,", 1)
    response = upload(client, SimpleUploadedFile("khac-mau.csv", renamed.encode(), "text/csv"),
                      mapping="Số biên nhận = Mã hồ sơ")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.created_rows == 2


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(client, world, monkeypatch, tmp_path):
    monkeypatch.setattr(dossier_forms, "MAX_UPLOAD_MB", 0)
    login(client, world.onestop_a)
    big = SimpleUploadedFile("qua-lon.csv", b"x" * 200_000, "text/csv")
    response = client.post(reverse("dossier_import"), {"file": big})
    assert response.status_code == 413
    assert "Tệp vượt giới hạn 0 MB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (tmp_path / "imports").exists()


def test_the_catalogue_import_is_for_administrators(client, world):
    login(client, world.onestop_a)
    page = client.get(reverse("dossier_import"), {"kind": "procedures"}).content.decode()
    assert "Danh mục thủ tục hành chính" not in page
    response = upload(client, SimpleUploadedFile("thu-tuc.csv", b"x", "text/csv"), kind=JobKind.PROCEDURES)
    assert response.status_code == 400
    assert "Bạn không được nhập loại dữ liệu này." in response.content.decode()

    login(client, world.admin)
    catalogue = ("\ufeffMã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Thời hạn giải quyết (ngày làm việc)\n"
                 "1.004227,Đăng ký kết hôn,Hộ tịch,Cấp xã,5\n")
    response = upload(client, SimpleUploadedFile("thu-tuc.csv", catalogue.encode(), "text/csv"),
                      kind=JobKind.PROCEDURES)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.kind == JobKind.PROCEDURES
    jobs.run(job.pk)
    assert Procedure.objects.get(code="1.004227").processing_days == 5


def test_a_job_waiting_in_the_queue_is_not_interrupted_however_long_it_waits(client, world):
    world.procedure()
    login(client, world.onestop_a)
    upload(client, csv_file(GOOD))
    job = ImportJob.objects.get()
    long_ago = timezone.now() - jobs.STALE_AFTER * 10
    ImportJob.objects.filter(pk=job.pk).update(created_at=long_ago)  # no worker has run since
    job.refresh_from_db()
    assert jobs.state_of(job) == JobState.QUEUED and jobs.refresh_stale() == 0
    # Taken by a worker whose heartbeat is fresh, it runs, even if its own heartbeat is old.
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="busy", host="may-chu", pid=1, started_at=now, beat_at=now)
    DBTaskResult.objects.get(pk=job.task_id).claim("busy")
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    job.refresh_from_db()
    assert jobs.state_of(job) == JobState.RUNNING and jobs.refresh_stale() == 0
    # Once that worker is silent past the limit, the job is interrupted until another worker takes it.
    WorkerBeat.objects.filter(worker_id="busy").update(beat_at=long_ago)
    assert jobs.state_of(job) == JobState.INTERRUPTED
    assert queue.recover() == [str(DBTaskResult.objects.get(pk=job.task_id).id)]
    assert jobs.state_of(job) == JobState.QUEUED
