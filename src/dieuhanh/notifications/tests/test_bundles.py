"""Bundling of the reminder sweep (notifications/reminders.py, decision 0028): more than a rule's
`bundle_above` reminders of one rule to one person in one sweep make one summary; the reminders
are kept, with their keys, under it.

The dates: tasks due Monday 2/3/2026 are overdue from Tuesday 3/3; on Wednesday 11/3 they are in
their second week (`w1`: the accountable leader is told too); Thursday 12/3 is in the same week;
from Tuesday 17/3 (working day Wednesday 18/3) the third week (`w2`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.notifications import reminders, services
from dieuhanh.notifications.models import Notification

pytestmark = pytest.mark.django_db

D = dt.date
DUE = D(2026, 3, 2)
WEEK_TWO, SAME_WEEK, WEEK_THREE = D(2026, 3, 11), D(2026, 3, 12), D(2026, 3, 18)


def _tasks(world: Any, ward_a: int, ward_b: int) -> tuple[list[Any], list[Any]]:
    a = [world.task(title=f"Việc phường A số {n}", due_date=DUE, assigned_on=D(2026, 1, 5)) for n in range(ward_a)]
    b = [world.task(title=f"Việc phường B số {n}", due_date=DUE, assigned_on=D(2026, 1, 5), lead_unit=world.ward_b,
                    lead_person=world.officer_b_person) for n in range(ward_b)]
    return a, b


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_leader_over_many_overdue_tasks_gets_one_summary_whose_link_lists_exactly_them(world: Any) -> None:
    """Nine tasks of wards A and B overdue for a second week: the accountable leader gets one
    summary «9 nhiệm vụ quá hạn trên một tuần…» (not nine), its body naming the first by code;
    followed as that leader, its link lists exactly those nine tasks."""
    a, b = _tasks(world, 7, 2)
    result = reminders.run(WEEK_TWO)
    assert result.sent["task.overdue.escalated"]["in_app"] == 9
    assert result.sent["task.overdue.escalated"]["bundled"] == 9
    assert result.sent["task.overdue.escalated"]["summaries"] == 1
    [summary] = services.shown(world.leader).filter(rule="task.overdue.escalated")
    assert summary.bundled == 9 and summary.title.startswith("9 nhiệm vụ quá hạn trên một tuần")
    codes = sorted(t.code for t in a + b)
    assert summary.body.startswith(f"Gồm {codes[0]}, ") and "và 4 mục khác" in summary.body
    items = Notification.objects.filter(bundle=summary)
    assert set(items.values_list("object_id", flat=True)) == {t.pk for t in a + b} and items.count() == 9
    assert set(items.values_list("recipient_id", flat=True)) == {world.leader.pk}
    page = _client(world.leader).get(summary.url)
    assert page.status_code == 200
    assert sorted(t.pk for t in page.context["page"].object_list) == sorted(t.pk for t in a + b)


def test_the_group_is_written_as_vietnamese_numbers(world: Any) -> None:
    """The count is grouped the way the project writes numbers (13.543): a summary of many."""
    rule = next(r for r, _ in reminders.rules() if r.code == "task.overdue")
    fn = next(f for r, f in reminders.rules() if r.code == "task.overdue")
    from dieuhanh.core import calendar

    bundle = reminders.bundle_of(rule, fn, reminders.Day(WEEK_TWO, calendar.current()), escalation=True)
    assert bundle.title(13543) == "13.543 nhiệm vụ quá hạn trên một tuần trong phạm vi của đồng chí"
    assert bundle.above == 5


def test_a_person_with_few_gets_separate_reminders_and_ward_b_is_never_counted_for_ward_a(world: Any) -> None:
    """Ward A's officers have seven overdue tasks: one summary of seven, all ward A's. Ward B's
    officer has two: two reminders of their own, none grouped, none about ward A."""
    a, b = _tasks(world, 7, 2)
    reminders.run(WEEK_TWO)
    [summary_a] = services.shown(world.officer_a).filter(rule="task.overdue")
    assert summary_a.bundled == 7
    assert set(Notification.objects.filter(bundle=summary_a).values_list("object_id", flat=True)) == {t.pk for t in a}
    own_b = Notification.objects.filter(recipient=world.officer_b, rule="task.overdue")
    assert own_b.count() == 2 and not own_b.filter(bundle__isnull=False).exists() and not own_b.filter(bundled__gt=0)
    assert set(own_b.values_list("object_id", flat=True)) == {t.pk for t in b}
    assert not Notification.objects.filter(recipient=world.officer_b, object_id__in=[t.pk for t in a],
                                           object_type="directives.task").exists()


def test_again_the_same_day_or_within_the_week_adds_nothing_and_a_new_week_makes_a_new_summary(world: Any) -> None:
    _tasks(world, 7, 0)
    reminders.run(WEEK_TWO)
    before = Notification.objects.count()
    assert reminders.run(WEEK_TWO).total == 0
    assert reminders.run(SAME_WEEK).total == 0
    assert Notification.objects.count() == before
    assert services.shown(world.leader).filter(rule="task.overdue.escalated").count() == 1
    reminders.run(WEEK_THREE)
    summaries = services.shown(world.leader).filter(rule="task.overdue.escalated")
    assert sorted(summaries.values_list("bundled", flat=True)) == [7, 7]


def test_the_centre_the_badge_and_the_api_show_the_summary_and_opening_it_reads_its_items(world: Any) -> None:
    _tasks(world, 7, 0)
    reminders.run(WEEK_TWO)
    leader = world.leader
    assert services.unread_count(leader) == 1
    client = _client(leader)
    centre = client.get(reverse("notifications:notification_list"))
    assert [n.bundled for n in centre.context["page"].object_list] == [7]
    assert "gộp 7 thông báo" in centre.content.decode()
    badge = client.get(reverse("notifications:unread_badge"))
    assert ">1<" in badge.content.decode().replace(" ", "")
    api = client.get("/api/v1/notifications").json()
    assert [(n["rule"], n["bundled"]) for n in api["results"]] == [("task.overdue.escalated", 7)]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    summary = services.shown(leader).get()
    opened = client.get(reverse("notifications:notification_open", args=[summary.pk]))
    assert opened.status_code == 302 and urlsplit(opened["Location"]).path == reverse("directives:task_list")
    assert not Notification.objects.filter(recipient=leader, read_at__isnull=True).exists()
    assert services.unread_count(leader) == 0


@pytest.mark.django_db(transaction=True)
def test_immediate_e_mail_sends_one_message_for_the_summary(world: Any, smtp_server: Any) -> None:
    """Through the queue and a real SMTP server: the leader who chose "immediate" gets one
    message, the summary, not seven."""
    from dieuhanh.core import queue
    from dieuhanh.notifications.choices import EmailMode
    from dieuhanh.notifications.models import Preference

    _tasks(world, 7, 0)
    queue.drain()
    world.leader.email = "bithu@chilinh.example"
    world.leader.save()
    Preference.objects.create(user=world.leader, email_mode=EmailMode.IMMEDIATE)
    result = reminders.run(WEEK_TWO)
    assert result.sent["task.overdue.escalated"]["immediate"] == 1
    queue.drain()
    mails = smtp_server.to("bithu@chilinh.example")
    assert len(mails) == 1
    assert mails[0]["Subject"].strip().startswith("7 nhiệm vụ quá hạn trên một tuần")
    assert reverse("directives:task_list") in mails[0].get_content()


def test_the_digest_lists_the_summary_not_its_items(world: Any) -> None:
    from dieuhanh.notifications import digest

    _tasks(world, 7, 0)
    world.leader.email = "bithu@chilinh.example"
    world.leader.save()
    reminders.run(WEEK_TWO)
    built = digest.build(world.leader, WEEK_TWO)
    assert built is not None
    assert [n.bundled for n in built.notifications] == [7]


def test_the_command_prints_the_summaries(world: Any) -> None:
    _tasks(world, 7, 0)
    out = CliRunner(env={"COLUMNS": "220"}).invoke(app, ["reminders", "--today", WEEK_TWO.isoformat(), "--dry-run"])
    assert out.exit_code == 0, out.output
    row = next(line for line in out.output.splitlines() if "báo lãnh đạo" in line)
    # objects, in the app, grouped, summaries, immediate, digest
    assert [c.strip() for c in row.strip("│ ").split("│")][1:] == ["", "7", "7", "1", "0", "0"]
    assert not Notification.objects.filter(rule__startswith="task.overdue").exists()


def test_a_one_stop_desk_with_many_dossiers_due_gets_one_summary_and_the_other_ward_its_own(world: Any) -> None:
    """Eleven dossiers of ward A due on Thursday 12/3/2026 (more than the rule's ten): ward A's
    desk gets one summary of eleven linking to the dossiers due soon; ward B's desk, with three,
    three reminders of its own and nothing of ward A's."""
    from dieuhanh.dossiers.models import Dossier

    a = [world.dossier() for _ in range(11)]
    b = [world.dossier(unit=world.ward_b, actor=world.onestop_b) for _ in range(3)]
    Dossier.objects.filter(pk__in=[d.pk for d in a + b]).update(due_on=D(2026, 3, 12))
    result = reminders.run(WEEK_TWO)
    assert (result.sent["dossier.due_soon"]["bundled"], result.sent["dossier.due_soon"]["summaries"]) == (11, 1)
    [summary] = services.shown(world.onestop_a).filter(rule="dossier.due_soon")
    assert summary.bundled == 11 and summary.title == "11 hồ sơ sắp đến hẹn trả trong phạm vi của đồng chí"
    assert summary.url == reverse("dossier_list") + "?status=due_soon"
    assert set(Notification.objects.filter(bundle=summary).values_list("object_id", flat=True)) == {d.pk for d in a}
    own_b = services.shown(world.onestop_b).filter(rule="dossier.due_soon")
    assert set(own_b.values_list("object_id", flat=True)) == {d.pk for d in b} and own_b.count() == 3
    assert not own_b.filter(bundled__gt=0).exists()
