"""The alerts feed: what crossed a deadline, seen only by those who may see it, in a fixed
number of queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dieuhanh.directives.services import do_close_task
from dieuhanh.ioc.alerts import alerts

TODAY = timezone.localdate


def kinds(found):
    return [(a.kind, a.unit) for a in found]


def test_it_names_an_overdue_task_to_its_ward_only(world):
    task = world.task(title="Dọn vệ sinh kênh Sao Đỏ", due_date=TODAY() + dt.timedelta(days=30))
    later = task.due_date + dt.timedelta(days=3)

    assert alerts(world.officer_a, today=task.due_date) == []  # due today: not yet overdue
    found = alerts(world.officer_a, today=later)
    assert kinds(found) == [("task", "Phường Chu Văn An")]
    alert = found[0]
    assert alert.when.date() == task.due_date + dt.timedelta(days=1)
    assert "Dọn vệ sinh kênh Sao Đỏ" in alert.text
    assert alert.text.endswith(f"quá hạn 3 ngày, hạn {task.due_date:%d/%m/%Y}")
    assert "Lê Thị An" in alert.text
    assert alert.url == reverse("directives:task_detail", args=[task.pk])
    assert alert.severity == "warning"
    assert alerts(world.officer_b, today=later) == []
    assert kinds(alerts(world.leader, today=later)) == [("task", "Phường Chu Văn An")]
    assert alerts(world.outsider, today=later) == []
    # A month late it is serious.
    assert alerts(world.leader, today=task.due_date + dt.timedelta(days=31))[0].severity == "serious"


def test_an_alert_reads_in_the_language_of_the_reader(world):
    task = world.task(title="Dọn vệ sinh kênh Sao Đỏ", due_date=TODAY() + dt.timedelta(days=30))
    with translation.override("en"):
        found = alerts(world.officer_a, today=task.due_date + dt.timedelta(days=3))
    assert found[0].text.endswith(f"3 days, deadline {task.due_date:%d/%m/%Y}"), found[0].text


def test_a_done_task_raises_no_alert(world):
    task = world.task()
    do_close_task(
        actor=world.office, task=task, completed_on=TODAY(), result_summary="Xong", evaluation="good"
    )
    assert alerts(world.leader, today=task.due_date + dt.timedelta(days=10)) == []


def test_a_late_dossier_from_the_day_after_its_appointment(world):
    dossier = world.dossier()
    assert alerts(world.onestop_a, today=dossier.due_on) == []
    found = alerts(world.onestop_a, today=dossier.due_on + dt.timedelta(days=2))
    assert kinds(found) == [("dossier", "Phường Chu Văn An")]
    assert found[0].when.date() == dossier.due_on + dt.timedelta(days=1)
    assert dossier.code in found[0].text
    assert found[0].text.endswith(f"trễ hẹn 2 ngày, hẹn trả {dossier.due_on:%d/%m/%Y}")
    assert found[0].url == reverse("dossier_detail", kwargs={"code": dossier.code})
    assert alerts(world.onestop_b, today=dossier.due_on + dt.timedelta(days=2)) == []


def test_a_petition_past_its_legal_deadline(world):
    petition = world.petition(subject="Khiếu nại việc thu hồi đất")
    deadline = petition.resolve_due_on or petition.due_on
    later = deadline + dt.timedelta(days=1)
    found = alerts(world.reception_a, today=later)
    assert kinds(found) == [("petition", "Phường Chu Văn An")]
    assert "Khiếu nại việc thu hồi đất" in found[0].text
    assert found[0].text.endswith(f"quá hạn 1 ngày, hạn {deadline:%d/%m/%Y}")
    assert found[0].url == reverse("petitions:petition_detail", args=[petition.pk])
    assert alerts(world.reception_b, today=later) == []
    assert alerts(world.reception_a, today=deadline) == []


def test_newest_first_and_new_since(world):
    old = world.task(title="Cũ", due_date=TODAY() + dt.timedelta(days=10))
    new = world.task(title="Mới", due_date=TODAY() + dt.timedelta(days=20))
    today = TODAY() + dt.timedelta(days=25)
    since = timezone.make_aware(dt.datetime.combine(TODAY() + dt.timedelta(days=15), dt.time(8)))
    found = alerts(world.leader, today=today, since=since)
    assert [a.text.split("”")[0] for a in found] == ["Nhiệm vụ “Mới", "Nhiệm vụ “Cũ"]
    assert [a.is_new for a in found] == [True, False]
    assert old.due_date < new.due_date
    assert len(alerts(world.leader, today=today, limit=1)) == 1


def test_query_count_does_not_grow_with_the_rows(world):
    today = TODAY() + dt.timedelta(days=40)
    world.task()
    world.dossier()
    alerts(world.leader, today=today)  # warm caches (rule table, calendar)
    with CaptureQueriesContext(connection) as few:
        assert len(alerts(world.leader, today=today)) == 2
    for i in range(4):
        world.task(title=f"Nhiệm vụ {i}")
        world.dossier()
    world.petition()
    with CaptureQueriesContext(connection) as many:
        assert len(alerts(world.leader, today=today)) == 11
    assert len(many) == len(few)
    assert len(many) <= 15


def test_the_fragment(client, world):
    world.task(
        title="Làm đường liên xã",
        due_date=TODAY() - dt.timedelta(days=2),
        assigned_on=TODAY() - dt.timedelta(days=9),
    )
    url = reverse("ioc_alerts")
    assert url == "/ioc/canh-bao/"
    assert client.get(url).status_code == 302  # login first

    client.force_login(world.officer_a)
    since = (timezone.now() - dt.timedelta(days=30)).isoformat()
    page = client.get(url, {"since": since})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Làm đường liên xã" in body and 'data-new="1"' in body and "1 mới" in body
    assert client.get(url, {"since": "không phải ngày"}).status_code == 200

    client.force_login(world.officer_b)
    body = client.get(url).content.decode()
    assert "Làm đường liên xã" not in body and "Không có cảnh báo" in body


def test_a_target_behind_its_pace(world):
    from dieuhanh.indicators.models import Actual, Indicator, Target

    year = TODAY().year
    industry = Indicator.objects.create(
        code="GTSX_CN", name="Giá trị sản xuất công nghiệp", measure="tỷ đồng"
    )
    retail = Indicator.objects.create(code="BLHH", name="Tổng mức bán lẻ", measure="tỷ đồng")
    for ind, actual in ((industry, 30), (retail, 60)):
        Target.objects.create(indicator=ind, unit=world.ward_a, year_from=year, year_to=year, value=100)
        Actual.objects.create(indicator=ind, unit=world.ward_a, year=year, value=actual)
    mid_year = dt.date(year, 7, 1)
    year_days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    # Half the year gone (182 of 365 days: a share of 49.9): 30 is behind, 60 is not.
    found = alerts(world.officer_a, today=mid_year)
    assert kinds(found) == [("target", "Phường Chu Văn An")]
    assert "Giá trị sản xuất công nghiệp" in found[0].text and "30%" in found[0].text
    # The share passed 30 on day floor(0.3 × days in the year) after 1 January.
    assert found[0].when.date() == dt.date(year, 1, 1) + dt.timedelta(days=int(0.3 * year_days))
    assert found[0].severity == "serious"  # under 80% of the share
    assert alerts(world.officer_b, today=mid_year) == []
    # In the first days of the year 30 is ahead of its share.
    assert alerts(world.officer_a, today=dt.date(year, 2, 1)) == []


def test_each_feed_is_the_newest_of_every_late_case_whatever_its_status(world):
    """The dossiers' and petitions' feeds read one index range per status or deadline and merge
    them: the result is the newest `limit` of all the late ones, as one sort of all would give."""
    from dieuhanh.dossiers.models import Dossier, late_now_q
    from dieuhanh.petitions.models import Petition, prolonged_q

    today = TODAY() + dt.timedelta(days=120)
    statuses = ["received", "processing", "supplement"]
    for i in range(9):
        dossier = world.dossier()
        Dossier.objects.filter(pk=dossier.pk).update(status=statuses[i % 3], due_on=TODAY() + dt.timedelta(days=7 * i))
    for i in range(6):
        petition = world.petition(subject=f"Đơn {i}")
        if i % 2:  # not yet accepted nor routed, past its routing deadline
            Petition.objects.filter(pk=petition.pk).update(
                accepted_on=None, routed_on=None, resolve_due_on=None, due_on=TODAY() + dt.timedelta(days=9 * i)
            )
        else:  # past its resolution deadline
            Petition.objects.filter(pk=petition.pk).update(resolve_due_on=TODAY() + dt.timedelta(days=9 * i))
    limit = 4
    found = alerts(world.leader, today=today, limit=50)
    dossiers = sorted(Dossier.objects.visible_to(world.leader).filter(late_now_q(today)),
                      key=lambda d: (d.due_on, d.pk), reverse=True)
    petitions = Petition.objects.visible_to(world.leader).filter(prolonged_q(today))
    assert [a.url for a in found if a.kind == "dossier"] == [
        reverse("dossier_detail", kwargs={"code": d.code}) for d in dossiers
    ]
    assert len(dossiers) == 9 and len({d.status for d in dossiers}) == 3
    assert sorted(a.url for a in found if a.kind == "petition") == sorted(
        reverse("petitions:petition_detail", args=[p.pk]) for p in petitions
    )
    assert len(petitions) == 6
    from dieuhanh.dossiers.ioc import alerts as dossier_alerts
    from dieuhanh.petitions.ioc import alerts as petition_alerts

    assert [a.url for a in dossier_alerts(world.leader, today, limit)] == [
        reverse("dossier_detail", kwargs={"code": d.code}) for d in dossiers[:limit]
    ]
    newest = petition_alerts(world.leader, today, limit)
    assert [a.when for a in newest] == sorted((a.when for a in found if a.kind == "petition"), reverse=True)[:limit]
