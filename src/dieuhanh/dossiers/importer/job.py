"""The entry point of a dossier or procedure import: who may import, and `import_file`, which
runs a job from its file to its audit record."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from dieuhanh.core import access, audit, queue
from dieuhanh.core.choices import AuditAction
from dieuhanh.core.tabular import ImportRefused
from dieuhanh.dossiers import columns as cols
from dieuhanh.dossiers import indexes
from dieuhanh.dossiers.choices import JobKind, JobState
from dieuhanh.dossiers.importer.dossiers import _import_dossiers
from dieuhanh.dossiers.importer.files import _Errors, _Source, sha256_of
from dieuhanh.dossiers.importer.procedures import _import_procedures
from dieuhanh.dossiers.models import ImportJob

if TYPE_CHECKING:
    from dieuhanh.org.models import User

BATCH_SIZE = 25_000


@dataclass
class ImportResult:
    """The counts of a finished job, the path of its error file ("" without bad rows), its
    duration and the file's headers that no field took."""

    job_id: int | None
    total: int
    created: int
    updated: int
    unchanged: int
    bad: int
    errors_path: str
    seconds: float
    ignored_columns: tuple[str, ...] = ()


def check_may_import(actor: User | None, kind: str) -> None:
    """Who may import. Dossiers: the one-stop officers, the committee office (which follows the
    unit's dossiers for its leaders) and administrators, each loading the rows of its own units.
    Procedures: administrators. `actor=None` is the command line, run by the server's operator."""
    if actor is None:
        return
    if kind == JobKind.PROCEDURES:
        if not access.may(actor, "dossiers", "catalogue", None):
            raise PermissionDenied("Chỉ quản trị hệ thống được nhập danh mục thủ tục hành chính.")
        return
    if not access.holds(actor, "dossiers", "import"):
        raise PermissionDenied("Bạn không có quyền nhập hồ sơ thủ tục hành chính.")


def import_file(
    path: str | Path,
    *,
    kind: str = JobKind.DOSSIERS,
    actor: User | None = None,
    mapping: dict[str, str] | list[str] | None = None,
    job: ImportJob | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import `path` (.csv or .xlsx) as dossiers or procedures; returns the counts.

    Creates the `ImportJob` when none is given (the command line), else runs the given one (the
    web page's background job). Raises ImportRefused (the job is marked refused, nothing written)
    when the file cannot be read or lacks a required column, PermissionDenied when the actor may
    not import this kind at all. Writes one audit event for the whole job (not one per row)."""
    started = time.monotonic()
    path = Path(path)
    check_may_import(actor, kind)
    if kind == JobKind.DOSSIERS and not connection.in_atomic_block:
        indexes.restore_orphans()  # left by a killed large load
    try:
        mapping = cols.parse_mapping(mapping, kind)
    except cols.ColumnError as exc:
        raise ImportRefused(str(exc)) from None
    if job is None:
        job = ImportJob.objects.create(
            kind=kind, state=JobState.QUEUED, file_path=str(path.resolve()), original_name=path.name[:300],
            mapping=mapping, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, message="", total_rows=None,
        runner=queue.this_process(),
        processed_rows=0, created_rows=0, updated_rows=0, unchanged_rows=0, bad_rows=0, errors_path="",
    )
    try:
        sha = job.sha256 or sha256_of(path)
        source = _Source(path, kind, mapping)
    except ImportRefused as exc:
        _finish(job, JobState.REFUSED, str(exc))
        raise
    errors_path = Path(settings.DATA_DIR) / "imports" / str(job.pk) / f"loi-nhap-{job.pk}.csv"
    errors = _Errors(errors_path, source.layout.header.get("code", "Mã"))
    ImportJob.objects.filter(pk=job.pk).update(total_rows=source.estimate, sha256=sha)
    try:
        if kind == JobKind.PROCEDURES:
            counts = _import_procedures(source, job, errors, progress, batch_size)
        else:
            counts = _import_dossiers(source, job, actor, errors, progress, batch_size)
    except BaseException as exc:
        errors.close()
        source.close()
        if isinstance(exc, ImportRefused):
            _finish(job, JobState.REFUSED, str(exc))
        elif isinstance(exc, Exception):
            _finish(job, JobState.FAILED, f"Lỗi khi nhập: {exc}")
        raise
    errors.close()
    source.close()
    seconds = time.monotonic() - started
    ignored = source.layout.ignored
    message = (
        f"Đã đọc {counts['processed']:,} dòng: thêm mới {counts['created']:,}, cập nhật {counts['updated']:,}, "
        f"không đổi {counts['unchanged']:,}, dòng lỗi {counts['bad']:,}."
    ).replace(",", ".")
    if ignored:
        message += " Bỏ qua các cột: " + ", ".join(f"«{h}»" for h in ignored) + "."
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, total_rows=counts["processed"], finished_at=timezone.now(),
            heartbeat_at=timezone.now(), message=message, errors_path=errors.written,
        )
        job.refresh_from_db()
        audit.record(
            actor=actor, action=AuditAction.IMPORT, obj=job,
            after={"kind": kind, "file": job.original_name, "sha256": sha, "rows": counts["processed"],
                   "created": counts["created"], "updated": counts["updated"], "unchanged": counts["unchanged"],
                   "bad": counts["bad"], "seconds": round(seconds, 1)},
        )
    return ImportResult(
        job_id=job.pk, total=counts["processed"], created=counts["created"], updated=counts["updated"],
        unchanged=counts["unchanged"], bad=counts["bad"], errors_path=errors.written, seconds=seconds,
        ignored_columns=ignored,
    )


def _finish(job: ImportJob, state: str, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, message=message[:4000], finished_at=timezone.now(), heartbeat_at=timezone.now()
    )

