"""Django for a benchmark: a SQLite database of its own (or a PostgreSQL one, `url`), migrated,
with a fast password hasher and the test client's host allowed. Import it from a benchmark run
as a script."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

# A raw dossier row, in this order, for benchmarks that write a million of them with executemany.
DOSSIER_COLUMNS = (
    "code, procedure_id, unit_id, channel, status, source, applicant_name, applicant_phone, applicant_address, "
    "received_on, received_at, due_on, due_computed, supplement_requested_on, supplement_note, supplemented_on, "
    "apology_on, apology_reason, new_due_on, result_on, returned_on, return_method, timeliness, current_body, "
    "current_step, search, created_at, updated_at"
)
DOSSIER_INSERT = f"INSERT INTO dossiers_dossier ({DOSSIER_COLUMNS}) VALUES ({', '.join(['?'] * 28)})"


ROOT = Path(__file__).resolve().parents[1]


def throwaway_postgres(parent: Path) -> tuple[str, Path]:
    """A PostgreSQL server of the benchmark's own (`scripts/postgres start` in `parent`): its
    DATABASE_URL and directory, for `drop_postgres` at the end (which removes `parent` too)."""
    pg = parent / "pg"
    parent.chmod(0o755)  # the server may run as another system user (scripts/postgres, as root)
    url = subprocess.run([ROOT / "scripts" / "postgres", "start", str(pg)], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return url, pg


def drop_postgres(pg: Path) -> None:
    subprocess.run([ROOT / "scripts" / "postgres", "destroy", str(pg)], check=False, capture_output=True)
    with contextlib.suppress(OSError):
        pg.parent.rmdir()


def start(data_dir: Path, db_path: Path | None = None, url: str = "") -> None:
    """Point the app at `data_dir` (its secret key, uploads) and the database `url`, else the
    SQLite file `db_path` (default: bench.sqlite3 in `data_dir`), set Django up and migrate."""
    os.environ["DIEUHANH_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = url or f"sqlite:///{db_path or data_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command

    # one JSON line per request on stderr would drown the figures; errors still show
    logging.getLogger("dieuhanh.request").setLevel(logging.WARNING)

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
