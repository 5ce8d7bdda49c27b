"""The process that reads and checks an import file's batches while the importing process
writes them (see `importer.dossiers._import_dossiers`). Started by the importer only: it reads
the job's description (a pickle) on standard input and writes pickled batches on standard
output."""

from __future__ import annotations

import os
import pickle
import sys


def main() -> None:
    spec = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by our own parent process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", spec["settings"])
    os.environ["DIEUHANH_DATA_DIR"] = spec["data_dir"]
    import django
    from django.conf import settings

    django.setup()
    # The parent's database (under tests, the test database Django created).
    settings.DATABASES["default"]["NAME"] = spec["db_name"]
    from dieuhanh.dossiers import importer

    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the pipe
    try:
        importer.parse_worker(spec, out)
    except BrokenPipeError:  # the importing process is gone
        os._exit(0)


if __name__ == "__main__":
    main()
