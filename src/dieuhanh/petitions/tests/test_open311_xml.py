"""Open311 GeoReport v2 in XML, the spec's default format, beside JSON: every resource under both
extensions the spec names, the spec's XML error document, jurisdiction_id on every call, and a
real client library from PyPI (georeport) reading the live server in XML and in JSON."""

from __future__ import annotations

from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions import open311
from dieuhanh.petitions.models import Petition

WARD_B_AT = (21.117, 106.300)


def report(**overrides):
    data = {
        "service_code": "infrastructure", "lat": "21.1195", "long": "106.305",
        "address_string": "Đường Trần Hưng Đạo, gần chợ Phả Lại", "description": "Đèn đường hỏng ba hôm nay.",
        "first_name": "Hùng", "last_name": "Nguyễn Văn",
    }
    data.update(overrides)
    return data


def post(fmt, data, client=None):
    client = client or Client(enforce_csrf_checks=True)
    return client.post(f"/open311/v2/requests.{fmt}", urlencode(data), content_type="application/x-www-form-urlencoded")


def xml_of(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)  # noqa: S314 - this application's own output, not outside input


def as_dict(element):
    return {child.tag: (child.text or "") for child in element}


def assert_xml_error(response, status):
    root = xml_of(response, status)
    assert root.tag == "errors" and len(root)
    for error in root:
        assert error.tag == "error" and error.findtext("code") == str(status) and error.findtext("description")
    return " ".join(e.findtext("description") or "" for e in root)


@pytest.fixture
def located(world):
    AdminUnit.objects.filter(pk=world.ward_b.pk).update(latitude=WARD_B_AT[0], longitude=WARD_B_AT[1])
    return world


def test_services_in_xml_carry_what_json_carries(client, db):
    root = xml_of(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and [s.tag for s in root] == ["service"] * len(open311.SERVICES)
    as_json = client.get("/open311/v2/services.json").json()
    as_xml = [as_dict(s) for s in root]
    assert [x["service_code"] for x in as_xml] == [j["service_code"] for j in as_json]
    assert as_xml[0]["metadata"] == "false" and as_xml[0]["service_name"] == as_json[0]["service_name"]
    definition = xml_of(client.get("/open311/v2/services/environment.xml"))
    assert definition.tag == "service_definition" and definition.findtext("service_code") == "environment"
    assert definition.find("attributes") is not None
    discovery = xml_of(client.get("/open311/v2/discovery.xml"))
    assert [f.text for f in discovery.iter("format")] == ["text/xml", "application/json"]


def test_posting_reading_and_the_token_in_xml(located):
    created = xml_of(post("xml", report()))
    assert created.tag == "service_requests"
    (request,) = created
    code = request.findtext("service_request_id")
    assert request.tag == "request" and "Phường Chí Linh" in request.findtext("service_notice")
    assert request.find("account_id") is not None and not request.findtext("account_id")
    p = Petition.objects.get(receipt_code=code)
    client = Client()
    one = xml_of(client.get(f"/open311/v2/requests/{code}.xml"))
    fields = as_dict(one[0])
    assert set(fields) == set(open311.request_out(p)) and fields["status"] == "open"
    assert fields["lat"] == "21.1195" and fields["expected_datetime"].endswith("+07:00")
    listed = xml_of(client.get("/open311/v2/requests.xml", {"service_code": "infrastructure"}))
    assert code in [r.findtext("service_request_id") for r in listed]
    token = xml_of(client.get(f"/open311/v2/tokens/{code}.xml"))
    assert as_dict(token[0]) == {"service_request_id": code, "token": code}
    assert client.get(f"/open311/v2/tokens/{code}.json").json() == [{"service_request_id": code, "token": code}]


def test_errors_in_xml_are_the_spec_error_document(located):
    client = Client()
    assert "corruption" in assert_xml_error(client.get("/open311/v2/services/corruption.xml"), 404)
    assert "status" in assert_xml_error(client.get("/open311/v2/requests.xml", {"status": "lost"}), 400)
    assert assert_xml_error(client.get("/open311/v2/requests/XX-KHONGCO.xml"), 404)
    assert assert_xml_error(client.get("/open311/v2/tokens/khongco.xml"), 404)
    assert "service_code" in assert_xml_error(post("xml", report(service_code="")), 400)
    assert "khongco.xml" in assert_xml_error(client.get("/open311/v2/khongco.xml"), 404)
    response = client.put("/open311/v2/services.xml")
    assert_xml_error(response, 405)
    assert response["Allow"] == "GET"


def test_jurisdiction_id_known_is_accepted_and_unknown_is_a_spec_error(located):
    world = located
    client = Client()
    code = post("json", report()).json()[0]["service_request_id"]
    for fmt in ("xml", "json"):
        assert client.get(f"/open311/v2/services.{fmt}", {"jurisdiction_id": world.ward_b.code}).status_code == 200
        assert client.get(f"/open311/v2/services.{fmt}", {"jurisdiction_id": world.province.code}).status_code == 200
    listed = client.get("/open311/v2/requests.json", {"jurisdiction_id": world.ward_b.code}).json()
    assert code in [r["service_request_id"] for r in listed]
    # The other ward's jurisdiction does not list a report made in phường Chí Linh.
    other = client.get("/open311/v2/requests.json", {"jurisdiction_id": world.ward_a.code}).json()
    assert code not in [r["service_request_id"] for r in other]
    assert client.get(f"/open311/v2/requests/{code}.json", {"jurisdiction_id": world.ward_a.code}).status_code == 404
    for url in ("services", "services/environment", "requests", f"requests/{code}", f"tokens/{code}"):
        assert "99999" in assert_xml_error(client.get(f"/open311/v2/{url}.xml", {"jurisdiction_id": "99999"}), 404)
        response = client.get(f"/open311/v2/{url}.json", {"jurisdiction_id": "99999"})
        assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert "99999" in assert_xml_error(post("xml", report(jurisdiction_id="99999")), 404)
    assert post("xml", report(jurisdiction_id=world.ward_b.code)).status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_georeport_client_from_pypi_reads_the_live_server(transactional_db, world, live_server, fmt):
    from georeport import GeoReport

    AdminUnit.objects.filter(pk=world.ward_b.pk).update(latitude=WARD_B_AT[0], longitude=WARD_B_AT[1])
    code = post("json", report()).json()[0]["service_request_id"]
    client = GeoReport(live_server.url + "/open311/v2", jurisdiction=world.ward_b.code, output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == list(open311.SERVICES)
    assert client.get_service_definition("land")["service_code"] == "land"
    listed = client.get_service_requests(service_code="infrastructure", status="open")
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict gives one item as a dict
    assert [r["service_request_id"] for r in listed] == [code]
    one = client.get_service_request(code)
    assert one["service_request_id"] == code and one["status"] == "open"
    assert str(one["lat"]) == "21.1195" and "phường Chí Linh" in one["agency_responsible"]
