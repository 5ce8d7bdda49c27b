"""Read replicas for the statistics pages (core/replicas.py, docs/decisions/0037), against a real
streaming standby of the test run's PostgreSQL server, started here by `scripts/postgres replica`."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from dieuhanh.core import replicas
from dieuhanh.directives.models import Task
from dieuhanh.testing import verify_session

ROOT = Path(__file__).resolve().parents[4]
on_postgres = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a streaming replica is a PostgreSQL server's",
)


def test_without_replicas_every_read_is_the_primarys(db):
    assert replicas.aliases() == []
    assert replicas.stats_db() == "default"
    with replicas.reading_statistics() as alias:
        assert alias == "default"
        assert Task.objects.all().db == "default"


def test_a_replica_is_never_migrated(settings):
    settings.DIEUHANH_REPLICAS = ["replica"]
    router = replicas.Router()
    assert router.allow_migrate("replica", "dossiers", "dossier") is False
    assert router.allow_migrate("default", "dossiers", "dossier") is None
    assert router.db_for_write(Task) == "default"


@pytest.fixture
def replica(settings, transactional_db):
    """A hot standby of the test database's server, as the alias "replica". Its directory is
    outside pytest's (private to the user running the tests; as root the server runs as another)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    d = connections["default"].settings_dict
    primary = (f"postgres://{quote(d['USER'])}:{quote(str(d['PASSWORD']))}@{d['HOST'] or '127.0.0.1'}:"
               f"{d['PORT'] or 5432}/{quote(d['NAME'])}")
    parent = Path(tempfile.mkdtemp(prefix="dieuhanh-replica-"))
    parent.chmod(0o755)
    where = parent / "pg"
    started = subprocess.run([ROOT / "scripts" / "postgres", "replica", primary, str(where)],  # noqa: S603
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip().splitlines()[-1]
    port = url.rsplit(":", 1)[1].split("/")[0]
    # A connection made here rather than in the settings: the test case allows it as it allows
    # any connection created during a test.
    connections["replica"] = DatabaseWrapper({**d, "PORT": port, "CONN_MAX_AGE": 0,
                                              "OPTIONS": {**d.get("OPTIONS", {}), "connect_timeout": 3}}, "replica")
    settings.DIEUHANH_REPLICAS = ["replica"]
    settings.DIEUHANH_REPLICA_MAX_LAG = 30
    replicas.forget_health()
    try:
        yield where
    finally:
        connections["replica"].close()
        delattr(connections._connections, "replica")
        replicas.forget_health()
        subprocess.run([ROOT / "scripts" / "postgres", "destroy", str(where)], check=False,  # noqa: S603
                       capture_output=True, timeout=120)
        shutil.rmtree(parent, ignore_errors=True)


def _caught_up(check, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "the replica did not catch up"
        time.sleep(0.2)


def _figures(response):
    data = response.context["data"]
    return data.units, data.trends, data.sections


@pytest.mark.postgres_only
@on_postgres
@pytest.mark.replica
@pytest.mark.django_db(transaction=True)
def test_statistics_pages_read_a_replica_and_fall_back_to_the_primary(world, replica, client, caplog):
    client.force_login(world.leader)
    verify_session(client, world.leader)
    world.task(title="Nhiệm vụ ghi trên máy chính")
    # A write on the primary reaches the standby.
    _caught_up(lambda: Task.objects.using("replica").filter(title="Nhiệm vụ ghi trên máy chính").exists())

    # The IOC reads the replica (its figures, not the session, account or grants) and shows the
    # primary's figures.
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        through_replica = client.get("/ioc/")
    assert through_replica.status_code == 200
    assert len(on_replica.captured_queries) > 5
    assert not any("django_session" in q["sql"] or "org_rolegrant" in q["sql"]
                   for q in on_replica.captured_queries)
    django_settings.DIEUHANH_REPLICAS = []
    on_primary = client.get("/ioc/")
    django_settings.DIEUHANH_REPLICAS = ["replica"]
    assert _figures(through_replica) == _figures(on_primary)
    assert any(t for t in through_replica.context["data"].units)

    # A request that writes reads its statistics on the primary, and so does its client's next
    # page for a while (the cookie), whichever app server answers it.
    def writes_then_reads(request):
        world.task(title="Nhiệm vụ thứ hai")
        return HttpResponse(replicas.stats_db())

    middleware = replicas.PrimaryAfterWriteMiddleware(writes_then_reads)
    response = middleware(RequestFactory().post("/"))
    assert response.content == b"default"
    assert response.cookies[replicas.COOKIE]["max-age"] == django_settings.DIEUHANH_READ_YOUR_WRITES_SECONDS
    client.cookies[replicas.COOKIE] = "1"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/ioc/").status_code == 200
    assert on_replica.captured_queries == []
    del client.cookies[replicas.COOKIE]
    assert middleware(RequestFactory().get("/")).content == b"replica"

    # A replica too far behind is left aside: replay paused, a write it has not replayed.
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        world.task(title="Nhiệm vụ chưa sang máy phụ")
        time.sleep(1.2)
        django_settings.DIEUHANH_REPLICA_MAX_LAG = 1
        replicas.forget_health()
        with caplog.at_level(logging.WARNING, logger="dieuhanh.replica"):
            assert replicas.stats_db() == "default"
        assert "behind the primary" in caplog.text
    finally:
        with connections["replica"].cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
        django_settings.DIEUHANH_REPLICA_MAX_LAG = 30
    replicas.forget_health()
    _caught_up(lambda: replicas.stats_db() == "replica")

    # `migrate` leaves the replica alone, even when pointed at it.
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        call_command("migrate", database="replica", verbosity=0)
    assert not any(q["sql"].lstrip().upper().startswith(("CREATE", "ALTER", "INSERT", "DROP"))
                   for q in on_replica.captured_queries)

    # The replica stops: the page still answers, from the primary, and says so in the log.
    connections["replica"].close()
    subprocess.run([ROOT / "scripts" / "postgres", "stop", str(replica)], check=True,  # noqa: S603
                   capture_output=True, timeout=120)
    replicas.forget_health()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dieuhanh.replica"):
        down = client.get("/ioc/")
    assert down.status_code == 200
    assert _figures(down) == _figures(client.get("/ioc/"))
    assert "unreachable" in caplog.text
