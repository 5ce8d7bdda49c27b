from django.db import connection
from django.test import Client
from typer.testing import CliRunner

from dieuhanh.cli import app
from dieuhanh.core.models import AuditEvent

runner = CliRunner()


def test_token_create_prints_a_working_token(world):
    result = runner.invoke(app, ["token", "create", world.officer_a.username])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/tasks")
    assert response.status_code == 200
    assert AuditEvent.objects.latest("seq").channel == "cli"


def test_token_create_for_an_unknown_user_fails_clearly(db):
    result = runner.invoke(app, ["token", "create", "khong_ton_tai"])
    assert result.exit_code == 1 and "Không có người dùng" in result.output


def test_audit_verify_passes_then_names_the_edited_entry(world):
    world.task()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "nguyên vẹn" in ok.output
    target = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE id = %s", ['{"title": "sửa tay"}', target.id])
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"sự kiện số {target.seq} (id {target.id})" in broken.output
