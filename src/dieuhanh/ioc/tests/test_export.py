"""The IOC's table exports with text nobody should trust: a task title holding a control
character (which once made the export fail) or starting like a formula (which must reach Excel as
text). Read back with openpyxl as a reader would open them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://lua-dao.example/","Xem chi tiết")'


def test_overdue_task_titles_are_cleaned_and_stay_text(client, world):
    today = timezone.localdate()
    for days, title in ((5, "Cải tạo\x08 chợ Sao Đỏ"), (2, HYPERLINK)):
        world.task(title=title, assigned_on=today - dt.timedelta(days=60), due_date=today - dt.timedelta(days=days))
    client.force_login(world.leader)
    response = client.get("/ioc/?xuat=nhiem-vu-qua-han")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in titles] == ["Cải tạo chợ Sao Đỏ", HYPERLINK]
    assert titles[1].data_type == "s" and titles[1].quotePrefix  # text, not a formula
    assert not titles[0].quotePrefix
    assert ws["E2"].is_date and ws["F2"].value == 5  # dates and numbers keep their types
