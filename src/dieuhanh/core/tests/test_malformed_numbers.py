"""No 500 on a malformed number: a huge integer, digits of another script ('²' passes
`str.isdigit()` but not `int()`, '５' and '١٢' are read by `int()`), or a page past the end, in any
API filter or web filter. The API answers 422 in its one error shape, the web pages say which
filter was dropped; and an unexpected error inside the API is still JSON in that shape."""

import logging
import re

import pytest
from django.test import Client

from dieuhanh.api import api
from dieuhanh.lib.params import DB_INT_MAX, MAX_PAGE
from dieuhanh.testing import bearer

MALFORMED = ["99999999999999999999999", str(DB_INT_MAX + 1), "²", "١٢", "５"]

# Query parameters the OpenAPI schema types as text but that the shared filters read as numbers.
NUMERIC_TEXT_PARAMS = {
    "/api/v1/dossiers": ["unit"],
    "/api/v1/dossiers/stats": ["unit", "year"],
}
# The list endpoints the walk below must find: a schema that stopped typing their numbers would
# otherwise let the walk pass by testing nothing.
EXPECTED = {
    "/api/v1/tasks": {"unit", "lead_unit", "leader", "person", "document", "parent", "page"},
    "/api/v1/documents": {"issuer", "parent", "page"},
    "/api/v1/units": {"parent", "page"},
    "/api/v1/petitions": {"unit", "year", "session", "page"},
    "/api/v1/petitions/stats": {"year"},
    "/api/v1/dossiers": {"unit", "page"},
    "/api/v1/dossiers/stats": {"unit", "year"},
    "/api/v1/indicators": {"year", "unit"},
}


def _is_integer(schema):
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", ()))


