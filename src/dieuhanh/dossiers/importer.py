"""Import of one-stop exports (dossiers) and of the procedures catalogue. Work in progress:
the interface (`import_file`, `ImportResult`, `ImportRefused`, `check_may_import`) is stable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied

from dieuhanh.core.permissions import may
from dieuhanh.dossiers.choices import JobKind
from dieuhanh.org.choices import Role

IMPORTERS = (Role.ONE_STOP, Role.ADMIN)


class ImportRefused(Exception):
    """The whole file is refused (unreadable, or required columns missing); nothing was written."""


@dataclass
class ImportResult:
    job_id: int | None
    total: int
    created: int
    updated: int
    unchanged: int
    bad: int
    errors_path: str
    seconds: float


def check_may_import(actor: Any, kind: str) -> None:
    """Dossiers: one-stop officers (for their units' rows) and administrators. Procedures:
    administrators. `actor=None` is the command line run by the server's operator."""
    if actor is None:
        return
    if kind == JobKind.PROCEDURES:
        if not may(actor, (Role.ADMIN,), None):
            raise PermissionDenied("Chỉ quản trị hệ thống được nhập danh mục thủ tục hành chính.")
        return
    from dieuhanh.org import scope

    units = scope.unit_scope(actor, *IMPORTERS)
    if units is not scope.ALL and not units:
        raise PermissionDenied("Bạn không có quyền nhập hồ sơ thủ tục hành chính.")


def import_file(
    path: str | Path,
    *,
    kind: str = JobKind.DOSSIERS,
    actor: Any = None,
    mapping: dict[str, str] | None = None,
    job: Any = None,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = 20_000,
) -> ImportResult:
    raise NotImplementedError
