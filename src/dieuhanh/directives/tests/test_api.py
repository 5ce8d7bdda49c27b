import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dieuhanh.core.models import AuditEvent
from dieuhanh.core.tokens import do_create_token
from dieuhanh.directives.models import Task
from dieuhanh.directives.services import do_create_document
from dieuhanh.testing import bearer, signed_in


@pytest.fixture
def tasks(world):
    a = world.task(title="Giải phóng mặt bằng phường A")
    b = world.task(title="Chỉnh trang đô thị phường B", lead_unit=world.ward_b, lead_person=world.officer_b_person)
    return a, b


def task_body(world, **overrides):
    body = {
        "title": "Hoàn thành đề án đô thị thông minh",
        "source_document": world.resolution.pk,
        "lead_unit": world.ward_a.pk,
        "lead_person": world.officer_a_person.pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "milestones": [{"title": "Khảo sát", "due_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat()}],
        "resources": {"budget_vnd": 2_000_000_000, "staff": 5, "note": "Ngân sách thành phố"},
        "expected_result": "Đề án được HĐND thông qua",
        "accountable_person": world.leader_person.pk,
    }
    body.update(overrides)
    return body


ENDPOINTS = [
    ("get", "/api/v1/tasks"),
    ("post", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{a}"),
    ("get", "/api/v1/tasks/{a}/reports"),
    ("post", "/api/v1/tasks/{a}/reports"),
    ("get", "/api/v1/documents"),
    ("post", "/api/v1/documents"),
    ("get", "/api/v1/documents/{doc}"),
    ("get", "/api/v1/units"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_requires_authentication_on_every_endpoint(world, tasks, method, path):
    url = path.format(a=tasks[0].pk, doc=world.resolution.pk)
    response = getattr(Client(), method)(url, data={} if method == "post" else None, content_type="application/json")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_a_wrong_or_revoked_token_is_refused(world):
    assert Client(headers={"Authorization": "Bearer dh_wrong"}).get("/api/v1/tasks").status_code == 401
    token, row = do_create_token(user=world.office, actor=world.office)
    row.revoked_at = timezone.now()
    row.save()
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/tasks").status_code == 401


def test_ward_officers_see_only_their_ward(world, tasks):
    a, b = tasks
    client = bearer(world.officer_a)
    listed = client.get("/api/v1/tasks").json()
    assert [t["id"] for t in listed["results"]] == [a.pk] and listed["count"] == 1
    assert client.get(f"/api/v1/tasks/{a.pk}").status_code == 200
    assert client.get(f"/api/v1/tasks/{b.pk}").status_code == 404
    assert client.get(f"/api/v1/tasks/{b.pk}/reports").status_code == 404
    response = client.post(f"/api/v1/tasks/{b.pk}/reports", {"period": "weekly", "percent": 50, "content": "x"}, content_type="application/json")
    assert response.status_code == 404
    assert not b.reports.exists()


def test_the_leader_reads_all_and_the_outsider_nothing(world, tasks):
    assert bearer(world.leader).get("/api/v1/tasks").json()["count"] == 2
    assert bearer(world.outsider).get("/api/v1/tasks").json()["count"] == 0
    assert bearer(world.outsider).get(f"/api/v1/tasks/{tasks[0].pk}").status_code == 404


def test_filters_by_unit_status_and_search(world, tasks):
    client = bearer(world.leader)
    assert [t["id"] for t in client.get("/api/v1/tasks", {"unit": world.ward_b.pk}).json()["results"]] == [tasks[1].pk]
    # A task recorded in 2021 under phường Phả Lại rolls up under its successor phường Chí Linh.
    old = world.task(
        title="Nhiệm vụ năm 2021", lead_unit=world.ward_b_old, lead_person=world.officer_b_person,
        assigned_on=dt.date(2021, 3, 1), due_date=dt.date(2021, 12, 31),
    )
    assert {t["id"] for t in client.get("/api/v1/tasks", {"unit": world.ward_b.pk}).json()["results"]} == {tasks[1].pk, old.pk}
    assert old.pk in {t["id"] for t in bearer(world.officer_b).get("/api/v1/tasks").json()["results"]}
    assert old.pk not in {t["id"] for t in bearer(world.officer_a).get("/api/v1/tasks").json()["results"]}
    assert client.get("/api/v1/tasks", {"status": "on_track"}).json()["count"] == 2
    assert client.get("/api/v1/tasks", {"status": "overdue"}).json()["count"] == 1
    assert client.get("/api/v1/tasks", {"q": "giai phong mat bang"}).json()["count"] == 1
    assert client.get("/api/v1/tasks", {"status": "nonsense"}).status_code == 422


def test_creating_a_task_through_the_api(world):
    response = bearer(world.office).post("/api/v1/tasks", task_body(world), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lead_unit"]["name"] == "Phường Chu Văn An"
    assert body["resources"] == {"budget_vnd": 2_000_000_000, "staff": 5, "note": "Ngân sách thành phố"}
    assert body["milestones"][0]["title"] == "Khảo sát" and body["status"] == "on_track"
    event = AuditEvent.objects.latest("seq")
    assert event.channel == "api" and event.object_id == str(body["id"])


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", None, "rõ việc"),
        ("lead_unit", None, "rõ người"),
        ("lead_person", None, "rõ người"),
        ("due_date", None, "rõ thời gian"),
        ("expected_result", "  ", "rõ kết quả"),
        ("accountable_person", None, "rõ trách nhiệm"),
        ("lead_unit", 999999, "Không tìm thấy"),
        ("due_date", "31/12/2026", "Ngày không hợp lệ"),
    ],
)
def test_a_missing_or_invalid_clarity_is_named_and_nothing_is_saved(world, field, value, words):
    client = bearer(world.office)
    count, events = Task.objects.count(), AuditEvent.objects.count()
    response = client.post("/api/v1/tasks", task_body(world, **{field: value}), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert field in body["errors"] and words in " ".join(body["errors"][field])
    assert Task.objects.count() == count and AuditEvent.objects.count() == events


def test_a_ward_officer_cannot_assign_city_tasks(world):
    response = bearer(world.officer_a).post("/api/v1/tasks", task_body(world), content_type="application/json")
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_reporting_progress_through_the_api(world, tasks):
    a = tasks[0]
    client = bearer(world.officer_a)
    response = client.post(
        f"/api/v1/tasks/{a.pk}/reports",
        {"period": "monthly", "percent": 60, "content": "Đã chi trả bồi thường 60% số hộ", "beyond_authority": True,
         "proposals": "Đề nghị điều chỉnh giá đất"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    detail = client.get(f"/api/v1/tasks/{a.pk}").json()
    assert detail["progress_percent"] == 60 and detail["reports"][0]["beyond_authority"] is True
    bad = client.post(f"/api/v1/tasks/{a.pk}/reports", {"period": "weekly", "percent": 101, "content": ""}, content_type="application/json")
    assert bad.status_code == 422 and {"percent", "content"} <= set(bad.json()["errors"])
    # The inspector sees the city's tasks but does not report on them.
    inspector = bearer(world.inspector)
    assert inspector.get(f"/api/v1/tasks/{a.pk}").status_code == 200
    assert inspector.post(f"/api/v1/tasks/{a.pk}/reports", {"period": "weekly", "percent": 1, "content": "x"}, content_type="application/json").status_code == 403


def test_documents_are_scoped_and_created_from_a_notation(world):
    ward_b_doc = do_create_document(
        actor=world.office, system="state", kind="KH", number="7", issuer_code="UBND", issuer=world.ward_b_committee,
        issued_on=dt.date(2026, 1, 5), title="Kế hoạch của phường B",
    )
    officer_a = bearer(world.officer_a)
    ids = [d["id"] for d in officer_a.get("/api/v1/documents").json()["results"]]
    assert world.resolution.pk in ids and ward_b_doc.pk not in ids
    assert officer_a.get(f"/api/v1/documents/{ward_b_doc.pk}").status_code == 404
    created = bearer(world.office).post(
        "/api/v1/documents",
        {"notation": "Số: 15/QĐ-UBND", "issuer": world.ward_a_committee.pk, "issued_on": "2026-03-02",
         "title": "Quyết định giao chỉ tiêu", "parent": world.resolution.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["notation"] == "Số: 15/QĐ-UBND"
    bad = bearer(world.office).post("/api/v1/documents", {"notation": "mười lăm", "issuer": world.ward_a_committee.pk}, content_type="application/json")
    assert bad.status_code == 422 and "notation" in bad.json()["errors"]
    assert bearer(world.officer_a).post(
        "/api/v1/documents",
        {"notation": "16/QĐ-UBND", "issuer": world.ward_b_committee.pk, "issued_on": "2026-03-02", "title": "x"},
        content_type="application/json",
    ).status_code == 403


def test_units_are_scoped(world):
    ids = {u["id"] for u in bearer(world.officer_a).get("/api/v1/units").json()["results"]}
    assert ids == {world.ward_a.pk, world.ward_a_old.pk}
    leader_ids = {u["id"] for u in bearer(world.leader).get("/api/v1/units", {"current": True}).json()["results"]}
    assert leader_ids == {world.ward_a.pk, world.ward_b.pk}


def test_the_task_list_has_a_bounded_query_count(world, django_assert_max_num_queries):
    for i in range(3):
        world.task(title=f"Nhiệm vụ {i}")
    client = bearer(world.leader)
    # Token, grants, a walk of the unit tree (three queries a level), count, page, milestones.
    with django_assert_max_num_queries(25) as few:
        assert client.get("/api/v1/tasks", {"unit": world.ward_a.pk}).json()["count"] == 3
    for i in range(30):
        world.task(title=f"Nhiệm vụ thêm {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/tasks", {"unit": world.ward_a.pk}).json()["count"] == 33


def test_openapi_documentation_is_served(world):
    assert bearer(world.office).get("/api/openapi.json").json()["info"]["title"] == "Điều Hành API"
    assert signed_in(world.office).get("/api/docs").status_code == 200


def test_a_listed_task_reads_as_its_own_page(world):
    from dieuhanh.directives.services import do_close_task

    client = bearer(world.office)
    body = task_body(world, milestones=[
        {"title": "Thẩm định", "due_date": (timezone.localdate() + dt.timedelta(days=40)).isoformat()},
        {"title": "Khảo sát", "due_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat()},
    ])
    made = client.post("/api/v1/tasks", body, content_type="application/json").json()
    late = world.task(title="Việc xong muộn")
    Task.objects.filter(pk=late.pk).update(assigned_on=timezone.localdate() - dt.timedelta(days=30),
                                           due_date=timezone.localdate() - dt.timedelta(days=4))
    late.refresh_from_db()
    do_close_task(actor=world.office, task=late, completed_on=timezone.localdate(), result_summary="Xong",
                  evaluation="good")
    listed = {t["id"]: t for t in client.get("/api/v1/tasks", {"page_size": 200}).json()["results"]}
    for pk in (made["id"], late.pk):
        page = client.get(f"/api/v1/tasks/{pk}").json()
        assert listed[pk] == {key: page[key] for key in listed[pk]}
    assert [m["title"] for m in listed[made["id"]]["milestones"]] == ["Khảo sát", "Thẩm định"]
    assert listed[made["id"]]["source_document"]["notation"] == world.resolution.notation
    assert listed[made["id"]]["resources"]["budget_vnd"] == 2_000_000_000
    assert (listed[late.pk]["status"], listed[late.pk]["status_label"], listed[late.pk]["days_late"]) == (
        "done_late", "Hoàn thành quá hạn", 4)


def test_the_task_list_builds_no_model_objects(world):
    """A page of tasks is read as columns: no task, milestone, document, unit or person objects
    (five a task before, and a query set a task for its milestones)."""
    from django.db.models.signals import post_init

    from dieuhanh.directives.models import Document, Milestone
    from dieuhanh.directives.services import MilestoneInput
    from dieuhanh.org.models import AdminUnit, Person

    for i in range(3):
        world.task(title=f"Nhiệm vụ {i}", milestones=[MilestoneInput("Khảo sát", timezone.localdate() + dt.timedelta(days=5))])
    client = bearer(world.leader)
    built = []

    def count(sender, **kwargs):
        built.append(sender.__name__)

    models = (Task, Milestone, Document, AdminUnit, Person)
    for model in models:
        post_init.connect(count, sender=model)
    try:
        results = client.get("/api/v1/tasks").json()["results"]
    finally:
        for model in models:
            post_init.disconnect(count, sender=model)
    assert len(results) == 3 and all(r["milestones"] for r in results)
    assert built == []


def test_the_task_list_answers_exactly_its_schema(world):
    """The list is written as it is built (core.api_pages.answer), not validated by django-ninja:
    what it writes must be what the documented `TaskPage` makes of it, field for field, with
    milestones, resources, a task done late and the empty fields of a task without them."""
    from dieuhanh.core.api_pages import assert_answers_its_schema
    from dieuhanh.directives.api import TaskPage
    from dieuhanh.directives.services import MilestoneInput

    client = bearer(world.office)
    client.post("/api/v1/tasks", task_body(world), content_type="application/json")
    world.task(title="Không mốc", milestones=[MilestoneInput("Khảo sát", timezone.localdate() + dt.timedelta(days=5))])
    response = client.get("/api/v1/tasks", {"page_size": 200})
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    listed = assert_answers_its_schema(response.content, TaskPage)
    assert listed["count"] == len(listed["results"]) >= 2
    assert {t["resources"]["budget_vnd"] for t in listed["results"]} >= {2_000_000_000, None}
    assert all(isinstance(t["due_date"], str) and len(t["due_date"]) == 10 for t in listed["results"])
