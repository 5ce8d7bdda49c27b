"""Reminders and escalation (notifications/reminders.py), with dates worked out by hand on the
working-day calendar around Tết 2026: civil servants are off from Saturday 14/2 to Sunday 22/2
(calendar_exceptions.yaml), so the working days around it are … Tue 10/2, Wed 11/2, Thu 12/2,
Fri 13/2 | Mon 23/2, Tue 24/2 …"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.core import access, calendar
from dieuhanh.directives.services import do_acknowledge_report, do_report_progress
from dieuhanh.notifications import reminders
from dieuhanh.notifications.models import Notification
from dieuhanh.notifications.services import Item, notify_many

pytestmark = pytest.mark.django_db

D = dt.date


def _to(rule: str, **filters: Any) -> set[str]:
    """Usernames of those notified under `rule`."""
    return set(Notification.objects.filter(rule=rule, **filters).values_list("recipient__username", flat=True))


def _sweep(day: dt.date, **kwargs: Any) -> reminders.SweepResult:
    return reminders.run(day, **kwargs)


def test_the_calendar_of_the_vectors(world: Any) -> None:
    """The days the vectors below stand on."""
    working = [d for d in (D(2026, 2, 9) + dt.timedelta(days=i) for i in range(16)) if calendar.is_working_day(d)]
    assert working == [D(2026, 2, 9), D(2026, 2, 10), D(2026, 2, 11), D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 23),
                       D(2026, 2, 24)]


def test_a_task_due_in_the_tet_break_is_reminded_three_working_days_before(world: Any) -> None:
    """Due Thursday 19/2/2026, a day of the Tết break: the working days left before it are
    Wed 11/2, Thu 12/2, Fri 13/2 — three on Tuesday 10/2, four on Monday 9/2. The reminder comes
    on Tuesday 10/2, to the lead person and ward A's officers, never ward B's, and only once."""
    task = world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    _sweep(D(2026, 2, 9))
    assert _to("task.due_soon") == set()
    _sweep(D(2026, 2, 10))
    assert _to("task.due_soon") == {"phuong_a", "phuong_a2"}
    n = Notification.objects.get(rule="task.due_soon", recipient=world.officer_a)
    assert n.key == f"task.due_soon:{task.pk}:2026-02-19"
    assert task.code in n.title and "19/02/2026" in n.title and "còn 3 ngày làm việc" in n.title
    assert n.url == task.get_absolute_url()
    for later in (D(2026, 2, 11), D(2026, 2, 12), D(2026, 2, 13)):
        _sweep(later)
    assert Notification.objects.filter(rule="task.due_soon").count() == 2


def test_overdue_on_the_first_working_day_then_weekly_and_then_to_the_accountable_leader(world: Any) -> None:
    """Due Thu 19/2/2026: overdue from Fri 20/2 (Tết), first told on Mon 23/2, the first working
    day; again in its second week (from Fri 27/2), now also to the accountable leader; and in its
    third week (from Fri 6/3)."""
    task = world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    assert not _sweep(D(2026, 2, 20)).working_day
    assert Notification.objects.filter(rule__startswith="task.overdue").count() == 0
    _sweep(D(2026, 2, 23))
    assert _to("task.overdue") == {"phuong_a", "phuong_a2"}
    assert _to("task.overdue.escalated") == set()
    for day in (D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26)):
        _sweep(day)
    assert Notification.objects.filter(rule__startswith="task.overdue").count() == 2
    _sweep(D(2026, 2, 27))
    assert _to("task.overdue", key=f"task.overdue:{task.pk}:2026-02-19:w1") == {"phuong_a", "phuong_a2"}
    assert _to("task.overdue.escalated") == {"bithu_t"}
    _sweep(D(2026, 3, 2))
    assert Notification.objects.filter(rule__startswith="task.overdue").count() == 5
    _sweep(D(2026, 3, 6))
    assert Notification.objects.filter(rule__startswith="task.overdue", key__endswith=":w2").count() == 3
    assert _to("task.overdue", recipient__username="phuong_b") == set()


def test_a_second_run_on_the_same_day_adds_nothing_and_a_dry_run_writes_nothing(world: Any) -> None:
    world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    world.task(due_date=D(2026, 2, 5), assigned_on=D(2026, 1, 5), title="Nhiệm vụ thứ hai")
    before = Notification.objects.count()
    dry = _sweep(D(2026, 2, 10), dry_run=True)
    assert Notification.objects.count() == before
    assert dry.sent["task.due_soon"]["in_app"] == 2 and dry.sent["task.overdue"]["in_app"] == 2
    real = _sweep(D(2026, 2, 10))
    assert real.sent == dry.sent
    assert Notification.objects.count() == before + real.total == before + 4
    again = _sweep(D(2026, 2, 10))
    assert again.total == 0 and Notification.objects.count() == before + 4
    assert again.found == real.found  # the objects are still found: only their keys are already sent


def test_a_milestone_due_soon(world: Any) -> None:
    """A milestone due Fri 13/2/2026 with two working days' notice: told on Wed 11/2 (Thu, Fri left)."""
    from dieuhanh.directives.services import MilestoneInput

    task = world.task(due_date=D(2026, 3, 31), assigned_on=D(2026, 1, 5),
                      milestones=[MilestoneInput("Phê duyệt phương án", D(2026, 2, 13))])
    _sweep(D(2026, 2, 10))
    assert _to("milestone.due_soon") == set()
    _sweep(D(2026, 2, 11))
    assert _to("milestone.due_soon") == {"phuong_a", "phuong_a2"}
    n = Notification.objects.filter(rule="milestone.due_soon").first()
    assert n is not None and n.object_id == task.pk and "Phê duyệt phương án" in n.title


