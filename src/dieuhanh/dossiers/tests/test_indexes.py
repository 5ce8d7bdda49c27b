"""The dossier indexes a large load sets aside: recorded on the job in the transaction that drops
them, built again exactly as they were, and rebuilt after a killed job only once it is no longer
running. Also the jobs a restarted server left behind (running or never started), and who may
import. The end-to-end case — a killed large load, then a re-run — is in test_import_kill.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dieuhanh.dossiers import importer, indexes, jobs, tally
from dieuhanh.dossiers.choices import JobKind, JobState
from dieuhanh.dossiers.models import Dossier, ImportJob

pytestmark = pytest.mark.django_db


def _job(**fields) -> ImportJob:
    return ImportJob.objects.create(kind=JobKind.DOSSIERS, file_path="ho-so.csv", original_name="x.csv", **fields)


def test_set_aside_records_the_definitions_and_restore_builds_them_again(world):
    world.dossier()
    before = indexes.secondary()
    names = [name for name, _ in before]
    # the statistics, list and late-now indexes and the foreign keys'; never the unique code
    assert {"dossier_stats_unit", "dossier_stats_procedure", "dossier_stats_class", "dossier_status_due",
            "dossier_received_unit"} <= set(names)
    assert all("UNIQUE" not in sql.upper() for _, sql in before)
    job = _job(state=JobState.RUNNING, heartbeat_at=timezone.now())

    assert indexes.set_aside(job) == [*names, tally.TRIGGERS]
    assert indexes.secondary() == [] and not tally.installed()
    job.refresh_from_db()
    assert job.deferred_indexes == [*before, [tally.TRIGGERS, ""]]
    world.dossier()  # written while the triggers are aside: counted when they come back
    assert Dossier.objects.filter(unit=world.ward_a).count() == 2  # the table still answers
    assert indexes.set_aside(_job()) == []  # nothing left to set aside: a second job records nothing

    assert indexes.restore(job) == [*names, tally.TRIGGERS]
    assert indexes.secondary() == before and tally.installed()
    assert tally.stored() == tally.recount() and sum(tally.stored().values()) == 2
    job.refresh_from_db()
    assert job.deferred_indexes == []
    assert indexes.restore(job) == []


def test_orphans_are_rebuilt_only_once_their_job_has_stopped(world):
    now = timezone.now()
    job = _job(state=JobState.RUNNING, heartbeat_at=now)
    names = indexes.set_aside(job)
    assert indexes.restore_orphans(now) == []  # still running: its own end rebuilds them
    assert indexes.secondary() == []
    later = now + jobs.STALE_AFTER + dt.timedelta(seconds=1)
    assert indexes.restore_orphans(later) == names  # heartbeat stopped: killed
    assert {name for name, _ in indexes.secondary()} == set(names) - {tally.TRIGGERS} and tally.installed()
    job.refresh_from_db()
    assert job.deferred_indexes == []


def test_a_stale_job_recorded_as_interrupted_gives_its_indexes_back(world):
    old = timezone.now() - jobs.STALE_AFTER - dt.timedelta(minutes=1)
    job = _job(state=JobState.RUNNING, heartbeat_at=old)
    names = indexes.set_aside(job)
    assert jobs.refresh_stale() == 1
    job.refresh_from_db()
    assert job.state == JobState.INTERRUPTED and job.deferred_indexes == []
    assert {name for name, _ in indexes.secondary()} == set(names) - {tally.TRIGGERS} and tally.installed()


def test_a_queued_job_never_started_is_interrupted_and_can_be_resumed(world):
    job = _job(state=JobState.QUEUED)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - jobs.STALE_AFTER - dt.timedelta(minutes=1))
    job.refresh_from_db()
    assert jobs.state_of(job) == JobState.INTERRUPTED
    fresh = _job(state=JobState.QUEUED)
    assert jobs.state_of(fresh) == JobState.QUEUED
    assert jobs.refresh_stale() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == JobState.INTERRUPTED and "chưa chạy" in job.message
    assert fresh.state == JobState.QUEUED
    resumed = jobs.resume(job, background=True)  # queued again, with a fresh heartbeat
    assert resumed.state == JobState.QUEUED and jobs.state_of(resumed) == JobState.QUEUED


@pytest.mark.parametrize(("projected", "existing", "expected"), [
    (99_999, 0, False),  # a daily file into an empty table
    (100_000, 0, True),  # the first load of a year
    (100_000, 100_001, False),  # fewer rows than the table holds: indexes kept
    (500_000, 400_000, True),
    (0, 0, False),  # a re-import adds nothing
])
def test_which_loads_set_the_indexes_aside(settings, projected, existing, expected):
    settings.DIEUHANH_IMPORT_BULK_ROWS = 100_000
    assert indexes.worth_it(projected, existing) is expected


def test_the_office_imports_dossiers_but_not_the_catalogue(world):
    importer.check_may_import(world.office, JobKind.DOSSIERS)
    importer.check_may_import(world.onestop_a, JobKind.DOSSIERS)
    with pytest.raises(PermissionDenied):
        importer.check_may_import(world.office, JobKind.PROCEDURES)
    with pytest.raises(PermissionDenied):
        importer.check_may_import(world.officer_a, JobKind.DOSSIERS)


def test_a_load_that_found_them_aside_builds_them_all_again(world):
    # a run killed a moment ago still looks alive; the next large load builds its indexes anyway
    killed = _job(state=JobState.RUNNING, heartbeat_at=timezone.now())
    names = indexes.set_aside(killed)
    assert indexes.restore_orphans() == []
    assert indexes.restore_all() == names
    assert {name for name, _ in indexes.secondary()} == set(names) - {tally.TRIGGERS} and tally.installed()
    killed.refresh_from_db()
    assert killed.deferred_indexes == []


@pytest.mark.django_db(transaction=True)
def test_a_large_load_outside_a_transaction_reads_in_a_second_process(world, tmp_path, settings):
    """Outside a transaction and on a database another process can open (PostgreSQL, or a SQLite
    file), batches are checked by the reading process and written here; with the threshold low
    the indexes are set aside after the first batch and all back at the end."""
    from dieuhanh.dossiers.tests.test_import import row, write_csv

    settings.DATA_DIR = tmp_path / "var"
    settings.DIEUHANH_IMPORT_BULK_ROWS = 10
    world.procedure()
    before = indexes.secondary()
    rows = [row(f"HS-{i:04d}", "07/07/2025", status="Đã có kết quả", result="08/07/2025") for i in range(120)]
    rows.append(row("HS-BAD", "07/07/2025", proc="9.999999"))
    result = importer.import_file(write_csv(tmp_path / "ho-so.csv", rows), batch_size=25)
    assert (result.created, result.bad, result.unchanged) == (120, 1, 0)
    assert Dossier.objects.count() == 120
    assert indexes.secondary() == before
    assert not ImportJob.objects.exclude(deferred_indexes=[]).exists()
    assert tally.installed() and tally.stored() == tally.recount()
    assert sum(tally.stored().values()) == 120
    again = importer.import_file(tmp_path / "ho-so.csv", batch_size=25)
    assert (again.created, again.updated, again.unchanged, again.bad) == (0, 0, 120, 1)


def test_the_statistics_count_from_the_table_while_the_triggers_are_aside(world):
    """What the IOC and the derived indicators read (tally.sums, tally.counts) stays equal to the
    dossiers counted directly while a load holds the triggers aside, dossiers written meanwhile
    included."""
    world.dossier()
    first, last = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

    def read() -> tuple:
        by_unit = sorted(tally.sums(first, last, by="unit_id"))
        counted = sorted((m, u, c, n) for m, u, c, n in tally.counts(first, last))
        return by_unit, counted

    direct = lambda: sorted(tally.recount().items())  # noqa: E731 - the dossiers counted directly
    indexes.set_aside(_job(state=JobState.RUNNING, heartbeat_at=timezone.now()))
    world.dossier()
    world.dossier(world.onestop_b, unit=world.ward_b)
    assert not tally.installed() and tally.stored() != tally.recount()  # the tally stopped following
    by_unit, counted = read()
    assert [(m, u, c, n) for (m, u, c), n in direct()] == counted
    assert sum(n for *_, n in by_unit) == Dossier.objects.count() == 3
    assert {u for u, *_ in by_unit} == {world.ward_a.pk, world.ward_b.pk}


def test_the_start_hook_gives_back_what_a_killed_load_left_aside(world, caplog, monkeypatch):
    """`dieuhanh serve`, `dieuhanh worker` and runserver run the apps' start hooks: the dossiers'
    builds again the indexes and the triggers of a load that no longer runs (here its process on
    this machine has stopped: at once, its heartbeat being fresh), and a hook that fails is
    logged without stopping the others."""
    import socket
    import subprocess
    import sys

    from dieuhanh.core import platform
    from dieuhanh.dossiers.apps import DossiersConfig

    world.dossier()
    before = indexes.secondary()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job = _job(state=JobState.RUNNING, heartbeat_at=timezone.now(), runner=f"{socket.gethostname()}:{dead.pid}")
    indexes.set_aside(job)
    world.dossier()
    monkeypatch.setattr(DossiersConfig, "on_start", ("dieuhanh.khong.co", *DossiersConfig.on_start))
    assert platform.run_start_hooks("test") == ["dieuhanh.dossiers.jobs.on_start"]
    assert indexes.secondary() == before and tally.installed() and tally.stored() == tally.recount()
    job.refresh_from_db()
    assert job.state == JobState.INTERRUPTED and job.deferred_indexes == []
    assert "start of test: dieuhanh.khong.co failed" in caplog.text


def test_missing_triggers_no_job_recorded_are_installed_again_at_start(world):
    world.dossier()
    tally.uninstall()
    world.dossier()
    assert jobs.on_start() == {"interrupted": 0, "built": [], "tally": True}
    assert tally.installed() and sum(tally.stored().values()) == 2
    # but not while a running load holds them aside: it puts them back at its end
    indexes.set_aside(_job(state=JobState.RUNNING, heartbeat_at=timezone.now()))
    assert jobs.on_start()["tally"] is False and not tally.installed()
