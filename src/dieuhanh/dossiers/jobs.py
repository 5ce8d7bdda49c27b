"""Import jobs started from the web page: the uploaded file is kept under
`DATA_DIR/imports/<job id>/`, an `ImportJob` row is created and the import is queued
(`run_queued`, core/queue.py) in the same transaction; a `dieuhanh worker` process runs it,
updating the row's counters and heartbeat after each committed batch so the page can show a
progress bar. The job's `task_id` names its queued job.

Why the queue (docs/decisions/0026) and not threads of the web process, as before: a web server
restarted or killed during an import took its thread with it and left the job for someone to run
again by hand; and each gunicorn process ran the imports it had accepted. Now:
- the work runs in a worker, beside the web server (`dieuhanh serve` starts one) or on another
  machine; the web process only stores the file and queues the job;
- a worker killed mid-import (SIGKILL, power cut) leaves the queued job RUNNING and the
  `ImportJob` RUNNING; when its heartbeat is stale, the next worker puts the queued job back to
  READY and runs the same file again. The import is idempotent (the dossier code is the natural
  key, each batch is one transaction), so the re-run completes it without adding anything twice;
- `state_of()` reports a job interrupted only when its queued job will not run any more (failed,
  gone, or left under a stopped worker); `resume()` queues an interrupted or failed job again.
A job run at once (`submit(..., background=False)`, the `dieuhanh import` command) has no
queued job; its heartbeat alone tells whether it still runs.

When a job ends (done, refused or failed), whoever started it gets a notification."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.core import queue
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
    for directory in (target.parent.parent, target.parent):  # DATA_DIR/imports/<job id>
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The service user's only, whatever the process's umask (settings.py sets 077).
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        os.fchmod(out.fileno(), 0o600)
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
    """Keep the file, create a QUEUED job and queue it for a worker (in the caller's transaction:
    a worker sees it once that commits); with `background=False`, run it here and now. Returns
    the job; read its fields (state, processed_rows, total_rows, created/updated/unchanged/
    bad_rows, message, errors_path) to show progress.

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
        enqueue(job.pk)
    else:
        run(job.pk)
    job.refresh_from_db()
    return job


def enqueue(job_id: int) -> str:
    """Queue the run of job `job_id` and note its queued job on the row (one transaction)."""
    with transaction.atomic():
        result = run_queued.enqueue(job_id)
        ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id))
    return str(result.id)


@queue.task()
def run_queued(job_id: int) -> dict[str, Any]:
    """The queued run of an import job (by a worker). A job already done or refused is left as
    it is: the queue delivers at least once, so this may be a second delivery."""
    state = ImportJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
    if state is None or state in (JobState.DONE, JobState.REFUSED):
        return {"job": job_id, "skipped": state or "missing"}
    result = run(job_id)
    if result is None:  # refused, or not the user's to import: the row says which
        return {"job": job_id, "state": ImportJob.objects.get(pk=job_id).state}
    return {"job": job_id, "rows": result.total, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "bad": result.bad}


def run(job_id: int) -> Any:
    """Do the work of job `job_id` (in the calling thread). Returns the `ImportResult`, or None
    when the file was refused (the job is then REFUSED with the reason in `message`: the file
    cannot be read or lacks a column, so running it again would change nothing) or the user may
    not import it (FAILED). Its creator is notified when it ends, however it ends."""
    from dieuhanh.dossiers import importer

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        result = importer.import_file(
            job.file_path, kind=job.kind, actor=job.created_by, mapping=job.mapping or None, job=job,
            batch_size=settings.DIEUHANH_IMPORT_BATCH_ROWS,
        )
    except importer.ImportRefused as exc:
        _fail(job_id, str(exc), JobState.REFUSED)
        _notify_finished(job_id)
        return None
    except PermissionDenied as exc:
        _fail(job_id, str(exc))
        _notify_finished(job_id)
        return None
    except Exception as exc:
        _fail(job_id, f"Lỗi khi nhập: {exc}")
        _notify_finished(job_id)
        raise
    _notify_finished(job_id)
    return result


def _n(value: int | None) -> str:
    return f"{value or 0:,}".replace(",", ".")


def _notify_finished(job_id: int) -> None:
    """Tell the job's creator how it ended, with its counts and a link to its page."""
    from dieuhanh.notifications.services import notify

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.created_by is None:
        return
    name = job.original_name
    if job.state == JobState.DONE:
        title = _("Đã nhập xong tệp «%(name)s»") % {"name": name}
        body = _("Đã đọc %(rows)s dòng: thêm mới %(created)s, cập nhật %(updated)s, không đổi %(unchanged)s, "
                 "dòng lỗi %(bad)s.") % {
            "rows": _n(job.processed_rows), "created": _n(job.created_rows), "updated": _n(job.updated_rows),
            "unchanged": _n(job.unchanged_rows), "bad": _n(job.bad_rows)}
        if job.bad_rows:
            body += " " + _("Xem các dòng lỗi (số dòng, cột, lý do) trên trang lượt nhập.")
    elif job.state == JobState.REFUSED:
        title = _("Không nhập được tệp «%(name)s»") % {"name": name}
        body = job.message
    else:
        title = _("Lượt nhập tệp «%(name)s» bị lỗi") % {"name": name}
        body = _("Đã đọc %(rows)s dòng trước khi lỗi. %(message)s Có thể chạy lại lượt nhập trên trang của nó: các "
                 "dòng đã nhập không bị nhân đôi.") % {"rows": _n(job.processed_rows), "message": job.message}
    try:
        notify([job.created_by], rule="import.finished", title=title, body=body,
               url=reverse("dossier_import_job", args=[job.pk]), key=f"import.finished:{job.pk}")
    except Exception:  # the import itself is recorded; a notification lost is not worth failing it
        log.exception("import job %s: the notification of its end was not recorded", job_id)


