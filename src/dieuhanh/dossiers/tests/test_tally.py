"""The dossier tally kept by database triggers: after every way a dossier is written (received,
moved through its steps, imported, re-imported with changes, updated in bulk, deleted, written
by raw SQL) the tally equals the dossiers counted by hand; and what it answers for a year."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from dieuhanh.dossiers import services as s
from dieuhanh.dossiers import tally
from dieuhanh.dossiers.importer import import_file
from dieuhanh.dossiers.models import Dossier, DossierTally

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Đơn vị tiếp nhận (mã)", "Kênh tiếp nhận", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả", "Trạng thái", "Người nộp"]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 9, 0, tzinfo=VN)


def by_hand() -> dict[tuple[dt.date, int, int], int]:
    """The dossiers counted in Python, one by one."""
    out: dict[tuple[dt.date, int, int], int] = {}
    for d in Dossier.objects.all():
        key = (d.received_on.replace(day=1), d.unit_id, d.stats_class)
        out[key] = out.get(key, 0) + 1
    return out


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_the_tally_follows_every_kind_of_write(world, tmp_path):
    proc = world.procedure()
    assert tally.stored() == {}
    # received at the desk and online, in two months
    a = world.dossier(received_at=at(2026, 3, 10))
    b = world.dossier(received_at=at(2026, 3, 11), channel="online")
    c = world.dossier(received_at=at(2026, 4, 1))
    march = dt.date(2026, 3, 1)
    assert tally.stored() == by_hand()
    assert sum(n for (m, _u, _c), n in tally.stored().items() if m == march) == 2
    # moved through its steps: a result classes it (early), the class moves, the month stays
    s.do_record_result(actor=world.onestop_a, dossier=a, at=at(2026, 3, 12))
    a.refresh_from_db()
    assert a.timeliness == "early"
    assert tally.stored() == by_hand()
    # an apology, then a late result
    s.do_apologise(actor=world.onestop_a, dossier=c, reason="Chờ xác minh thực địa", new_due_on=dt.date(2026, 4, 13),
                   at=at(2026, 4, 2))
    assert tally.stored() == by_hand()
    # a rolled-back change leaves no trace
    with pytest.raises(RuntimeError), transaction.atomic():
        Dossier.objects.filter(pk=b.pk).update(unit=world.ward_b)
        raise RuntimeError
    assert tally.stored() == by_hand()
    # bulk update of the unit and of the month received; a change of address changes nothing
    Dossier.objects.filter(pk=b.pk).update(unit=world.ward_b)
    Dossier.objects.filter(pk=c.pk).update(received_on=dt.date(2026, 2, 27))
    Dossier.objects.filter(pk=a.pk).update(applicant_address="Số 5 phố Mới")
    assert tally.stored() == by_hand()
    # raw SQL
    with connection.cursor() as cur:
        cur.execute("UPDATE dossiers_dossier SET channel = 'post' WHERE id = %s", [a.pk])
    assert tally.stored() == by_hand()
    # imported, then re-imported with a result (the importer's own write path)
    rows = [
        ["HS-T1", proc.code, proc.name, world.ward_a.code, "Trực tuyến", "05/01/2026", "", "", "", "Đang xử lý",
         "Nguyễn Văn Một"],
        ["HS-T2", proc.code, proc.name, world.ward_b.code, "Trực tiếp", "06/01/2026", "", "07/01/2026", "",
         "Đã có kết quả", "Lê Thị Hai"],
    ]
    import_file(write_csv(tmp_path / "a.csv", rows), actor=world.admin)
    assert tally.stored() == by_hand()
    rows[0][7], rows[0][9] = "09/01/2026", "Đã có kết quả"
    import_file(write_csv(tmp_path / "b.csv", rows), actor=world.admin)
    assert Dossier.objects.get(code="HS-T1").timeliness != ""
    assert tally.stored() == by_hand()
    # deleted
    Dossier.objects.filter(pk=c.pk).delete()
    assert tally.stored() == by_hand()
    assert tally.stored() == tally.recount()


def test_rebuild_recounts_a_tally_gone_wrong(world):
    world.dossier(received_at=at(2026, 3, 10))
    world.dossier(received_at=at(2026, 5, 4), channel="online")
    DossierTally.objects.update(n=99)
    DossierTally.objects.create(month=dt.date(2020, 1, 1), unit=world.ward_b, stats_class=3, n=7)
    assert tally.stored() != by_hand()
    assert tally.rebuild() == 2
    assert tally.stored() == by_hand()
    assert DossierTally.objects.filter(n=0).count() == 0


def test_counts_reads_the_months_and_units_asked_for(world):
    world.dossier(received_at=at(2025, 12, 31))
    world.dossier(received_at=at(2026, 1, 2))
    world.dossier(received_at=at(2026, 1, 5), channel="online")
    world.dossier(received_at=at(2026, 11, 3), unit=world.ward_b, actor=world.admin)
    rows = tally.counts(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert sum(n for *_k, n in rows) == 3
    assert {m for m, *_rest in rows} == {dt.date(2026, 1, 1), dt.date(2026, 11, 1)}
    assert all(isinstance(m, dt.date) for m, *_rest in rows)
    ward_a = tally.counts(dt.date(2026, 1, 1), dt.date(2026, 12, 31), [world.ward_a.pk])
    assert sum(n for *_k, n in ward_a) == 2
    online = [r for r in ward_a if r[2] & 8]
    assert sum(r[3] for r in online) == 1
    assert tally.counts(dt.date(2026, 1, 1), dt.date(2026, 12, 31), []) == []


def test_sums_add_up_by_unit_and_by_month(world):
    world.dossier(received_at=at(2026, 1, 2))
    late = world.dossier(received_at=at(2026, 1, 5), channel="online")
    s.do_record_result(actor=world.onestop_a, dossier=late, at=at(2026, 3, 2))
    world.dossier(received_at=at(2026, 2, 3), unit=world.ward_b, actor=world.admin)
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    by_unit = sorted(tally.sums(first, last, by="unit_id", mask=3 | 8))
    assert by_unit == sorted([(world.ward_a.pk, 0, 1), (world.ward_a.pk, 3 | 8, 1), (world.ward_b.pk, 0, 1)])
    by_month = sorted(tally.sums(first, last, [world.ward_a.pk], by="month", mask=3))
    assert by_month == [(dt.date(2026, 1, 1), 0, 1), (dt.date(2026, 1, 1), 3, 1)]
    with pytest.raises(ValueError):
        tally.sums(first, last, by="procedure_id")


def test_each_read_is_one_query_that_sees_a_trigger_dropped_a_moment_ago(world):
    """`counts` and `sums` check the triggers inside the statement that reads: one query each,
    and a trigger another process dropped (a load setting them aside, a restore that lost them)
    is seen by the very next read, which then counts the dossiers themselves."""
    from django.test.utils import CaptureQueriesContext

    world.dossier(received_at=at(2026, 3, 10))
    world.dossier(received_at=at(2026, 3, 11), channel="online")
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)

    def reads() -> tuple[list, list, list]:
        return (sorted(tally.counts(first, last, [world.ward_a.pk])), sorted(tally.sums(first, last)),
                sorted(tally.sums(first, last, [world.ward_a.pk], by="month", mask=3)))

    with CaptureQueriesContext(connection) as queries:
        before = reads()
    assert len(queries.captured_queries) == 3
    with connection.cursor() as cur:  # as another process would, behind this one's back
        cur.execute("DROP TRIGGER IF EXISTS dossier_tally_insert" if connection.vendor == "sqlite"
                    else "DROP TRIGGER IF EXISTS dossier_tally_insert_delete ON dossiers_dossier")
    world.dossier(received_at=at(2026, 3, 12))  # not tallied any more
    assert not tally.installed() and sum(tally.stored().values()) == 2
    with CaptureQueriesContext(connection) as queries:
        after = reads()
    assert len(queries.captured_queries) == 3
    assert sum(n for *_k, n in after[0]) == sum(n for *_k, n in before[0]) + 1 == 3  # the dossiers counted
    direct: dict[tuple[int, int], int] = {}
    for (_month, unit, cls), n in tally.recount().items():
        direct[(unit, cls)] = direct.get((unit, cls), 0) + n
    assert after[1] == sorted((u, c, n) for (u, c), n in direct.items()) and sum(direct.values()) == 3
    tally.install()
    assert tally.installed() and reads() == after
