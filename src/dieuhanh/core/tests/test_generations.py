"""The stamps of slowly changing data (core/generations.py): the database moves them on every
change to a watched table, whoever writes; what a process keeps under a stamp is read again
when it moves; a rolled-back change does not leave a stamp that names data never committed.
Runs on SQLite and on PostgreSQL (the test command's second run)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dieuhanh.core import generations, requestmemo, twofactor
from dieuhanh.core.choices import CalendarExceptionKind
from dieuhanh.core.models import CalendarException, Generation
from dieuhanh.org import scope
from dieuhanh.org.choices import Role, UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit, RoleGrant


def _stamp(name):
    with connection.cursor() as cur:
        cur.execute("SELECT stamp FROM core_generation WHERE name = %s", [name])
        row = cur.fetchone()
    return row[0] if row else None


def _triggers():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cur.fetchall()}


@pytest.mark.django_db
def test_every_watched_table_has_its_triggers_after_migrate():
    found = _triggers()
    for name, tables in generations.WATCHED.items():
        for table in tables:
            for trigger in generations._trigger_names(connection.vendor, name, table):
                assert trigger in found, f"{trigger} missing: {table} would change without moving {name!r}"
    assert set(Generation.objects.values_list("name", flat=True)) >= set(generations.WATCHED)


@pytest.mark.django_db
def test_install_again_is_harmless():
    before = _triggers()
    generations.install()
    generations.install()
    assert _triggers() == before


@pytest.mark.django_db
def test_a_change_in_sql_moves_the_stamp_of_its_tables_only(world):
    units, days = _stamp("units"), _stamp("calendar")
    with connection.cursor() as cur:  # what another process, a command or the admin's SQL does
        cur.execute("UPDATE org_adminunit SET name = name WHERE id = %s", [world.ward_a.pk])
    assert _stamp("units") != units and _stamp("calendar") == days
    units = _stamp("units")
    CalendarException.objects.bulk_create([CalendarException(date=dt.date(2031, 3, 8), kind=CalendarExceptionKind.WORKING_DAY)])
    assert _stamp("calendar") != days and _stamp("units") == units
    days = _stamp("calendar")
    CalendarException.objects.filter(date=dt.date(2031, 3, 8)).delete()
    assert _stamp("calendar") != days


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_the_stamp_it_found(world):
    before = _stamp("units")
    with pytest.raises(RuntimeError), transaction.atomic():
        AdminUnit.objects.filter(pk=world.ward_a.pk).update(name="Đổi rồi huỷ")
        inside = _stamp("units")
        raise RuntimeError
    assert inside != before and _stamp("units") == before
    AdminUnit.objects.filter(pk=world.ward_a.pk).update(name="Đổi thật")
    assert _stamp("units") not in (before, inside)  # a new stamp, not the rolled-back one


@pytest.mark.django_db
def test_a_grant_made_elsewhere_shows_at_the_next_request(world):
    user = world.officer_a
    with requestmemo.kept():
        assert Role.LEADER not in scope.roles(user)
    # bulk_create sends no signal: the grant could come from another process
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=Role.LEADER, unit=world.ward_a)])
    with requestmemo.kept():
        fresh = type(user).objects.get(pk=user.pk)  # a new request loads the user again
        assert Role.LEADER in scope.roles(fresh)
    with CaptureQueriesContext(connection) as queries, requestmemo.kept():
        again = type(user).objects.get(pk=user.pk)
        assert Role.LEADER in scope.roles(again)
    assert not any("org_rolegrant" in q["sql"] for q in queries.captured_queries)  # kept by the process


@pytest.mark.django_db
def test_an_enrolment_made_elsewhere_shows_at_the_next_request(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.officer_a
    assert not twofactor.has_second_factor(user)
    TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name="phone", confirmed=True)])
    assert twofactor.has_second_factor(user)
    TOTPDevice.objects.filter(user=user).update(confirmed=False)
    assert not twofactor.has_second_factor(user)


@pytest.mark.django_db
def test_a_missing_stamp_keeps_nothing(world):
    Generation.objects.filter(name="units").delete()
    assert generations.stamp("units") is None
    scope.unit_graph()
    AdminUnit.objects.bulk_create([AdminUnit(code="99998", name="Phường Lạ", level=UnitLevel.COMMUNE,
                                             kind=UnitKind.WARD, parent=world.province)])
    Generation.objects.filter(name="units").delete()  # the trigger wrote it again
    new = AdminUnit.objects.get(code="99998")
    assert new.pk in scope.unit_graph().children[world.province.pk]


def test_a_bad_name_or_table_is_refused():
    for name, table in (("x'; DROP TABLE org_user; --", "org_user"), ("ok", "org_user; DROP"), ("Hoa", "t")):
        with pytest.raises(ValueError):
            generations.watch(name, table)


@pytest.mark.django_db
def test_the_header_name_and_unread_count_follow_changes_made_elsewhere(world):
    from dieuhanh.notifications.models import Notification
    from dieuhanh.org.models import Person
    from dieuhanh.testing import signed_in

    client = signed_in(world.officer_a)
    page = client.get("/nhiem-vu/").content.decode()
    assert world.officer_a_person.full_name in page and 'data-unread="' not in page
    # another process renames the person and writes a notification (no signals here)
    Person.objects.filter(pk=world.officer_a_person.pk).update(full_name="Nguyễn Văn Đổi Tên")
    Notification.objects.bulk_create([Notification(recipient=world.officer_a, rule="test", title="Mới")])
    page = client.get("/nhiem-vu/").content.decode()
    assert "Nguyễn Văn Đổi Tên" in page and 'data-unread="1"' in page
    # nothing changed since: neither is read again
    with CaptureQueriesContext(connection) as queries:
        client.get("/nhiem-vu/")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("notifications_notification" in s for s in sql)
    assert not any('"org_person"."full_name" FROM "org_person" WHERE "org_person"."id" =' in s for s in sql)
    Notification.objects.filter(recipient=world.officer_a).update(read_at=timezone.now())
    assert 'data-unread="' not in client.get("/nhiem-vu/").content.decode()


@pytest.mark.django_db
def test_kept_values_follow_their_stamp_and_keep_nothing_without_one(world):
    kept = generations.Kept[int]("calendar", limit=2)
    computed = []

    def compute(value):
        computed.append(value)
        return value

    assert kept.get("a", lambda: compute(1)) == 1
    assert kept.get("a", lambda: compute(2)) == 1  # the stamp stands: kept
    CalendarException.objects.bulk_create([CalendarException(date=dt.date(2031, 3, 8), kind=CalendarExceptionKind.WORKING_DAY)])
    assert kept.get("a", lambda: compute(3)) == 3  # moved: computed again
    kept.get("b", lambda: compute(4))
    kept.get("c", lambda: compute(5))  # over the limit: all dropped, then kept again
    assert kept.get("a", lambda: compute(6)) == 6
    Generation.objects.filter(name="calendar").delete()
    assert kept.get("a", lambda: compute(7)) == 7 and kept.get("a", lambda: compute(8)) == 8
    assert computed == [1, 3, 4, 5, 6, 7, 8]


@pytest.mark.django_db
def test_a_watched_columns_update_moves_the_stamp_and_another_columns_does_not(world):
    """directives watches who leads a task and where ("task-assignment"), not its progress: a
    progress report, the most frequent write of all, leaves the filter bar's options kept."""
    task = world.task()
    assignment, documents = _stamp("task-assignment"), _stamp("documents")
    with connection.cursor() as cur:
        cur.execute("UPDATE directives_task SET progress_percent = 40, last_reported_on = %s WHERE id = %s",
                    [dt.date(2026, 3, 18), task.pk])
    assert _stamp("task-assignment") == assignment
    with connection.cursor() as cur:
        cur.execute("UPDATE directives_task SET accountable_person_id = %s WHERE id = %s",
                    [world.officer_b_person.pk, task.pk])
    moved = _stamp("task-assignment")
    assert moved != assignment and _stamp("documents") == documents
    task.coordinating_units.add(world.ward_b)  # the tasks a ward sees
    assert _stamp("task-assignment") != moved
    with connection.cursor() as cur:
        cur.execute("UPDATE directives_document SET title = title || '.' WHERE id = %s", [task.source_document_id])
    assert _stamp("documents") != documents


def test_a_bad_column_is_refused():
    with pytest.raises(ValueError):
        generations.watch("ok", "directives_task", columns=("x; DROP TABLE y",))
