"""The daily digest, sent through Django's SMTP backend to a real SMTP server (aiosmtpd): each
person's figures come from their own scope, the notifications listed are those they still see,
and nobody gets it twice a day or without having asked for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from dieuhanh.directives.services import do_report_progress
from dieuhanh.notifications import digest
from dieuhanh.notifications.choices import EmailMode
from dieuhanh.notifications.models import DigestSent, Notification, Preference
from dieuhanh.notifications.services import notify
from dieuhanh.org.choices import Role
from dieuhanh.org.models import RoleGrant, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> dict[str, Any]:
    today = timezone.localdate()
    past = {"assigned_on": today - dt.timedelta(days=40), "due_date": today - dt.timedelta(days=5)}
    late_a = world.task(title="Giải phóng mặt bằng chợ phường A", lead_unit=world.ward_a, **past)
    late_b = world.task(title="Nạo vét kênh tiêu phường B", lead_unit=world.ward_b, lead_person=world.officer_b_person, **past)
    soon_b = world.task(title="Sửa cầu dân sinh phường B", lead_unit=world.ward_b, lead_person=world.officer_b_person,
                        due_date=today)
    do_report_progress(actor=world.officer_a, task=late_a, period="weekly", percent=40,
                       content="Đã kiểm đếm 40% số hộ.", proposals="Xin cơ chế hỗ trợ tái định cư.", beyond_authority=True)
    leader_b = User.objects.create_user(username="chutich_b", password="x", email="chutich.b@phuong-b.example")
    RoleGrant.objects.create(user=leader_b, role=Role.LEADER, unit=world.ward_b)
    for user, address in ((world.leader, "bithu@thanhpho.example"), (world.officer_b, "canbo.b@phuong-b.example")):
        user.email = address
        user.save()
    # The notices of these events (a task assigned, a report beyond authority: reminders) are not
    # what these tests count.
    Notification.objects.all().delete()
    return {"late_a": late_a, "late_b": late_b, "soon_b": soon_b, "leader_b": leader_b, "today": today}


def test_two_leaders_of_different_scopes_get_their_own_figures(world: Any, scene: dict[str, Any], smtp_server: Any) -> None:
    assert digest.send_all(scene["today"]) == 3
    (city,) = smtp_server.to("bithu@thanhpho.example")
    (ward_b,) = smtp_server.to("chutich.b@phuong-b.example")
    city_text, ward_text = city.get_content(), ward_b.get_content()
    assert "Kính gửi đồng chí Trần Văn Lãnh" in city_text
    assert ("Trong phạm vi của đồng chí: 2 nhiệm vụ quá hạn, 1 nhiệm vụ đến hạn trong tuần, "
            "1 báo cáo chờ ý kiến.") in city_text
    assert "Trong phạm vi của đồng chí: 1 nhiệm vụ quá hạn, 1 nhiệm vụ đến hạn trong tuần." in ward_text
    assert "/nhiem-vu/?status=overdue" in city_text and "/nhiem-vu/?flagged=true" in city_text
    assert city["Subject"].strip() == f"Điều Hành: tổng hợp ngày {scene['today']:%d/%m/%Y}"


def test_each_figure_is_what_its_link_lists_to_that_person(world: Any, scene: dict[str, Any], smtp_server: Any) -> None:
    """The figure and the list it links to count the same rows for the same person."""
    from django.test import Client

    client = Client()
    client.force_login(scene["leader_b"])
    for figure in digest.figures_for(scene["leader_b"], scene["today"]):
        if figure.url.startswith("/nhiem-vu/"):
            page = client.get(figure.url).content.decode()
            codes = [t.code for t in (scene["late_a"], scene["late_b"], scene["soon_b"]) if t.code in page]
            assert len(codes) == figure.count, (figure, codes)


def test_an_officer_of_ward_b_never_reads_ward_a_in_the_digest(world: Any, scene: dict[str, Any], smtp_server: Any) -> None:
    Preference.objects.create(user=world.officer_b, email_mode=EmailMode.DIGEST, daily_digest=True)
    notify([world.officer_a, world.officer_b], rule="task.overdue", title=f"Quá hạn: {scene['late_a'].code}",
           obj=scene["late_a"], url=scene["late_a"].get_absolute_url())
    notify([world.officer_b], rule="task.overdue", title=f"Quá hạn: {scene['late_b'].code}", obj=scene["late_b"],
           url=scene["late_b"].get_absolute_url())
    # A notification made while they still saw ward A (a scope since lost) is not listed either.
    stale = Notification.objects.create(recipient=world.officer_b, rule="task.overdue", title=f"Cũ: {scene['late_a'].code}",
                                        object_type="directives.task", object_id=scene["late_a"].pk)
    digest.send_all(scene["today"])
    (mail,) = smtp_server.to("canbo.b@phuong-b.example")
    text = mail.get_content()
    assert scene["late_b"].code in text and "1 nhiệm vụ quá hạn" in text
    assert scene["late_a"].code not in text and "chợ phường A" not in text
    assert "báo cáo chờ ý kiến" not in text  # an officer follows no leader's answers
    stale.refresh_from_db()
    assert stale.emailed_at is None
    assert Notification.objects.get(recipient=world.officer_b, object_id=scene["late_b"].pk).emailed_at is not None


def test_nobody_gets_it_twice_or_without_asking(world: Any, scene: dict[str, Any], smtp_server: Any) -> None:
    Preference.objects.create(user=world.officer_b, email_mode=EmailMode.OFF, daily_digest=False)
    no_address = User.objects.create_user(username="khongthu", password="x")
    RoleGrant.objects.create(user=no_address, role=Role.LEADER, unit=world.ward_b)
    immediate_only = User.objects.create_user(username="ngay", password="x", email="ngay@phuong-b.example")
    RoleGrant.objects.create(user=immediate_only, role=Role.LEADER, unit=world.ward_b)
    Preference.objects.create(user=immediate_only, email_mode=EmailMode.IMMEDIATE, daily_digest=False)
    assert digest.send_all(scene["today"]) == 2
    assert sorted(m["To"] for m in smtp_server.messages) == ["bithu@thanhpho.example", "chutich.b@phuong-b.example"]
    assert digest.send_all(scene["today"]) == 0  # the same day again: already sent
    assert len(smtp_server.messages) == 2
    assert DigestSent.objects.filter(day=scene["today"]).count() == 2
    assert digest.send_all(scene["today"] + dt.timedelta(days=1)) == 2  # the next morning


def test_a_person_with_nothing_in_scope_and_no_notification_gets_no_mail(world: Any, smtp_server: Any) -> None:
    world.outsider.email = "ngoai@example.vn"
    world.outsider.save()
    world.officer_a.email = "canbo.a@example.vn"
    world.officer_a.save()
    assert digest.send_all(timezone.localdate()) == 0
    assert smtp_server.messages == []


def test_the_digest_is_declared_as_a_daily_job() -> None:
    from django.apps import apps
    from django.utils.module_loading import import_string

    from dieuhanh.core.platform import PlatformApp

    config = apps.get_app_config("notifications")
    assert isinstance(config, PlatformApp)
    job = next(j for j in config.periodic if j.key == "notifications.digest")
    assert (job.key, job.every, job.at) == ("notifications.digest", "day", "06:30")
    assert import_string(job.function) is digest.send_all


def test_a_digest_claimed_by_another_run_is_not_sent_again(world: Any, scene: dict[str, Any], smtp_server: Any) -> None:
    """Two runs at once: the one that claims a person's digest first sends it, the other skips."""
    DigestSent.objects.create(user=world.leader, day=scene["today"])
    assert digest.send_all(scene["today"]) == 2
    assert "bithu@thanhpho.example" not in [m["To"] for m in smtp_server.messages]


def test_a_failed_send_gives_the_claim_back(world: Any, scene: dict[str, Any], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with pytest.raises(OSError):
        digest.send_all(scene["today"])
    assert not DigestSent.objects.exists()


def test_a_run_that_meets_a_claim_made_meanwhile_skips_that_person(
    world: Any, scene: dict[str, Any], smtp_server: Any, monkeypatch: Any
) -> None:
    """Another run claims the leader's digest after this run has read the day's claims (two
    workers at once): this run's claim fails on the unique key and it sends the leader nothing."""
    build = digest.build

    def build_while_another_run_claims(user: Any, day: dt.date) -> Any:
        if user.pk == world.leader.pk:
            DigestSent.objects.create(user=user, day=day)
        return build(user, day)

    monkeypatch.setattr(digest, "build", build_while_another_run_claims)
    assert digest.send_all(scene["today"]) == 2
    assert "bithu@thanhpho.example" not in [m["To"] for m in smtp_server.messages]
    assert DigestSent.objects.filter(user=world.leader).count() == 1
