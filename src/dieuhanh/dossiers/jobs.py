"""Import jobs started from the web page: the uploaded file is kept under
`DATA_DIR/imports/<job id>/`, an `ImportJob` row is created and the import runs in a daemon
thread of the web process, updating the row's counters and heartbeat after each committed batch
so the page can show a progress bar.

Why threads and not a task queue: the IOC of a province runs one web server and imports a few
files a day; a queue would add a broker and a worker process to install and watch. The limits
are the ones of a thread in the web process:
- if the server is stopped or killed during an import, the job stays RUNNING with a heartbeat
  that stops moving; `state_of()` then reports it as interrupted and `refresh_stale()` records
  that. `resume()` runs the same file again; since the import is idempotent (the dossier code is
  the natural key, each batch is one transaction) the re-run completes it without duplicates;
- with several gunicorn workers each worker runs the jobs it accepted; SQLite serialises the
  writers (batches are short transactions, so pages keep working meanwhile).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.dossiers.choices import JobKind, JobState
from dieuhanh.dossiers.models import ImportJob

if TYPE_CHECKING:
    from dieuhanh.org.models import User

log = logging.getLogger(__name__)

# A running job writes its heartbeat after every batch (a few seconds apart at most); one that
# has not moved for this long is no longer running.
STALE_AFTER = dt.timedelta(minutes=2)
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)
RESUMABLE_STATES = (JobState.INTERRUPTED, JobState.FAILED)
_SAFE_NAME = re.compile(r"[^\w.\-]+")


def job_dir(job_id: int) -> Path:
    """Where a job's uploaded file and its error file live."""
    return Path(settings.DATA_DIR) / "imports" / str(job_id)


def _safe_name(name: str) -> str:
    base = Path(name or "tep").name
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "tep"
    return cleaned[-120:]


def _store(upload: Any, target: Path) -> str:
    """Copy an uploaded file (Django `UploadedFile`, an open binary file, or a path) to `target`
    in chunks; returns its sha256."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        if isinstance(upload, (str, Path)):
            with Path(upload).open("rb") as src:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
        elif hasattr(upload, "chunks"):
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        else:
            for chunk in iter(lambda: upload.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest()


def submit(
    upload: Any,
    *,
    kind: str = JobKind.DOSSIERS,
    actor: User,
    mapping: dict[str, str] | None = None,
    background: bool = True,
) -> ImportJob:
    """Keep the file, create a QUEUED job and start it (in a daemon thread once the job row is
    committed; with `background=False`, here and now). Returns the job; read its fields
    (state, processed_rows, total_rows, created/updated/unchanged/bad_rows, message,
    errors_path) to show progress.

    Refuses (PermissionDenied) a user who may not import this kind of file at all; rows of units
    outside the user's scope are reported as bad rows by the import itself."""
    from dieuhanh.dossiers import importer

    importer.check_may_import(actor, kind)
    if kind not in JobKind.values:
        raise ValueError(f"unknown import kind {kind!r}")
    name = getattr(upload, "name", None) or str(upload)
    original = Path(name).name[:300]
    job = ImportJob.objects.create(
        kind=kind, state=JobState.QUEUED, file_path="", original_name=original,
        mapping=dict(mapping or {}), created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    path = job_dir(job.pk) / _safe_name(original)
    job.sha256 = _store(upload, path)
    job.file_path = str(path)
    job.save(update_fields=["file_path", "sha256"])
    if background:
        transaction.on_commit(lambda: start(job.pk))
    else:
        run(job.pk)
        job.refresh_from_db()
    return job


def start(job_id: int) -> threading.Thread:
    """Run the job in a daemon thread of this process."""
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def _thread_main(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    except Exception:  # the job row carries the message; the thread must not die noisily
        log.exception("import job %s failed", job_id)
    finally:
        connection.close()


def run(job_id: int) -> Any:
    """Do the work of job `job_id` (in the calling thread). Returns the `ImportResult`, or None
    when the file was refused (the job is then REFUSED with the reason in `message`: the file
    cannot be read or lacks a column, so running it again would change nothing) or the user may
    not import it (FAILED)."""
    from dieuhanh.dossiers import importer

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        return importer.import_file(
            job.file_path, kind=job.kind, actor=job.created_by, mapping=job.mapping or None, job=job
        )
    except importer.ImportRefused as exc:
        _fail(job_id, str(exc), JobState.REFUSED)
        return None
    except PermissionDenied as exc:
        _fail(job_id, str(exc))
        return None
    except Exception as exc:
        _fail(job_id, f"Lỗi khi nhập: {exc}")
        raise


def _fail(job_id: int, message: str, state: str = JobState.FAILED) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        state=state, message=message[:2000], finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


def state_of(job: ImportJob, now: dt.datetime | None = None) -> str:
    """The job's state as users should see it: a RUNNING job whose heartbeat stopped, or a
    QUEUED one never picked up (the server restarted between the upload and its thread), is
    interrupted."""
    if job.state in ACTIVE_STATES:
        beat = job.heartbeat_at or job.started_at or job.created_at
        if beat is not None and (now or timezone.now()) - beat > STALE_AFTER:
            return JobState.INTERRUPTED
    return job.state


def refresh_stale(now: dt.datetime | None = None) -> int:
    """Record as interrupted every RUNNING or QUEUED job whose heartbeat (or creation) is older
    than STALE_AFTER, and build again the dossier indexes such a job had set aside."""
    from dieuhanh.dossiers import indexes

    now = now or timezone.now()
    limit = now - STALE_AFTER
    message = "Lượt nhập bị ngắt (máy chủ dừng giữa chừng). Chạy lại để hoàn tất: các dòng đã nhập không bị nhân đôi."
    count = ImportJob.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=limit).update(
        state=JobState.INTERRUPTED, message=message)
    count += ImportJob.objects.filter(state=JobState.QUEUED).filter(
        models.Q(heartbeat_at__lt=limit) | models.Q(heartbeat_at__isnull=True, created_at__lt=limit)
    ).update(state=JobState.INTERRUPTED, message="Lượt nhập chưa chạy (máy chủ khởi động lại). Chạy lại để nhập tệp.")
    if count:
        indexes.restore_orphans(now)
    return count


def resume(job: ImportJob, *, actor: User | None = None, background: bool = True) -> ImportJob:
    """Run an interrupted or failed job again on the same file. Batches committed before the
    interruption are found unchanged and not written twice."""
    if actor is not None and job.created_by_id not in (None, getattr(actor, "pk", None)):
        from dieuhanh.core import access

        if access.units(actor, "dossiers", "import") is not access.ALL:
            raise PermissionDenied(_("Bạn không có quyền chạy lại lượt nhập này."))
    if state_of(job) not in RESUMABLE_STATES:
        raise ValueError(_("Chỉ chạy lại được lượt nhập bị ngắt hoặc bị lỗi."))
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED, message="", finished_at=None,
                                               heartbeat_at=timezone.now())
    if background:
        transaction.on_commit(lambda: start(job.pk))
    else:
        run(job.pk)
    job.refresh_from_db()
    return job


def errors_file(job: ImportJob) -> Path | None:
    """The job's error file (CSV, opens in Excel), or None when there were no bad rows."""
    if not job.errors_path:
        return None
    path = Path(job.errors_path)
    return path if path.is_file() else None


__all__ = ["STALE_AFTER", "errors_file", "job_dir", "refresh_stale", "resume", "run", "start", "state_of", "submit"]