def test_a_ward_b_officer_is_never_reminded_of_ward_a_work(world: Any) -> None:
    """Not by the recipients' rule, and not even when an item names them: the bulk path checks
    each recipient's sight of the object."""
    task = world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    items = [Item(u.pk, "task.due_soon", "Nhắc", f"test:{task.pk}", "directives.task", task.pk)
             for u in (world.officer_a, world.officer_b)]
    assert [i.recipient_id for i in notify_many(items)] == [world.officer_a.pk]
    _sweep(D(2026, 2, 10))
    _sweep(D(2026, 2, 23))
    assert not Notification.objects.filter(recipient=world.officer_b).exists()


def test_a_denunciation_reminder_reaches_only_those_who_may_see_it(world: Any) -> None:
    """Ward A's reception desk is told of the denunciation's next step; ward B's desk, the
    one-stop officer of ward A and ward B's officers are not; no title names the denouncer."""
    p = world.petition(kind="denunciation", subject="Tố cáo cán bộ địa chính nhận tiền", received_on=D(2026, 3, 2))
    assert p.due_on is not None
    day = p.due_on
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    _sweep(day)
    assert _to("petition.step_due") == {"tiepdan_a"}
    items = [Item(u.pk, "petition.step_due", "Nhắc", f"test:{p.pk}", "petitions.petition", p.pk)
             for u in (world.onestop_a, world.reception_b, world.reception_a)]
    assert [i.recipient_id for i in notify_many(items)] == [world.reception_a.pk]
    titles = list(Notification.objects.filter(key__startswith="petition.").values_list("title", flat=True))
    assert titles and all("Khiếu" not in t and "Nguyễn" not in t for t in titles)
    assert all(f"{p.seq}/{p.year}" in t for t in titles)


def test_a_petition_overdue_goes_to_the_leader_from_its_second_week(world: Any) -> None:
    p = world.petition(received_on=D(2026, 3, 2))
    first = p.due_on + dt.timedelta(days=1)
    while not calendar.is_working_day(first):
        first += dt.timedelta(days=1)
    _sweep(first)
    assert _to("petition.overdue") == {"tiepdan_a"} and _to("petition.overdue.escalated") == set()
    week_two = p.due_on + dt.timedelta(days=8)
    while not calendar.is_working_day(week_two):
        week_two += dt.timedelta(days=1)
    _sweep(week_two)
    assert _to("petition.overdue.escalated") == {"bithu_t"}


def test_a_dossier_that_will_be_late_needs_its_apology_before_tet(world: Any) -> None:
    """Received Mon 9/2/2026, five working days: due Mon 23/2 (10, 11, 12, 13, then Tết, then
    23/2). The apology must be issued one working day before: by Fri 13/2. Told on Thu 12/2 (one
    working day left before that day), the due-soon reminder a day earlier (Wed 11/2: Thu, Fri,
    Mon 23/2 left = three); only ward A's one-stop desk."""
    received = timezone.make_aware(dt.datetime(2026, 2, 9, 9, 0))
    d = world.dossier(received_at=received, procedure=world.procedure(processing_days=5))
    assert d.due_on == D(2026, 2, 23)
    _sweep(D(2026, 2, 10))
    assert not Notification.objects.filter(object_type="dossiers.dossier").exists()
    _sweep(D(2026, 2, 11))
    assert _to("dossier.due_soon") == {"motcua_a"} and _to("dossier.apology") == set()
    _sweep(D(2026, 2, 12))
    assert _to("dossier.apology") == {"motcua_a"}
    n = Notification.objects.get(rule="dossier.apology")
    assert d.code in n.title and "13/02/2026" in n.title and "Nguyễn Thị Hồ Sơ" not in n.title
    _sweep(D(2026, 2, 13))
    assert Notification.objects.filter(rule="dossier.apology").count() == 1


