"""Building blocks of the directives' page tests."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.core.models import AuditEvent

TODAY = timezone.localdate


def task_state(task):
    task.refresh_from_db()
    return (
        task.progress_percent, task.due_date, task.version, task.completed_on, task.cancelled_on,
        task.reports.count(), AuditEvent.objects.count(),
    )


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert f"{TODAY():%d-%m-%Y}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [tuple(row) for row in sheet.iter_rows(values_only=True)]


def task_post(world, **overrides):
    data = {
        "title": "Lập quy hoạch chi tiết khu trung tâm phường",
        "content": "Lập, trình duyệt quy hoạch chi tiết tỷ lệ 1/500",
        "source_document": world.resolution.pk,
        "lead_unit": world.ward_a.pk,
        "lead_person": world.officer_a_person.pk,
        "coordinating_units": [world.ward_b.pk],
        "assigned_on": TODAY().isoformat(),
        "due_date": (TODAY() + dt.timedelta(days=90)).isoformat(),
        "budget_vnd": "1.500.000.000",
        "staff_count": "5",
        "resource_note": "Thuê tư vấn lập quy hoạch",
        "expected_result": "Quy hoạch được phê duyệt",
        "accountable_person": world.leader_person.pk,
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "30",
        "milestones-0-title": "Trình hồ sơ nhiệm vụ quy hoạch",
        "milestones-0-due_date": (TODAY() + dt.timedelta(days=30)).isoformat(),
        "milestones-1-title": "",
        "milestones-1-due_date": "",
        "milestones-2-title": "",
        "milestones-2-due_date": "",
    }
    data.update(overrides)
    return data
