"""Django for a benchmark: a SQLite database of its own, migrated, with a fast password hasher
and the test client's host allowed. Import it from a benchmark run as a script."""

from __future__ import annotations

import os
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


def start(data_dir: Path, db_path: Path | None = None) -> None:
    """Point the app at `data_dir` (its secret key, uploads) and the SQLite file `db_path`
    (default: bench.sqlite3 in `data_dir`), set Django up and migrate."""
    os.environ["DIEUHANH_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path or data_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