def numeric_query_params():
    """(path, parameter) for every GET endpoint's integer query parameter, from the OpenAPI
    schema, so that a new endpoint is covered without touching this test."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        op = operations.get("get")
        if op is None:
            continue
        names = [p["name"] for p in op.get("parameters", ()) if p["in"] == "query" and _is_integer(p["schema"])]
        names += NUMERIC_TEXT_PARAMS.get(path, [])
        found += [(path, name) for name in names if name != "page_size"]  # page_size: bounded since v1
    return found


PARAMS = numeric_query_params()


def test_the_walk_finds_every_filtered_list():
    found: dict[str, set[str]] = {}
    for path, name in PARAMS:
        found.setdefault(path, set()).add(name)
    for path, names in EXPECTED.items():
        assert names <= found.get(path, set()), path


def assert_error_shape(response, status, field=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if field is not None:
        assert field in body["errors"], body
        assert body["errors"][field] and all(isinstance(m, str) and m for m in body["errors"][field])
    return body


@pytest.mark.parametrize(("path", "name"), PARAMS)
def test_the_api_answers_422_naming_a_malformed_number(world, path, name):
    client = bearer(world.admin)
    url = re.sub(r"\{[^}]+\}", "1", path)  # a path parameter: any value, the query is checked first
    for raw in MALFORMED:
        assert_error_shape(client.get(url, {name: raw}), 422, name)


@pytest.mark.parametrize("path", sorted({p for p, name in PARAMS if name == "page"}))
def test_a_page_past_the_end_is_an_empty_page_and_past_the_bound_a_422(world, path):
    world.task()
    client = bearer(world.admin)
    response = client.get(path, {"page": 1000})
    assert response.status_code == 200
    assert response.json()["page"] == 1000 and response.json()["results"] == []
    assert_error_shape(client.get(path, {"page": MAX_PAGE + 1}), 422, "page")
    assert_error_shape(client.get(path, {"page": 0}), 422, "page")


@pytest.mark.parametrize("path", ["/api/v1/tasks/²", "/api/v1/petitions/５", "/api/v1/no-such-thing"])
def test_a_path_no_endpoint_serves_is_a_json_404(world, path):
    assert_error_shape(bearer(world.admin).get(path), 404)


@pytest.mark.parametrize("path", ["/api/v1/tasks/99999999999999999999999", "/api/v1/petitions/9223372036854775808"])
def test_a_huge_id_in_the_path_is_not_found(world, path):
    assert_error_shape(bearer(world.admin).get(path), 404)


def test_a_huge_id_in_a_body_list_is_a_422(world):
    response = bearer(world.office).post(
        "/api/v1/tasks", {"coordinating_units": [world.ward_b.pk, 99999999999999999999999]}, content_type="application/json"
    )
    body = assert_error_shape(response, 422)
    assert any(key.startswith("coordinating_units") for key in body["errors"])


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/tasks", {"resources": {"budget_vnd": 10**30, "staff": 1}}, "resources.budget_vnd"),
    ("/api/v1/tasks", {"resources": {"staff": 2**31}}, "resources.staff"),
    ("/api/v1/petitions", {"kind": "feedback", "content": "x", "signer_count": 10**25}, "signer_count"),
])
def test_a_huge_number_in_a_body_is_a_422_naming_it(world, path, body, field):
    response = bearer(world.admin).post(path, body, content_type="application/json")
    assert field in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize(("path", "name", "words"), [
    ("/api/v1/petitions?duplicate=²", "duplicate", "true hoặc false"),
    ("/api/v1/tasks?page_size=abc", "page_size", "số nguyên"),
])
def test_a_malformed_flag_or_size_is_told_in_vietnamese(world, path, name, words):
    body = assert_error_shape(bearer(world.admin).get(path), 422)
    assert any(words in m for m in body["errors"][name])


def test_an_unexpected_error_inside_the_api_is_json_and_logged(world, monkeypatch, caplog):
    from dieuhanh.org import api as org_api

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(org_api.scope, "unit_scope", broken)
    with caplog.at_level(logging.ERROR, logger="dieuhanh.api"):
        response = bearer(world.admin).get("/api/v1/units")
    body = assert_error_shape(response, 500, "__all__")
    assert "Lỗi hệ thống" in body["errors"]["__all__"][0]
    assert "simulated bug" not in response.content.decode()  # the cause stays in the log
    assert any(r.exc_info and "simulated bug" in str(r.exc_info[1]) for r in caplog.records)


# --- Open311 (its own error shape, the spec's: [{"code", "description"}]) ----------------------------


@pytest.mark.parametrize(("name", "raw"), [
    ("start_date", "9999-12-31"),
    ("start_date", "9999-12-31T23:59:59"),
    ("end_date", "0001-01-01"),
    ("end_date", "99999999999999999999999"),
    ("start_date", "²026-01-01"),
    ("start_date", "２０２６-01-01"),
])
def test_open311_refuses_a_date_out_of_range_or_in_other_digits(world, name, raw):
    response = Client(raise_request_exception=False).get("/open311/v2/requests.json", {name: raw})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    [error] = response.json()
    assert error["code"] == 400 and name in error["description"]


# --- web pages -------------------------------------------------------------------------------------

# (page, parameter, words of the message shown when the value is dropped)
WEB_FILTERS = [
    ("/nhiem-vu/", "unit", "Giá trị không hợp lệ"),
    ("/nhiem-vu/", "leader", "Giá trị không hợp lệ"),
    ("/nhiem-vu/", "document", "Giá trị không hợp lệ"),
    ("/van-ban/", "issuer", "Giá trị không hợp lệ"),
    ("/don/", "unit", "Giá trị không hợp lệ"),
    ("/don/", "year", "Giá trị không hợp lệ"),
    ("/don/", "session", "Giá trị không hợp lệ"),
    ("/don/thong-ke/", "year", "Giá trị không hợp lệ"),
    ("/ho-so/", "unit", "Giá trị không hợp lệ"),
    ("/ho-so/thong-ke/", "unit", "Giá trị không hợp lệ"),
    ("/ho-so/tre-han/", "unit", "Giá trị không hợp lệ"),
    ("/chi-tieu/", "nam", "Năm không hợp lệ"),
    ("/chi-tieu/", "don_vi", "Đơn vị không có"),
    ("/ioc/", "nam", "Giá trị không hợp lệ cho «Năm»"),
    ("/ioc/", "don_vi", "Giá trị không hợp lệ cho «Đơn vị»"),
]


@pytest.fixture
def admin_client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)  # every page and every filter is open to the administrator
    return client


@pytest.mark.parametrize(("path", "name", "words"), WEB_FILTERS)
def test_a_web_filter_drops_a_malformed_number_and_says_so(admin_client, path, name, words):
    assert words not in admin_client.get(path).content.decode()
    for raw in MALFORMED:
        response = admin_client.get(path, {name: raw})
        assert response.status_code == 200, (raw, response.status_code)
        assert words in response.content.decode(), raw


@pytest.mark.parametrize(("path", "name"), [
    ("/nhiem-vu/xuat-excel/", "unit"), ("/van-ban/xuat-excel/", "issuer"), ("/don/xuat/", "session"),
    ("/ho-so/xuat/", "unit"), ("/chi-tieu/xuat/", "don_vi"), ("/ho-so/chi-so-766/", "unit"),
])
def test_an_export_or_report_ignores_a_malformed_number(admin_client, path, name):
    for raw in MALFORMED:
        assert admin_client.get(path, {name: raw}).status_code == 200, raw


@pytest.mark.parametrize(("path", "name"), [
    ("/nhiem-vu/giao/", "document"), ("/nhiem-vu/giao/", "meeting"), ("/nhiem-vu/giao/can-bo/", "lead_unit"),
    ("/don/moi/", "session"), ("/ioc/", "poll"), ("/lich/", "year"),
])
def test_a_preselection_hint_ignores_a_malformed_number(admin_client, path, name):
    for raw in MALFORMED:
        assert admin_client.get(path, {name: raw}).status_code == 200, raw


@pytest.mark.parametrize("path", ["/nhiem-vu/", "/van-ban/", "/don/", "/ho-so/", "/tiep-cong-dan/", "/nhat-ky/"])
def test_a_web_page_number_past_the_end_shows_a_page(admin_client, path):
    for raw in [*MALFORMED, "0", "-1", "1000"]:
        response = admin_client.get(path, {"page": raw})
        assert response.status_code == 200, raw
        assert response.context["page"].number >= 1


def test_the_deadline_calculator_says_a_number_of_days_is_out_of_range(admin_client):
    for raw in MALFORMED:
        response = admin_client.get("/lich/", {"from": "2026-03-02", "days": raw})
        assert response.status_code == 200
        assert response.context["errors"]["days"].startswith("Số ngày phải là số nguyên không âm, tối đa")
    response = admin_client.get("/lich/", {"from": "9999-12-25", "days": "5"})
    assert response.status_code == 200 and "from" in response.context["errors"]


def test_a_form_refuses_a_huge_id_in_a_multiple_choice(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.office)
    response = client.post("/nhiem-vu/giao/", {"title": "Việc", "coordinating_units": ["99999999999999999999999"]})
    assert response.status_code == 200
    assert "coordinating_units" in response.context["form"].errors
