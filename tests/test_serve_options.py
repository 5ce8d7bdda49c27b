"""`dieuhanh serve` chooses gunicorn's processes and threads from the machine's CPU count
(cli.web_concurrency, docs/decisions/0035), takes `--threads`, and hands whatever follows `--` to
gunicorn, after its own options so that they win. Checked on gunicorn's own account of its
configuration (`--print-config`: it prints and exits without serving)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dieuhanh
from dieuhanh.cli import web_concurrency

SRC = Path(dieuhanh.__file__).resolve().parents[1]


def test_serve_sizes_gunicorn_by_cpu_and_passes_gunicorn_options(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DIEUHANH_DEMO", "DIEUHANH_DEBUG")}
    env.update(DIEUHANH_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-m", "dieuhanh.cli", "serve", "--port", "1", "--queue-workers", "0", "--threads", "3",
         "--", "--print-config", "--keep-alive", "7"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    config = dict(line.split(" = ", 1) for line in out.stdout.splitlines() if " = " in line)
    config = {k.strip(): v.strip() for k, v in config.items()}
    assert config["workers"] == str(web_concurrency(os.cpu_count() or 1)[0])
    assert (config["threads"], config["worker_class"], config["keepalive"]) == ("3", "gthread", "7")


def test_one_process_per_core_at_least_two_two_threads_each() -> None:
    assert [web_concurrency(n) for n in (1, 2, 4)] == [(2, 2), (2, 2), (4, 2)]