def _fail(job_id: int, message: str, state: str = JobState.FAILED) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        state=state, message=message[:2000], finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


def state_of(job: ImportJob, now: dt.datetime | None = None) -> str:
    """The job's state as users should see it. A job with a queued job: QUEUED while that waits
    for a worker, its own state while a live worker runs it, interrupted when it will not run
    any more. A job run at once (no queued job): interrupted when RUNNING or QUEUED with a
    heartbeat that stopped. Either kind is interrupted at once when RUNNING in a process of this
    machine that has stopped (`runner`)."""
    if job.state not in ACTIVE_STATES:
        return job.state
    if job.state == JobState.RUNNING and job.runner and queue.process_gone(job.runner):
        return JobState.INTERRUPTED  # its process on this machine has stopped: no need to wait for the heartbeat
    if job.task_id:
        where = queue.task_state(job.task_id, now)
        if where == "ready":
            return JobState.QUEUED
        return job.state if where == "running" else JobState.INTERRUPTED
    beat = job.heartbeat_at or job.started_at or job.created_at
    if beat is not None and (now or timezone.now()) - beat > STALE_AFTER:
        return JobState.INTERRUPTED
    return job.state


def refresh_stale(now: dt.datetime | None = None) -> int:
    """Record as interrupted every RUNNING or QUEUED job whose heartbeat (or creation) is older
    than STALE_AFTER, or RUNNING in a process of this machine that has stopped, and whose queued
    job, if any, will not run any more; build again the dossier indexes such a job had set aside."""
    from dieuhanh.dossiers import indexes

    now = now or timezone.now()
    limit = now - STALE_AFTER
    queued = ImportJob.objects.filter(state__in=ACTIVE_STATES).exclude(task_id="").values_list("pk", "task_id")
    alive = [pk for pk, task_id in queued if queue.task_state(task_id, now) in ("ready", "running")]
    active = ImportJob.objects.exclude(pk__in=alive)
    message = "Lượt nhập bị ngắt (máy chủ dừng giữa chừng). Chạy lại để hoàn tất: các dòng đã nhập không bị nhân đôi."
    gone = [pk for pk, runner in active.filter(state=JobState.RUNNING).exclude(runner="").values_list("pk", "runner")
            if queue.process_gone(runner)]
    count = active.filter(state=JobState.RUNNING).filter(models.Q(heartbeat_at__lt=limit) | models.Q(pk__in=gone)).update(
        state=JobState.INTERRUPTED, message=message)
    count += active.filter(state=JobState.QUEUED).filter(
        models.Q(heartbeat_at__lt=limit) | models.Q(heartbeat_at__isnull=True, created_at__lt=limit)
    ).update(state=JobState.INTERRUPTED, message="Lượt nhập chưa chạy (máy chủ khởi động lại). Chạy lại để nhập tệp.")
    if count:
        indexes.restore_orphans(now)
    return count


def on_start() -> dict[str, Any]:
    """What a server process does as it starts (`PlatformApp.on_start`): a bulk import killed
    before (SIGKILL, power cut) may have left the dossier indexes and the tally's triggers aside.
    Record as interrupted the jobs that no longer run (`refresh_stale`: a stale heartbeat, or a
    process of this machine that has stopped), build again the indexes of every job that is not
    running, and install the tally's triggers again (recounting the tally) when they are missing
    and no running job holds them aside. Returns what it did."""
    from dieuhanh.dossiers import indexes

    interrupted = refresh_stale()
    built = indexes.restore_orphans()
    triggers = indexes.restore_tally()
    if interrupted or built or triggers:
        log.warning("start: %d import jobs recorded as interrupted; built again: %s", interrupted,
                    ", ".join(built + (["dossier_tally"] if triggers else [])) or "nothing")
    return {"interrupted": interrupted, "built": built, "tally": triggers}


def sweep_stale(day: dt.date | None = None) -> int:
    """The hourly periodic job (apps.py): `refresh_stale` now. `day`, the period's first day,
    is not needed."""
    return refresh_stale()


def resume(job: ImportJob, *, actor: User | None = None, background: bool = True) -> ImportJob:
    """Run an interrupted or failed job again on the same file (queued for a worker, or here and
    now). Batches committed before the interruption are found unchanged and not written twice.
    A queued job of the earlier run still left under a stopped worker is set aside first, so the
    recovery cannot run the file a second time beside this run."""
    if actor is not None and job.created_by_id not in (None, getattr(actor, "pk", None)):
        from dieuhanh.core import access

        if access.units(actor, "dossiers", "import") is not access.ALL:
            raise PermissionDenied(_("Bạn không có quyền chạy lại lượt nhập này."))
    if state_of(job) not in RESUMABLE_STATES:
        raise ValueError(_("Chỉ chạy lại được lượt nhập bị ngắt hoặc bị lỗi."))
    with transaction.atomic():
        if job.task_id:
            queue.supersede(job.task_id, f"import job {job.pk} run again")
        ImportJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED, message="", finished_at=None,
                                                   heartbeat_at=timezone.now(), task_id="", runner="")
        if background:
            enqueue(job.pk)
    if not background:
        run(job.pk)
    job.refresh_from_db()
    return job


def errors_file(job: ImportJob) -> Path | None:
    """The job's error file (CSV, opens in Excel), or None when there were no bad rows."""
    if not job.errors_path:
        return None
    path = Path(job.errors_path)
    return path if path.is_file() else None


__all__ = [
    "STALE_AFTER", "enqueue", "errors_file", "job_dir", "on_start", "refresh_stale", "resume", "run", "run_queued", "state_of",
    "submit", "sweep_stale",
]
