"""The citizens' limits hold when the product runs as it does in production: `dieuhanh serve`
(gunicorn, three worker processes) behind a reverse proxy on 127.0.0.1. Each worker has its own
memory, so a count kept in process memory lets through up to workers × limit filings.

The server runs in a subprocess on its own SQLite file in a temporary data directory, so the test
needs neither pytest's database nor DATABASE_URL; the PostgreSQL run skips it (it would only
repeat this one). About 5 s: migrate ~3 s, start ~1 s, the requests well under 1 s."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dieuhanh.petitions.views import FILING

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs its own SQLite server; once is enough"),
]

WORKERS = 3
ATTEMPTS = 30
CLIENT = "203.0.113.7"  # as the reverse proxy saw it (TEST-NET-3)
OTHER_CLIENT = "203.0.113.8"
START_TIMEOUT = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post_report(port: int, forwarded_for: str) -> int:
    """One Open311 report with no service_code over a fresh connection: 400 while the address is
    within its budget of failed attempts (counted before the report is read), 429 after."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("POST", "/open311/v2/requests.json", body="description=x", headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": forwarded_for,
        })
        return conn.getresponse().status
    finally:
        conn.close()


def _get(port: int, path: str) -> int:
    # as patient as the reports: on a busy machine a worker that has just booted may take seconds
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture
def server(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DIEUHANH_DEMO", "DIEUHANH_DEBUG")}
    env.update(DIEUHANH_DATA_DIR=str(tmp_path / "var"), DIEUHANH_TRUSTED_PROXIES="127.0.0.1",
               DJANGO_SETTINGS_MODULE="dieuhanh.settings")
    subprocess.run([sys.executable, "-m", "dieuhanh.cli", "migrate"], env=env, check=True, capture_output=True,
                   timeout=120)
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    # `serve` runs gunicorn and a queue worker as its children; stopping it stops both.
    proc = subprocess.Popen(  # noqa: S603 - this interpreter, our own arguments
        [sys.executable, "-m", "dieuhanh.cli", "serve", "--port", str(port), "--workers", str(WORKERS)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            booted = (tmp_path / "server.log").read_text().count("Booting worker")
            try:
                ready = _get(port, "/open311/v2/discovery.json") == 200
            except OSError:
                ready = False
            if ready and booted >= WORKERS:
                break
            time.sleep(0.2)
        # Every worker imports the app before it accepts; give the last ones that moment.
        with ThreadPoolExecutor(WORKERS * 2) as pool:
            assert set(pool.map(lambda _: _get(port, "/open311/v2/discovery.json"), range(WORKERS * 4))) == {200}
        yield port, tmp_path / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - gunicorn stops on SIGTERM
            proc.kill()
            proc.wait()
        log.close()


def test_filing_limit_holds_across_gunicorn_workers(server):
    port, log = server
    # Concurrent requests on fresh connections spread over the workers. The client also sends
    # its own X-Forwarded-For entries, a new one each time; only the address the trusted proxy
    # appended (the right-most) counts.
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda i: _post_report(port, f"198.51.100.{i}, {CLIENT}"), range(ATTEMPTS)))
    through = [s for s in statuses if s != 429]
    failed_limit = FILING.failed_limit_for(CLIENT)
    assert len(through) == failed_limit, (statuses, log.read_text()[-3000:])
    assert set(through) == {400} and statuses.count(429) == ATTEMPTS - failed_limit
    # Another citizen behind the same proxy has a budget of their own.
    assert _post_report(port, OTHER_CLIENT) == 400
