"""The demo city's citizen reception and petitions: the 2021 register has the articles' figures
(317 received, all routed, 91% resolved, nothing repeated, over-level or prolonged), leaders
hold reception days and dialogues, petitions of 2022 to today are in every state with
deadlines on track, due soon and overdue, repeats and over-level petitions are flagged, a
denouncer is seen only by the handler, and a second run adds nothing.

The demo is loaded once for this module inside a transaction rolled back at the end."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F
from django.utils import timezone

from dieuhanh.demo.loader import load_demo
from dieuhanh.directives.models import Task
from dieuhanh.lib.text import fold
from dieuhanh.org.choices import Role, UnitLevel
from dieuhanh.org.models import AdminUnit, User
from dieuhanh.petitions import stats
from dieuhanh.petitions.choices import Channel, Field, Ineligibility, Kind, SessionKind, State
from dieuhanh.petitions.confidentiality import REDACTED, decrypt_for_system, display_identity
from dieuhanh.petitions.demo import strip_marks
from dieuhanh.petitions.models import Petition, PetitionStep, ReceptionSession

REFORM = dt.date(2025, 7, 1)


def user(username: str) -> User:
    return User.objects.get(username=username)


def ward(code: str, *, new: bool) -> AdminUnit:
    qs = AdminUnit.objects.filter(code=code, level=UnitLevel.COMMUNE)
    return qs.get(valid_from=REFORM) if new else qs.get(valid_from__isnull=True)


def city() -> AdminUnit:
    return AdminUnit.objects.get(code="290", level=UnitLevel.DISTRICT)


def register_2021():
    chi_linh = [city(), *AdminUnit.objects.filter(parent=city(), level=UnitLevel.COMMUNE)]
    return Petition.objects.filter(year=2021, receiving_unit__in=chi_linh)


def test_the_2021_register_has_the_articles_figures(demo, db):
    assert demo.counts["petitions"]["petitions"] >= 317 + 150
    qs = register_2021()
    total = stats.totals(qs)
    assert total.received == 317
    assert total.routed == 317 and total.routed_rate == 1.0
    assert round(total.resolution_rate * 100) == 91
    assert total.on_time_rate >= 0.9
    assert (total.open, total.overdue, total.duplicates, total.over_level, total.prolonged) == (0, 0, 0, 0, 0)
    # Every petition was routed: accepted, transferred, guided or filed.
    assert total.accepted + total.transferred + total.guided + total.filed == 317
    assert not qs.filter(state=State.RECEIVED).exists()
    # Spread over the 19 wards and communes of the time, and the city's own competence.
    by_unit = {r.label: r.received for r in stats.table(qs, by="unit_then")}
    assert len(by_unit) == 20 and by_unit["Thành phố Chí Linh"] > 0
    assert all(n >= 10 for n in by_unit.values())
    # Land dominates; every kind and channel of the register is there.
    by_field = [r.key for r in stats.table(qs, by="field")]
    assert by_field[0] == Field.LAND and Field.POLICY in by_field[:3]
    kinds = set(qs.values_list("kind", flat=True))
    assert {Kind.COMPLAINT, Kind.DENUNCIATION, Kind.RECOMMENDATION, Kind.FEEDBACK} <= kinds
    assert {Channel.DESK, Channel.POST, Channel.SESSION, Channel.TRANSFERRED} <= set(qs.values_list("channel", flat=True))
    # Each received by the unit where the matter arose (no one sent over the competent level).
    assert not qs.exclude(unit_id=F("receiving_unit_id")).exists()
    # Texts are distinct: no two petitions share a subject and content.
    assert qs.values("subject", "content").distinct().count() == 317


def test_leaders_hold_reception_days_and_dialogues(demo, db):
    sessions = ReceptionSession.objects.all()
    city_days = sessions.filter(unit=city(), kind=SessionKind.REGULAR)
    assert city_days.filter(held_on__year=2021).count() == 24  # chairman and secretary, monthly
    assert city_days.filter(host_title__startswith="Bí thư").exists()
    sao_do = sessions.filter(unit=ward("10549", new=False), kind=SessionKind.REGULAR, held_on__year=2021).count()
    assert sao_do >= 45  # weekly
    chu_van_an = sessions.filter(unit=ward("10549", new=True), kind=SessionKind.REGULAR)
    assert chu_van_an.filter(held_on__gte=timezone.localdate() - dt.timedelta(days=21)).exists()
    assert sessions.filter(kind=SessionKind.AD_HOC).exists()
    dialogues = sessions.filter(kind=SessionKind.DIALOGUE)
    assert dialogues.count() >= 4
    assert dialogues.filter(host_title__startswith="Bí thư", matters__contains="giải phóng mặt bằng").count() >= 2
    # Matters raised at receptions are recorded as petitions of that reception.
    at_sessions = Petition.objects.filter(session__isnull=False)
    assert at_sessions.count() >= 40
    assert not at_sessions.exclude(channel=Channel.SESSION).exists()
    assert all(p.session.unit_id == p.receiving_unit_id for p in at_sessions.select_related("session"))
    # One matter of a dialogue became a "5 rõ" task of the ward.
    made = Petition.objects.get(task__isnull=False)
    assert made.session.kind == SessionKind.DIALOGUE
    task = Task.objects.get(pk=made.task_id)
    assert task.lead_unit == ward("10549", new=True)
    assert task.due_date > timezone.localdate()
    assert made.steps.filter(action="make_task").exists()


def test_petitions_since_2022_are_in_every_state(demo, db):
    recent = Petition.objects.filter(received_on__year__gte=2022)
    assert 150 <= recent.count() <= 250
    states = set(recent.values_list("state", flat=True))
    assert states == set(State.values)
    open_now = recent.open().with_timing()
    timings = {row["timing"]: row["n"] for row in open_now.values("timing").annotate(n=Count("id")).order_by()}
    assert timings.get("overdue", 0) >= 3 and timings.get("due_soon", 0) >= 2 and timings.get("on_track", 0) >= 5
    # Denunciations extended once (complex) and twice (especially complex), still in time.
    extended = recent.filter(kind=Kind.DENUNCIATION, extensions__gt=0)
    assert set(extended.values_list("extensions", flat=True)) == {1, 2}
    assert not extended.filter(due_on__lt=timezone.localdate()).exists()
    # Decisions concluded and waiting to be sent, one of them late.
    assert recent.filter(state=State.CONCLUDED, due_rule="complaint.decision_send").count() >= 2
    # Second-time complaints to the city; one filed after the time limit.
    second = recent.filter(level=2)
    assert second.count() == 3 and all(p.previous.level == 1 for p in second)
    assert second.filter(state=State.FILED, ineligibility=Ineligibility.TIME_LIMIT).count() == 1
    # Over-level: first-time matters of a ward sent to the city, flagged.
    over = recent.filter(is_over_level=True)
    assert over.count() == 2 and not over.exclude(receiving_unit=city()).exists()
    # Prolonged: open past their deadline, including cases handed over at the reform.
    prolonged = recent.filter(is_prolonged=True)
    assert prolonged.count() >= 3
    assert prolonged.filter(received_on__lt=REFORM).exists()


def test_repeated_petitions_are_flagged(demo, db):
    repeats = Petition.objects.filter(duplicate_of__isnull=False, level=1)
    assert repeats.count() >= 3
    plain = [p for p in repeats if p.subject == strip_marks(p.subject) and p.duplicate_of.subject != p.subject]
    assert plain, "a repeat typed without diacritics"
    renamed = [p for p in repeats if decrypt_for_system(p)["name"] != decrypt_for_system(p.duplicate_of)["name"]
               and fold(decrypt_for_system(p)["name"]) != ""]
    assert renamed, "a repeat with the name spelt differently"
    # Across the reform: a matter of phường Sao Đỏ sent again to phường Chu Văn An.
    assert repeats.filter(unit=ward("10549", new=True), duplicate_of__unit=ward("10549", new=False)).exists()


def test_denouncers_are_seen_only_by_their_handlers(demo, db):
    handled = Petition.objects.filter(kind=Kind.DENUNCIATION, assignments__isnull=False).distinct()
    handlers = set(handled.values_list("assignments__user__username", flat=True))
    assert {"tiepdan", "phuong_saodo"} <= handlers
    assert handlers <= {"tiepdan", "phuong_saodo", "phuong_phalai", "kiemtra"}
    assert not Petition.objects.filter(assignments__user__username="bithu").exists()
    p = handled.filter(assignments__user__username="phuong_saodo").first()
    real = display_identity(user("phuong_saodo"), p)
    assert real["name"] and real["name"] != REDACTED
    leader = user("bithu")
    assert Petition.objects.visible_to(leader).filter(pk=p.pk).exists()
    assert display_identity(leader, p)["name"] == REDACTED
    # Party members are denounced to the party committee and checked by the inspector.
    party = Petition.objects.filter(against_party_member=True, accepted_on__isnull=False)
    assert party.exists() and not party.exclude(assignments__user__username="kiemtra").exists()


def test_the_reception_persona_and_the_ward_officers_scope(demo, db):
    grant = user("tiepdan").grants.get()
    assert (grant.role, grant.unit) == (Role.RECEPTION, city())
    assert Petition.objects.filter(created_by__username="tiepdan").count() == Petition.objects.count()
    mine = Petition.objects.visible_to(user("phuong_saodo"))
    assert mine.filter(unit=ward("10549", new=False), year=2021).exists()  # Sao Đỏ, 2021
    assert mine.filter(unit=ward("10549", new=True)).exists()  # Chu Văn An, today
    assert not mine.filter(unit__in=[ward("10546", new=False), ward("10546", new=True)]).exists()


def test_it_adds_nothing_when_run_again(demo, db):
    before = (Petition.objects.count(), ReceptionSession.objects.count(), PetitionStep.objects.count())
    again = load_demo()
    assert "petitions" in again.skipped and "petitions" not in again.counts
    assert (Petition.objects.count(), ReceptionSession.objects.count(), PetitionStep.objects.count()) == before