def test_a_report_beyond_authority_reaches_the_leader_waits_and_the_answer_comes_back(world: Any) -> None:
    """Reported Mon 2/2/2026; more than two working days without an answer: from Thu 5/2 (Tue 3,
    Wed 4 are the two), again a week on (Thu 12/2); answered, it stops, and the unit is told."""
    task = world.task(due_date=D(2026, 6, 30), assigned_on=D(2026, 1, 5))
    report = do_report_progress(
        actor=world.officer_a, task=task, period="weekly", percent=30, content="Đã kiểm đếm 30 hộ.",
        obstacles="Chưa có đơn giá bồi thường.", beyond_authority=True, reported_on=D(2026, 2, 2),
    )
    assert _to("report.beyond_authority") == {"bithu_t"}
    _sweep(D(2026, 2, 4))
    assert _to("report.waiting") == set()
    _sweep(D(2026, 2, 5))
    assert _to("report.waiting") == {"bithu_t"}
    _sweep(D(2026, 2, 11))
    _sweep(D(2026, 2, 12))
    assert Notification.objects.filter(rule="report.waiting").count() == 2
    do_acknowledge_report(actor=world.leader, report=report, response="Đồng ý áp giá tạm, báo cáo lại trong tuần.")
    assert _to("report.answered") == {"phuong_a", "phuong_a2"}
    _sweep(D(2026, 2, 24))
    _sweep(D(2026, 3, 2))
    assert Notification.objects.filter(rule="report.waiting").count() == 2


def test_a_task_assigned_is_told_to_its_person_and_unit(world: Any) -> None:
    task = world.task()
    assert _to("task.assigned") == {"phuong_a", "phuong_a2"}
    assert Notification.objects.get(rule="task.assigned", recipient=world.officer_a).object_id == task.pk


def test_holders_are_the_officers_over_a_unit_never_an_all_seeing_administrator(world: Any) -> None:
    from dieuhanh.org.choices import Role

    got = access.holders("directives", "report", [world.ward_a.pk, world.ward_b.pk])
    assert got[world.ward_a.pk] == {world.officer_a.pk, world.officer_a2.pk, world.office.pk, world.leader.pk}
    assert got[world.ward_b.pk] == {world.officer_b.pk, world.office.pk, world.leader.pk}
    only = access.holders("directives", "report", [world.ward_a.pk], only_roles=(Role.UNIT_OFFICER,))
    assert only[world.ward_a.pk] == {world.officer_a.pk, world.officer_a2.pk}


def test_the_sweep_is_a_daily_job_of_the_scheduler(world: Any) -> None:
    from django.apps import apps as django_apps
    from django.utils.module_loading import import_string

    from dieuhanh.core.platform import PlatformApp

    config = django_apps.get_app_config("notifications")
    assert isinstance(config, PlatformApp)
    jobs = config.periodic
    job = next(j for j in jobs if j.key == "notifications.reminders")
    assert (job.every, job.at) == ("day", "06:00")
    world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    assert import_string(job.function)(D(2026, 2, 10)) == 2


def test_the_command_prints_by_rule_and_channel_and_its_dry_run_writes_nothing(world: Any) -> None:
    from dieuhanh.notifications.choices import EmailMode
    from dieuhanh.notifications.models import Preference

    world.officer_a.email = "an@phuong-a.example"
    world.officer_a.save()
    world.officer_a2.email = "a2@phuong-a.example"
    world.officer_a2.save()
    Preference.objects.create(user=world.officer_a, email_mode=EmailMode.IMMEDIATE)
    world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    before = Notification.objects.count()
    dry = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["reminders", "--today", "2026-02-10", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "chạy thử" in dry.output and "Nhiệm vụ sắp đến hạn" in dry.output
    assert Notification.objects.count() == before
    row = next(line for line in dry.output.splitlines() if "Nhiệm vụ sắp đến" in line)
    assert [c.strip() for c in row.strip("│ ").split("│")][1:] == ["1", "2", "0", "0", "1", "1"]
    real = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["reminders", "--today", "2026-02-10"])
    assert real.exit_code == 0, real.output
    assert Notification.objects.count() == before + 2
    holiday = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["reminders", "--today", "2026-02-16"])
    assert holiday.exit_code == 0 and "không phải ngày làm việc" in holiday.output
    bad = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["reminders", "--today", "16/02/2026"])
    assert bad.exit_code != 0


