"""The example app (core/tests/exampleapp, installed for the test suite only) plugs into every
registry of the platform from its own folder: its case type, permissions, menu entry, pages, API
router, IOC section, audit verb, demo step and periodic jobs all appear, and no file outside its folder names it
but the test plugin that installs it."""

from __future__ import annotations

from pathlib import Path

from dieuhanh.core import access, audit, queue
from dieuhanh.core.cases import case_type
from dieuhanh.core.models import AuditEvent
from dieuhanh.core.platform import menu_for
from dieuhanh.core.tests.exampleapp.models import Inspection, State
from dieuhanh.ioc import data as ioc_data
from dieuhanh.testing import EXAMPLE_APP, bearer, post_json, signed_in

SRC = Path(__file__).resolve().parents[2]
FOLDER = SRC / "core" / "tests" / "exampleapp"


def test_nothing_outside_its_folder_names_the_example_app():
    found = [
        f for pattern in ("*.py", "*.html", "*.toml", "*.yaml") for f in SRC.rglob(pattern)
        if "exampleapp" in f.read_text(encoding="utf-8", errors="replace")
    ]
    outside = {f.relative_to(SRC).as_posix() for f in found if FOLDER not in f.parents}
    assert outside == {"testing.py", "core/tests/test_example_app.py"}
    assert EXAMPLE_APP == "dieuhanh.core.tests.exampleapp"


def test_it_appears_in_every_registry(world):
    inspection = Inspection.objects.create(unit=world.ward_a, title="Kiểm tra công trình nhà văn hoá")
    # Permissions and rows: inspectors and leaders read it, the one-stop desk does not.
    assert access.roles("exampleapp", "act")
    assert list(Inspection.objects.visible_to(world.inspector)) == [inspection]
    assert not Inspection.objects.visible_to(world.onestop_a).exists()
    # The menu.
    assert "exampleapp:inspection_list" in [i["url"] for i in menu_for(world.inspector)]
    assert "exampleapp:inspection_list" not in [i["url"] for i in menu_for(world.onestop_a)]
    page = signed_in(world.inspector).get("/kiem-tra-thuc-te/")
    assert page.status_code == 200 and 'href="/kiem-tra-thuc-te/"' in page.content.decode()
    assert signed_in(world.onestop_a).get("/kiem-tra-thuc-te/").status_code == 403
    # The case type: its panel on the page, its action on the API, its audit verb.
    cases = case_type("inspections")
    assert cases.allowed_actions(world.inspector, inspection) == ["close"]
    assert 'id="panel-close"' in signed_in(world.inspector).get(f"/kiem-tra-thuc-te/{inspection.pk}/").content.decode()
    api = bearer(world.inspector)
    assert api.get("/api/openapi.json").json()["paths"].get("/api/v1/inspections/{inspection_id}/close")
    refused = post_json(api, f"/api/v1/inspections/{inspection.pk}/close", {"conclusion": " "})
    assert refused.status_code == 422 and "conclusion" in refused.json()["errors"]
    done = post_json(api, f"/api/v1/inspections/{inspection.pk}/close", {"conclusion": "Đúng giấy phép."})
    assert done.status_code == 200 and done.json()["state"] == State.CLOSED
    event = AuditEvent.objects.filter(object_type="exampleapp.inspection").get()
    assert event.action == "close_inspection" and audit.verb_label(event.action, event.object_type) == "Kết luận kiểm tra thực tế"
    assert post_json(api, f"/api/v1/inspections/{inspection.pk}/close", {"conclusion": "x"}).status_code == 409
    # The IOC section.
    section = ioc_data.overview(world.inspector).sections["inspections"]
    assert {f.key: f.value for f in section["figures"]} == {"inspections-open": 0, "inspections-closed": 1}
    assert "inspections" not in ioc_data.overview(world.onestop_a).sections
    assert 'data-section="inspections"' in signed_in(world.inspector).get("/ioc/").content.decode()
    # Its periodic jobs, which the scheduler reads (core/tests/test_queue.py runs them).
    assert {"exampleapp.hourly", "exampleapp.daily", "exampleapp.weekly", "exampleapp.monthly"} <= {
        job.key for job in queue.periodic_jobs()}


def test_its_demo_step_runs_with_the_demo(demo, db):
    assert demo.counts["inspections"]["inspections"] == Inspection.objects.count() > 0
    assert Inspection.objects.filter(state=State.OPEN).exists() and Inspection.objects.filter(state=State.CLOSED).exists()
