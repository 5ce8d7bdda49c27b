"""The published API schema: one component per schema name, every operation's error answers
documented in the shared shape, and the documentation for signed-in users only, built from the
application's own files."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pydantic
from django.contrib.staticfiles import finders
from django.test import Client
from ninja import Router

from dieuhanh.api import api, operations, schema_name_clashes
from dieuhanh.core.checks import check_api_schema_names
from dieuhanh.core.tests.test_csp import INLINE_SCRIPT
from dieuhanh.core.tests.test_no_outside_assets import outside_refs
from dieuhanh.testing import PASSWORD, bearer, signed_in

# --- one class per component name ------------------------------------------------------------------


def _two_apps_each_with_a_stats_out() -> Router:
    """What two apps declaring their own `StatsOut` look like to ninja."""
    first = pydantic.create_model("StatsOut", __module__="dieuhanh.petitions.api", received=(int, ...))
    second = pydantic.create_model("StatsOut", __module__="dieuhanh.dossiers.api", on_time=(int, ...))
    router = Router()
    router.get("/a", response=first)(lambda request: {"received": 1})
    router.get("/b", response=second)(lambda request: {"on_time": 1})
    return router


def test_the_guard_sees_two_classes_taking_one_name():
    ops = [op for path_view in _two_apps_each_with_a_stats_out().path_operations.values() for op in path_view.operations]
    clashes = schema_name_clashes(ops)
    assert clashes == {"StatsOut": ["dieuhanh.dossiers.api.StatsOut", "dieuhanh.petitions.api.StatsOut"]}


def test_no_two_schemas_of_the_api_share_a_name():
    assert schema_name_clashes() == {}
    assert check_api_schema_names() == []


def _published() -> dict:
    """The schema as /api/openapi.json sends it (status codes as strings)."""
    return json.loads(json.dumps(api.get_openapi_schema()))


def test_each_apps_statistics_are_described_by_its_own_schema():
    """Before: the petitions' /stats answer was described by the dossiers' StatsOut (the last one
    ninja met), so its rows had no `received` and a client read them with the wrong fields."""
    schema = _published()
    components = schema["components"]["schemas"]

    def answer(path: str) -> dict:
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[1]]

    def row_fields(component: dict) -> set[str]:
        return set(components[component["properties"]["totals"]["$ref"].rsplit("/", 1)[1]]["properties"])

    from dieuhanh.dossiers.api import DossierStatsRow
    from dieuhanh.petitions.api import PetitionStatsRow

    assert row_fields(answer("/api/v1/petitions/stats")) == set(PetitionStatsRow.model_fields)
    assert row_fields(answer("/api/v1/dossiers/stats")) == set(DossierStatsRow.model_fields)
    assert set(PetitionStatsRow.model_fields) != set(DossierStatsRow.model_fields)
    petition_steps = components["PetitionDetailOut"]["properties"]["steps"]["items"]["$ref"]
    dossier_steps = components["DossierDetailOut"]["properties"]["steps"]["items"]["$ref"]
    assert petition_steps != dossier_steps


# --- every status an operation answers is documented -------------------------------------------


def test_every_operation_documents_its_errors_in_the_shared_shape():
    schema = _published()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            documented = op["responses"]
            for status in ("401", "403", "429", "500", "503"):
                assert documented[status]["content"]["application/json"]["schema"] == error, (method, path, status)
            if op.get("parameters") or op.get("requestBody"):
                assert {"404", "422"} <= set(documented), (method, path)
            if op.get("requestBody"):
                assert "400" in documented, (method, path)
            if method != "get":
                assert "409" in documented, (method, path)
    assert len(operations()) > 50


def test_a_body_that_is_not_json_is_refused_in_vietnamese_naming_the_body(world):
    response = bearer(world.office).post("/api/v1/tasks", b"\xff\xfe{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": ["Nội dung gửi lên không đọc được: phải là JSON hợp lệ, mã hoá UTF-8."]}


def test_an_unknown_api_path_answers_json_to_a_signed_in_post(world):
    """A session's POST to a path no endpoint serves met Django's CSRF page, in HTML."""
    response = signed_in(world.office).post("/api/v1/tasks/false", "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


# --- /api/docs and /api/openapi.json: signed-in users only ----------------------------------------


def test_the_documentation_sends_a_visitor_to_the_login_page(db):
    response = Client().get("/api/docs")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/api/docs"


def test_the_documentation_sends_a_session_with_its_second_step_left_to_that_step(world):
    client = Client()
    client.post("/dang-nhap/", {"username": world.leader.username, "password": PASSWORD})
    assert client.get("/api/docs")["Location"] == "/tai-khoan/xac-thuc-hai-buoc/?next=/api/docs"
    assert client.get("/api/openapi.json").status_code == 401  # a program's answer, in JSON


def test_the_schema_answers_a_visitor_401_in_json(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_wrong_tokens_at_the_schema_count_as_anywhere_in_the_api(db, settings):
    settings.DIEUHANH_API_TOKEN_FAILURES = 2
    guesser = Client(headers={"Authorization": "Bearer dh_doan-bua"})
    assert [guesser.get("/api/openapi.json").status_code for _ in range(3)] == [401, 401, 429]
    assert guesser.get("/api/docs").status_code == 429


def test_the_schema_is_served_to_a_token_and_to_a_session(world):
    for client in (bearer(world.officer_a), signed_in(world.officer_a)):
        response = client.get("/api/openapi.json")
        assert response.status_code == 200 and response.json()["info"]["title"] == "Điều Hành API"


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        ref = values.get("src") if tag == "script" else values.get("href") if tag == "link" else None
        if ref:
            self.assets.append(ref)


def test_the_documentation_loads_only_the_applications_own_files_and_no_inline_script(world):
    response = signed_in(world.officer_a).get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert outside_refs(html) == [] and not re.search(r"""(src|href)=["']https?://""", html)
    assert INLINE_SCRIPT.findall(html) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]
    parser = _Assets()
    parser.feed(html)
    scripts = [a for a in parser.assets if a.endswith(".js")]
    assert len(scripts) == 2 and all(a.startswith("/static/") for a in parser.assets)
    for asset in parser.assets:  # each one is a file the application serves from its static files
        assert finders.find(asset.removeprefix("/static/")), asset