def test_nearest_holders_are_the_units_own_officers_or_else_those_above(world: Any) -> None:
    """The province's one-stop desk handles ward A's dossiers (a grant above) but is not ward A's
    desk: `nearest` leaves it out; a grant on the ward before the 2025 merger still counts; a
    ward with no desk of its own falls to the nearest one above."""
    from dieuhanh.org.choices import Role, UnitKind, UnitLevel
    from dieuhanh.org.models import AdminUnit, RoleGrant, User

    before_merger = User.objects.create_user(username="motcua_saodo", password="x")
    RoleGrant.objects.create(user=before_merger, role=Role.ONE_STOP, unit=world.ward_a_old)
    ward_c = AdminUnit.objects.create(code="10552", name="Phường Thử", level=UnitLevel.COMMUNE, kind=UnitKind.WARD,
                                      parent=world.province, valid_from=world.ward_a.valid_from)
    units = [world.ward_a.pk, ward_c.pk]
    wide = access.holders("dossiers", "handle", units, only_roles=(Role.ONE_STOP,))
    near = access.holders("dossiers", "handle", units, only_roles=(Role.ONE_STOP,), nearest=True)
    assert wide[world.ward_a.pk] == {world.onestop_a.pk, world.onestop_province.pk, before_merger.pk}
    assert near[world.ward_a.pk] == {world.onestop_a.pk, before_merger.pk}
    assert near[ward_c.pk] == wide[ward_c.pk] == {world.onestop_province.pk}


def test_the_reporting_cycle_finds_a_wards_officers_granted_before_the_merger(world: Any) -> None:
    """The same rule names who reports for a unit (`cycle.unit_reporters`): an officer whose
    grant is on phường Sao Đỏ, merged into ward A, is one of ward A's — the ward and its
    predecessor cover each other, and neither may hide the other."""
    from dieuhanh.directives.cycle import unit_reporters
    from dieuhanh.org.choices import Role
    from dieuhanh.org.models import RoleGrant, User

    before_merger = User.objects.create_user(username="canbo_saodo", password="x")
    RoleGrant.objects.create(user=before_merger, role=Role.UNIT_OFFICER, unit=world.ward_a_old)
    found = {u.username for u in unit_reporters([world.ward_a.pk])[world.ward_a.pk]}
    assert found == {"phuong_a", "phuong_a2", "canbo_saodo"}


@pytest.mark.django_db(transaction=True)
def test_a_swept_reminder_goes_by_e_mail_to_who_chose_immediate(world: Any, smtp_server: Any) -> None:
    """Through the queue and a real SMTP server: the officer who chose "immediate" gets the
    message, the one on the daily digest does not (yet)."""
    from dieuhanh.core import queue
    from dieuhanh.notifications.choices import EmailMode
    from dieuhanh.notifications.models import Preference

    task = world.task(due_date=D(2026, 2, 19), assigned_on=D(2026, 1, 5))
    queue.drain()  # the notice of assignment, sent before anyone gave an address
    for user, address in ((world.officer_a, "an@phuong-a.example"), (world.officer_a2, "a2@phuong-a.example")):
        user.email = address
        user.save()
    Preference.objects.create(user=world.officer_a, email_mode=EmailMode.IMMEDIATE)
    result = _sweep(D(2026, 2, 10))
    assert (result.sent["task.due_soon"]["immediate"], result.sent["task.due_soon"]["digest"]) == (1, 1)
    queue.drain()
    assert [m["To"] for m in smtp_server.messages] == ["an@phuong-a.example"]
    assert task.code in smtp_server.messages[0]["Subject"]
    assert Notification.objects.get(rule="task.due_soon", recipient=world.officer_a).emailed_at is not None


def test_a_petitioners_name_in_the_summary_is_withheld_from_the_reminder(world: Any) -> None:
    """The summary is written by the desk and may name the petitioner: the sweep's titles go
    through the same withholding as every notification."""
    p = world.petition(subject="Ông Nguyễn Văn Khiếu khiếu nại việc thu hồi đất", received_on=D(2026, 3, 2))
    day = p.due_on
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    _sweep(day)
    titles = list(Notification.objects.filter(rule="petition.step_due").values_list("title", flat=True))
    assert titles and all("Nguyễn Văn Khiếu" not in t and "[đã ẩn]" in t for t in titles)
