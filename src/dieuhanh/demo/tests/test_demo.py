"""The demo city: it loads, a second run adds nothing, the personas have their documented
roles, the document tree is the articles' (1 congress resolution → 1 action programme → 3
programmes, 4 plans, 11 projects), tasks are in every state, scopes follow the 2025 reform and
the audit chain verifies.

The demo is loaded once for this module, inside a transaction rolled back at the end, so the
rest of the suite still starts from an empty database."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone
from typer.testing import CliRunner

from dieuhanh.core.audit import verify_chain
from dieuhanh.core.models import AuditEvent
from dieuhanh.demo.loader import DEMO_PASSWORD, PERSONAS, load_demo
from dieuhanh.directives.choices import AdjustedField, DocumentKind, DocumentSystem, TaskStatus
from dieuhanh.directives.demo import task_status_counts
from dieuhanh.directives.models import Adjustment, Document, Milestone, ProgressReport, Task
from dieuhanh.org import scope
from dieuhanh.org.choices import AssignmentKind, Role, UnitLevel
from dieuhanh.org.models import AdminUnit, Assignment, UnitSuccession, User

REFORM = dt.date(2025, 7, 1)


def user(username: str) -> User:
    return User.objects.get(username=username)  # fresh object: no cached scope


def unit(code: str, *, new: bool) -> AdminUnit:
    qs = AdminUnit.objects.filter(code=code, level=UnitLevel.COMMUNE)
    return qs.get(valid_from=REFORM) if new else qs.get(valid_from__isnull=True)


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_it_loads_units_villages_and_people(demo, db):
    current = AdminUnit.objects.filter(valid_from=REFORM)
    assert current.filter(level=UnitLevel.PROVINCE).count() == 34
    assert current.filter(level=UnitLevel.COMMUNE).count() == 3321
    city = AdminUnit.objects.get(code="290", level=UnitLevel.DISTRICT)
    assert city.children.filter(level=UnitLevel.COMMUNE).count() == 19
    sao_do = unit("10549", new=False)
    assert sao_do.name == "Phường Sao Đỏ"
    assert 3 <= sao_do.children.filter(level=UnitLevel.VILLAGE).count() <= 6
    assert UnitSuccession.objects.filter(predecessor=sao_do, successor__name="Phường Chu Văn An").exists()
    # A village continues under the new ward, linked by a succession.
    village = AdminUnit.objects.get(code="10549-01", valid_from=REFORM)
    assert village.parent.name == "Phường Chu Văn An"
    assert village.predecessions.get().predecessor.parent == sao_do
    # Concurrent posts and rotations are recorded.
    assert Assignment.objects.filter(kind=AssignmentKind.CONCURRENT).count() >= 5
    rotations = Assignment.objects.filter(kind=AssignmentKind.ROTATION)
    assert rotations.count() >= 8
    assert not rotations.filter(rotated_from__isnull=True).exists()


def test_it_adds_nothing_when_run_again(demo, db):
    before = counts()
    again = load_demo()
    assert "work" in again.skipped
    assert sum(again.created.values()) == 0
    assert again.units_created == 0
    assert counts() == before


def test_personas_have_the_documented_roles(demo, db):
    expected = {
        "vanphong": (Role.OFFICE, "Thành phố Chí Linh"),
        "bithu": (Role.LEADER, "Thành phố Chí Linh"),
        "phuong_saodo": (Role.UNIT_OFFICER, "Phường Chu Văn An"),
        "phuong_phalai": (Role.UNIT_OFFICER, "Phường Chí Linh"),
        "tiepdan": (Role.RECEPTION, "Thành phố Chí Linh"),
        "motcua": (Role.ONE_STOP, "Phường Chu Văn An"),
        "kiemtra": (Role.INSPECTOR, "Thành phố Chí Linh"),
    }
    assert {p.username for p in PERSONAS} == {*expected, "admin"}
    for username, (role, unit_name) in expected.items():
        u = user(username)
        assert u.check_password(DEMO_PASSWORD)
        assert [(g.role, g.unit.name) for g in u.grants.select_related("unit")] == [(role, unit_name)]
        assert u.person is not None
    admin = user("admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    assert admin.grants.get().role == Role.ADMIN
    # bithu is the (fictional) Bí thư Thành uỷ, and since the reform the Bí thư of Chu Văn An.
    posts = {(a.position.title, a.position.organisation.name) for a in user("bithu").person.assignments.all()}
    assert ("Bí thư", "Thành uỷ Chí Linh") in posts
    assert ("Bí thư", "Đảng uỷ phường Chu Văn An") in posts


def test_the_document_tree_follows_the_articles(demo, db):
    congress = Document.objects.get(issuer__name="Thành uỷ Chí Linh", kind=DocumentKind.RESOLUTION, parent=None)
    assert congress.system == DocumentSystem.PARTY
    assert congress.notation == "Số 01-NQ/ĐH"
    assert "lần thứ XXIII" in congress.title
    programme = congress.children.get(kind=DocumentKind.PROGRAMME)
    implementing = programme.children.values_list("kind", flat=True)
    assert list(implementing).count(DocumentKind.PROGRAMME) == 3
    assert list(implementing).count(DocumentKind.PLAN) == 4
    assert list(implementing).count(DocumentKind.PROJECT) == 11
    assert Document.objects.filter(system=DocumentSystem.STATE, issuer__name__startswith="Uỷ ban nhân dân").exists()
    # The mid-term review of 16/5/2023 decided the adjustments of the key works.
    midterm = congress.children.get(kind=DocumentKind.CONCLUSION, issued_on=dt.date(2023, 5, 16))
    decided = Adjustment.objects.filter(deciding_document=midterm)
    assert decided.filter(field=AdjustedField.EXPECTED_RESULT).count() >= 2
    assert decided.filter(field=AdjustedField.DUE_DATE).count() >= 2
    dropped = Task.objects.filter(title__startswith="Công trình trọng điểm", cancelled_on__isnull=False)
    assert dropped.count() == 3


def test_tasks_are_in_every_state(demo, db):
    found = task_status_counts()
    assert all(found[s] > 0 for s in TaskStatus.values), found
    assert 150 <= Task.objects.count() <= 400
    today = timezone.localdate()
    overdue = Task.objects.with_status().filter(status=TaskStatus.OVERDUE)
    assert overdue.filter(due_date__gte=today - dt.timedelta(days=20)).exists()  # by days
    assert overdue.filter(due_date__lt=today - dt.timedelta(days=60)).exists()  # by months
    assert Task.objects.filter(parent__isnull=False).exists()
    assert Milestone.objects.exists()
    assert Task.objects.filter(budget_vnd__gt=0, staff_count__gt=0).exists()
    flagged = ProgressReport.objects.filter(beyond_authority=True)
    assert flagged.filter(acknowledged_by__username="bithu").exists()
    assert flagged.filter(acknowledged_at__isnull=True).exists()
    # 2021 work led by the legacy wards, today's by their successors.
    assert Task.objects.filter(assigned_on__year=2021, lead_unit=unit("10549", new=False)).exists()
    assert Task.objects.filter(assigned_on__gte=REFORM, lead_unit=unit("10549", new=True)).exists()


def test_a_ward_officer_sees_the_ward_and_its_predecessors_only(demo, db):
    visible = Task.objects.visible_to(user("phuong_saodo"))
    assert visible.filter(lead_unit=unit("10549", new=False)).exists()  # Sao Đỏ, before 2025
    assert visible.filter(lead_unit=unit("10549", new=True)).exists()  # Chu Văn An, today
    elsewhere = scope.unit_scope(user("phuong_phalai"))
    assert unit("10546", new=False).pk in elsewhere and unit("10546", new=True).pk in elsewhere
    assert not visible.filter(lead_unit__in=elsewhere).exists()
    assert Task.objects.filter(lead_unit__in=elsewhere).exists()


def test_the_leader_sees_everything(demo, db):
    assert Task.objects.visible_to(user("bithu")).count() == Task.objects.count()


def test_the_audit_chain_verifies(demo, db):
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditEvent.objects.count()
    created = AuditEvent.objects.filter(object_type="directives.task", action="create").count()
    assert created == Task.objects.count()


def test_the_command_prints_the_personas_and_the_password(demo, db):
    from dieuhanh.cli import app

    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for persona in PERSONAS:
        assert persona.username in result.output


def test_postgresql_planner_statistics_describe_the_loaded_city(demo, db):
    """After the load PostgreSQL knows how many rows each table holds (an explicit ANALYZE, not
    autovacuum's some minutes later): without it the planner took the freshly filled task, person
    and document tables for empty and joined them by nested loops, one task list page taking
    minutes. SQLite keeps no planner statistics, and the loader asks for none."""
    from django.db import connection

    from dieuhanh.directives.models import Task

    if connection.vendor != "postgresql":
        assert "Thống kê cho bộ lập kế hoạch truy vấn" not in dict(demo.steps)
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.reltuples, s.last_analyze IS NOT NULL FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.relname = %s", [Task._meta.db_table])
        reltuples, analysed = cur.fetchone()
    assert analysed
    assert reltuples >= 0.9 * Task.objects.count() > 0
