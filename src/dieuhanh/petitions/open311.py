"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /open311/v2/, in both of the
spec's formats: XML (its default) and JSON, chosen by the extension the spec names
(`services.xml`, `requests.json`, ...).

Citizens' apps report a problem seen in the street — rubbish, a broken street light, building
without a permit, a land encroachment, a rude official — and follow what became of it. Each
report is recorded as a *phản ánh* (feedback) petition through `receiving.do_receive_petition`,
received by the ward or commune where the problem is, with the legal processing deadline that
any petition gets.

What the public side shows, and what it never shows:
- only recommendations and feedback in the fields listed as services (never complaints,
  denunciations or mixed petitions, whose subject matter is personal or confidential);
- never the petitioner: no name, address, phone or e-mail leaves this module, and the
  identity column is not read here at all;
- `status_notes` give the state and the kind of result, not the written answer, which may name
  people;
- the words of a report only when the citizen published them (filed online, here or on the
  web form): a feedback told at the desk, sent by post or raised at a reception session is
  listed with its service and ward but without its text, place or coordinates — the citizen
  never chose to publish it, and its words may let a reader tie it to a later denunciation in
  the same words (decision 0005).

Errors follow the spec: an HTTP 400 or 404 whose body is `[{"code": <int>, "description":
"<text>"}]` in JSON and `<errors><error><code/><description/></error></errors>` in XML, the text
in Vietnamese. Every call accepts `jurisdiction_id`, the code of a current administrative unit
(the lists then keep that unit's requests); an unknown one is a 404 error. Times are ISO 8601
with the +07:00 offset. XML is written with xml.etree; no XML is read."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from dieuhanh.core import audit, ratelimit
from dieuhanh.lib.text import fold
from dieuhanh.org import geo
from dieuhanh.org.choices import UnitLevel
from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions import receiving
from dieuhanh.petitions import views as pages
from dieuhanh.petitions.choices import OPEN_STATES, Channel, Field, Kind, Result, State
from dieuhanh.petitions.models import Petition

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000  # the spec's default limit
WINDOW = dt.timedelta(days=90)  # the spec's default and largest date span
MAX_DISTANCE_KM = 50  # a point farther than this from every commune centroid is outside the territory
SEARCH_BOX_DEG = 0.5  # first look for centroids within this many degrees of the point
MAX_DESCRIPTION = 5000
_NON_WORD = re.compile(r"[^\w]+")
PUBLIC_KINDS = (Kind.RECOMMENDATION, Kind.FEEDBACK)
FIELD_NAMES = {
    "content": "description",
    "lat": "lat",
    "lon": "long",
    "name": "first_name",
    "place": "address_string",
    "email": "email",
    "phone": "phone",
}


@dataclass(frozen=True)
class Service:
    code: str
    description: StrOrPromise
    keywords: StrOrPromise
    group: StrOrPromise

    @property
    def name(self) -> str:
        return str(Field(self.code).label)


SERVICES: dict[str, Service] = {
    s.code: s
    for s in (
        Service(Field.ENVIRONMENT, gettext_lazy("Rác thải, nước thải, khói bụi, tiếng ồn, ô nhiễm nguồn nước, cây xanh."),
                gettext_lazy("rác thải, nước thải, ô nhiễm, tiếng ồn, khói bụi, cây xanh"), gettext_lazy("Môi trường")),
        Service(Field.INFRASTRUCTURE, gettext_lazy("Đường hư hỏng, ổ gà, đèn chiếu sáng, cống thoát nước, biển báo, "
                "vỉa hè, ngập úng."), gettext_lazy("ổ gà, đèn đường, cống, ngập úng, biển báo, vỉa hè"), gettext_lazy("Hạ tầng đô thị")),
        Service(Field.CONSTRUCTION, gettext_lazy("Xây dựng không phép, sai phép, lấn chiếm vỉa hè, lòng đường, trật tự đô "
                "thị."), gettext_lazy("xây dựng không phép, lấn chiếm, vỉa hè, trật tự đô thị"), gettext_lazy("Hạ tầng đô thị")),
        Service(Field.LAND, gettext_lazy("Lấn chiếm đất công, sử dụng đất sai mục đích, san lấp trái phép."),
                gettext_lazy("lấn chiếm đất, đất công, san lấp"), gettext_lazy("Đất đai")),
        Service(Field.ADMINISTRATION, gettext_lazy("Thái độ, tác phong của cán bộ; thủ tục hành chính chậm, phiền hà."),
                gettext_lazy("thái độ cán bộ, thủ tục hành chính, một cửa"), gettext_lazy("Hành chính")),
        Service(Field.OTHER, gettext_lazy("Các vấn đề khác ở địa phương cần chính quyền xem xét."), gettext_lazy("khác"), gettext_lazy("Khác")),
    )
}


# --- responses --------------------------------------------------------------------------------


FORMATS = ("xml", "json")
# The element of each item of a list, by the list's own element (the spec's XML examples).
XML_ITEMS = {
    "services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value",
}


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def _xml_value(parent: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(ET.SubElement(parent, key), item)
    elif isinstance(value, list):
        for item in value:
            _xml_value(ET.SubElement(parent, XML_ITEMS[parent.tag]), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)


def to_xml(root: str, data: Any) -> bytes:
    """The spec's XML for `data`: a list becomes one element per item under `root`
    (<services><service>…), a dict its fields as elements; None is an empty element."""
    element = ET.Element(root)
    _xml_value(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """`data` in the format the URL's extension asked for; `root` names the XML document."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), status=status, content_type="text/xml; charset=utf-8")
    return _json(data, status=status)


def _error(status: int, *descriptions: str, fmt: str = "json") -> HttpResponse:
    """The spec's error body: a list of {code, description}."""
    return _respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _end_of_day(day: dt.date | None) -> str | None:
    """A period in days ends at 24:00 of its last day (Civil Code Art 148)."""
    if day is None:
        return None
    return _iso(timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59))))


def requested_at(p: Petition) -> dt.datetime:
    """When the request was made: the moment it was recorded if that was on the day of receipt,
    otherwise the start of the day of receipt (a letter recorded days after it arrived)."""
    local = timezone.localtime(p.created_at)
    if local.date() == p.received_on:
        return local
    return timezone.make_aware(dt.datetime.combine(p.received_on, dt.time(0, 0)))


def _agency(p: Petition) -> str:
    if p.handling_org is not None:
        return p.handling_org.name
    name = p.receiving_unit.name
    return f"UBND {name[:1].lower()}{name[1:]}"


def _status_notes(p: Petition) -> str:
    notes = [str(State(p.state).label)]
    if p.result:
        notes.append(_("Kết quả: %(result)s") % {"result": Result(p.result).label})
    if p.state == State.TRANSFERRED and p.transferred_to:
        notes.append(_("Chuyển đến: %(transferred_to)s") % {"transferred_to": p.transferred_to})
    return ". ".join(notes) + "."


def _notice(p: Petition) -> str:
    if p.state in OPEN_STATES and p.due_on:
        return _("Hạn xử lý gần nhất: %(due_on)s. Mã tra cứu: %(receipt_code)s.") % {"due_on": format(p.due_on, '%d/%m/%Y'), "receipt_code": p.receipt_code}
    return _("Mã tra cứu: %(receipt_code)s.") % {"receipt_code": p.receipt_code}


def published_by_citizen(p: Petition) -> bool:
    """Whether the citizen filed the report online, where its words are public by design."""
    return p.channel == Channel.ONLINE


def request_out(p: Petition) -> dict[str, Any]:
    """One service request with the spec's field names. Nothing here reads the identity."""
    is_open = p.state in OPEN_STATES
    service = SERVICES.get(p.field)
    published = published_by_citizen(p)
    service_name = service.name if service else str(Field(p.field).label)
    return {
        "service_request_id": p.receipt_code,
        "status": "open" if is_open else "closed",
        "status_notes": _status_notes(p),
        "service_name": service_name,
        "service_code": p.field,
        "description": p.content if published else _("%(service_name)s (tiếp nhận %(channel)s; nội dung không công khai).") % {"service_name": service_name, "channel": Channel(p.channel).label.lower()},
        "agency_responsible": _agency(p),
        "service_notice": _notice(p),
        "requested_datetime": _iso(requested_at(p)),
        "updated_datetime": _iso(p.updated_at),
        "expected_datetime": _end_of_day(p.due_on) if is_open else None,
        "address": (p.place or p.unit.name) if published else p.unit.name,
        "address_id": p.unit.code,
        "lat": p.lat if published else None,
        "long": p.lon if published else None,
        "media_url": "",
    }


# The columns `request_out` reads, and nothing else: never the identity, and not the long texts
# (conclusion, search text) a request does not show.
REQUEST_FIELDS = (
    "receipt_code", "state", "result", "transferred_to", "field", "channel", "content", "place", "lat", "lon",
    "received_on", "created_at", "updated_at", "due_on", "unit__name", "unit__code", "receiving_unit__name",
    "handling_org__name",
)


def public_requests() -> Any:
    """The petitions Open311 may show: recommendations and feedback in a listed service."""
    return (
        Petition.objects.filter(kind__in=PUBLIC_KINDS, confidential=False, field__in=list(SERVICES))
        .select_related("unit", "receiving_unit", "handling_org")
        .only(*REQUEST_FIELDS)
    )


# --- parsing ----------------------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def _param(request: HttpRequest, name: str) -> str:
    data = request.POST if request.method == "POST" else request.GET
    return (data.get(name) or "").strip()


def _datetime(raw: str, name: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(400, _("%(name)s: «%(raw)s» không đúng định dạng ISO 8601 (ví dụ 2026-03-01T08:00:00+07:00).") % {"name": name, "raw": raw}) from None
    # The 90-day window and the shift to Vietnam's time are computed from it: at the ends of
    # Python's calendar (years 1 and 9999) they would overflow.
    if not 1 < value.year < 9999:
        raise BadRequest(400, _("%(name)s: «%(raw)s» nằm ngoài khoảng thời gian cho phép (năm 2 đến 9998).") % {"name": name, "raw": raw})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    start_raw, end_raw = _param(request, "start_date"), _param(request, "end_date")
    start = _datetime(start_raw, "start_date") if start_raw else None
    end = _datetime(end_raw, "end_date") if end_raw else None
    if start is None:
        if end is None:
            end = timezone.now()
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise BadRequest(400, _("end_date phải sau start_date."))
    if end - start > WINDOW:
        raise BadRequest(400, _("Khoảng thời gian từ start_date đến end_date không được quá 90 ngày."))
    return start, end


def _codes(raw: str) -> list[str]:
    return [c.strip() for c in raw.split(",") if c.strip()]


def _service(code: str) -> Service:
    if code not in SERVICES:
        raise BadRequest(404, _("service_code «%(code)s» không có trong danh sách dịch vụ (xem services.json).") % {"code": code})
    return SERVICES[code]


# --- locating the ward or commune ---------------------------------------------------------------


def _communes() -> Any:
    return AdminUnit.objects.filter(valid_to__isnull=True, level=UnitLevel.COMMUNE)


def nearest_commune(lat: float, lon: float, within: AdminUnit | None = None) -> AdminUnit | None:
    """Today's ward or commune whose centroid is nearest to the point (an approximation of the
    unit containing it: no boundaries are stored), or None when the point is farther than
    MAX_DISTANCE_KM from every one."""
    qs = _communes().filter(latitude__isnull=False, longitude__isnull=False)
    if within is not None:
        qs = qs.filter(parent=within)
    box = qs.filter(
        latitude__range=(lat - SEARCH_BOX_DEG, lat + SEARCH_BOX_DEG),
        longitude__range=(lon - SEARCH_BOX_DEG, lon + SEARCH_BOX_DEG),
    )
    rows = list(box.values_list("pk", "latitude", "longitude")) or list(qs.values_list("pk", "latitude", "longitude"))
    if not rows:
        return None
    distance, pk = min((geo.distance_km(lat, lon, la, lo), pk) for pk, la, lo in rows)
    if distance > MAX_DISTANCE_KM:
        return None
    return AdminUnit.objects.get(pk=pk)


def _words(text: str) -> str:
    """Folded words between single spaces, punctuation dropped: " so 5 phuong chi linh "."""
    return " " + " ".join(_NON_WORD.sub(" ", fold(text)).split()) + " "


def _commune_named_in(address: str, within: AdminUnit | None) -> AdminUnit | None:
    """The one current ward or commune whose full name ("Phường Chu Văn An") the address
    contains; None when none or several do."""
    text = _words(address)
    qs = _communes().filter(parent=within) if within is not None else _communes()
    found = [(pk, _words(name)) for pk, name in qs.values_list("pk", "name")]
    found = [(pk, name) for pk, name in found if name in text]
    if not found:
        return None
    longest = max(len(name) for _, name in found)
    best = [pk for pk, name in found if len(name) == longest]
    return AdminUnit.objects.get(pk=best[0]) if len(best) == 1 else None


def _coordinate(raw: str, name: str, limit: float) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise BadRequest(400, _("%(name)s: «%(raw)s» không phải là số.") % {"name": name, "raw": raw}) from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise BadRequest(400, _("%(name)s phải nằm trong khoảng −%(limit)s đến %(limit)s (WGS-84).") % {"name": name, "limit": format(limit, 'g')})
    return value


def _jurisdiction(request: HttpRequest) -> AdminUnit | None:
    """The unit `jurisdiction_id` names (a current administrative unit's code), or None when the
    client sent none; an unknown one is the spec's 404."""
    jurisdiction_id = _param(request, "jurisdiction_id")
    if not jurisdiction_id:
        return None
    within = AdminUnit.objects.filter(valid_to__isnull=True, code=jurisdiction_id).first()
    if within is None:
        raise BadRequest(404, _("jurisdiction_id «%(jurisdiction_id)s» không phải mã đơn vị hành chính hiện hành.") % {"jurisdiction_id": jurisdiction_id})
    return within


def _in_jurisdiction(qs: Any, within: AdminUnit | None) -> Any:
    return qs if within is None else qs.filter(Q(unit=within) | Q(unit__parent=within))


def _locate(request: HttpRequest, within: AdminUnit | None) -> tuple[AdminUnit, float | None, float | None, str]:
    lat_raw, lon_raw = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string")
    address_id = _param(request, "address_id")
    if not (lat_raw or lon_raw or address or address_id):
        raise BadRequest(400, _("Thiếu vị trí: gửi lat và long, hoặc address_string, hoặc address_id."))
    if bool(lat_raw) != bool(lon_raw):
        raise BadRequest(400, _("Vị trí cần cả lat và long."))
    lat = _coordinate(lat_raw, "lat", 90) if lat_raw else None
    lon = _coordinate(lon_raw, "long", 180) if lon_raw else None
    if len(address) > 300:
        raise BadRequest(400, _("address_string dài quá 300 ký tự."))
    unit = None
    if address_id:
        unit = _communes().filter(code=address_id).first()
        if unit is None:
            raise BadRequest(404, _("address_id «%(address_id)s» không phải mã phường, xã hiện hành.") % {"address_id": address_id})
    elif within is not None and within.level == UnitLevel.COMMUNE:
        unit = within
    elif lat is not None and lon is not None:
        unit = nearest_commune(lat, lon, within)
        if unit is None:
            raise BadRequest(400, _("Vị trí (lat, long) nằm ngoài địa bàn các phường, xã đang quản lý."))
        return unit, lat, lon, address
    else:
        unit = _commune_named_in(address, within)
        if unit is None:
            raise BadRequest(
                400, _("Không xác định được phường, xã từ address_string: ghi rõ tên phường, xã, hoặc gửi lat và long, "
                "hoặc address_id (mã phường, xã).")
            )
    # A ward named by code and a point far from it contradict each other (org.geo): refused, as
    # the API has no way to ask back. A ward found from the point itself needs no such check.
    if lat is not None and lon is not None and (far := geo.far_from(unit, lat, lon)) is not None:
        raise BadRequest(400, _("Vị trí (lat, long) cách trung tâm %(name)s khoảng %(distance_km)s km, xa hơn phạm vi của phường, xã này (khoảng %(radius_km)s km): kiểm tra lại address_id, jurisdiction_id hoặc vị trí.") % {"name": unit.name, "distance_km": format(far.distance_km, '.1f'), "radius_km": format(far.radius_km, '.1f')})
    return unit, lat, lon, address


# --- views --------------------------------------------------------------------------------------


def _only(request: HttpRequest, fmt: str, *methods: str) -> HttpResponse | None:
    if request.method in methods:
        return None
    response = _error(405, _("Phương thức %(method)s không được hỗ trợ; dùng %(value)s.") % {"method": request.method, "value": ', '.join(methods)}, fmt=fmt)
    response["Allow"] = ", ".join(methods)
    return response


def discovery(request: HttpRequest, format: str) -> HttpResponse:
    """The service discovery document the spec asks every endpoint to have."""
    return _only(request, format, "GET") or _respond(format, "discovery", {
        "changeset": "2026-01-01T00:00:00+07:00",
        "contact": _("Văn phòng HĐND và UBND — bộ phận tiếp công dân"),
        "key_service": "",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri("/open311/v2/"),
            "changeset": "2026-01-01T00:00:00+07:00",
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


def services_list(request: HttpRequest, format: str) -> HttpResponse:
    if bad := _only(request, format, "GET"):
        return bad
    try:
        _jurisdiction(request)
    except BadRequest as exc:
        return _error(exc.status, *exc.descriptions, fmt=format)
    return _respond(format, "services", [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": str(s.description),
            "metadata": False,
            "type": "realtime",
            "keywords": str(s.keywords),
            "group": str(s.group),
        }
        for s in SERVICES.values()
    ])


def service_definition(request: HttpRequest, service_code: str, format: str) -> HttpResponse:
    if bad := _only(request, format, "GET"):
        return bad
    try:
        _jurisdiction(request)
        service = _service(service_code)
    except BadRequest as exc:
        return _error(exc.status, *exc.descriptions, fmt=format)
    return _respond(format, "service_definition", {"service_code": service.code, "attributes": []})


@csrf_exempt
def requests_view(request: HttpRequest, format: str) -> HttpResponse:
    if bad := _only(request, format, "GET", "POST"):
        return bad
    try:
        within = _jurisdiction(request)
        data = _create(request, within) if request.method == "POST" else _search(request, within)
    except BadRequest as exc:
        return _error(exc.status, *exc.descriptions, fmt=format)
    return _respond(format, "service_requests", data)


def request_detail(request: HttpRequest, service_request_id: str, format: str) -> HttpResponse:
    if bad := _only(request, format, "GET"):
        return bad
    try:
        within = _jurisdiction(request)
    except BadRequest as exc:
        return _error(exc.status, *exc.descriptions, fmt=format)
    p = _in_jurisdiction(public_requests(), within).filter(receipt_code=service_request_id.strip().upper()).first()
    if p is None:
        return _error(404, _("Không tìm thấy yêu cầu «%(service_request_id)s».") % {"service_request_id": service_request_id}, fmt=format)
    return _respond(format, "service_requests", [request_out(p)])


def token(request: HttpRequest, token_id: str, format: str) -> HttpResponse:
    """service_request_id from a token (GET tokens/<token_id>). A request posted here gets its
    service_request_id at once, and that id is also its token: the lookup returns it while the
    request can be shown."""
    if bad := _only(request, format, "GET"):
        return bad
    try:
        within = _jurisdiction(request)
    except BadRequest as exc:
        return _error(exc.status, *exc.descriptions, fmt=format)
    p = _in_jurisdiction(public_requests(), within).filter(receipt_code=token_id.strip().upper()).first()
    if p is None:
        return _error(404, _("Không tìm thấy token «%(token_id)s».") % {"token_id": token_id}, fmt=format)
    return _respond(format, "service_requests", [{"service_request_id": p.receipt_code, "token": token_id}])


def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    fmt = "xml" if rest.lower().endswith(".xml") else "json"
    return _error(
        404, _("Không có tài nguyên «%(rest)s»: Open311 ở đây phục vụ …/services.xml, …/requests.json, …/requests/<mã>.xml, …/tokens/<token>.json và discovery.") % {"rest": rest}, fmt=fmt,
    )


def _search(request: HttpRequest, within: AdminUnit | None) -> list[dict[str, Any]]:
    qs = _in_jurisdiction(public_requests(), within)
    ids = [i.upper() for i in _codes(_param(request, "service_request_id"))]
    if ids:  # overrides every other parameter (spec)
        rows = qs.filter(receipt_code__in=ids[:MAX_RESULTS]).order_by("-received_on", "-id")
        return [request_out(p) for p in rows]
    codes = _codes(_param(request, "service_code"))
    for code in codes:
        _service(code)
    statuses = _codes(_param(request, "status").lower())
    for s in statuses:
        if s not in ("open", "closed"):
            raise BadRequest(400, _("status «%(s)s» không hợp lệ: chỉ nhận open hoặc closed.") % {"s": s})
    start, end = _window(request)
    if codes:
        qs = qs.filter(field__in=codes)
    if statuses and set(statuses) != {"open", "closed"}:
        qs = qs.filter(state__in=OPEN_STATES) if statuses[0] == "open" else qs.exclude(state__in=OPEN_STATES)
    qs = qs.filter(received_on__gte=timezone.localtime(start).date(), received_on__lte=timezone.localtime(end).date())
    out = []
    for p in qs.order_by("-received_on", "-created_at", "-id").iterator(chunk_size=500):
        if start <= requested_at(p) <= end:
            out.append(request_out(p))
            if len(out) == MAX_RESULTS:
                break
    return out


def _report(request: HttpRequest, within: AdminUnit | None) -> dict[str, Any]:
    """A report's fields as `do_receive_petition` takes them, or BadRequest."""
    code = _param(request, "service_code")
    if not code:
        raise BadRequest(400, _("Thiếu service_code (loại phản ánh, xem services.json)."))
    service = _service(code)
    unit, lat, lon, address = _locate(request, within)
    description = _param(request, "description")
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(400, _("description dài quá %(MAX_DESCRIPTION)s ký tự.") % {"MAX_DESCRIPTION": MAX_DESCRIPTION})
    email = _param(request, "email")
    if email and ("@" not in email or len(email) > 254):
        raise BadRequest(400, _("email «%(email)s» không hợp lệ.") % {"email": email})
    phone = _param(request, "phone")
    if phone and (len(phone) > 30 or not all(c.isdigit() or c in "+ .-()" for c in phone)):
        raise BadRequest(400, _("phone chỉ gồm chữ số (có thể có +, dấu cách, dấu chấm, gạch ngang)."))
    # A Vietnamese full name is the family name first: Nguyễn (last_name) Văn Hùng (first_name).
    name = " ".join(p for p in (_param(request, "last_name"), _param(request, "first_name")) if p)[:200]
    return {"field": service.code, "content": description, "unit": unit,
            "identity": {"name": name, "phone": phone, "email": email}, "is_anonymous": not name,
            "place": address, "lat": lat, "lon": lon, "location_confirmed": True}  # checked by _locate


def _create(request: HttpRequest, within: AdminUnit | None) -> list[dict[str, Any]]:
    # The same budget per address as filing on the citizens' page (pages.FILING): anonymous writes
    # are cheap. Only accepted reports spend it; failed ones have their own, larger budget.
    address = ratelimit.client_address(request)
    if not pages.FILING.attempt(address):
        raise BadRequest(429, _("Địa chỉ này đã gửi lỗi nhiều lần trong thời gian ngắn; vui lòng thử lại sau một giờ."))
    report = _report(request, within)
    if not pages.FILING.reserve(address):
        raise BadRequest(429, _("Địa chỉ này đã gửi nhiều phản ánh trong thời gian ngắn; vui lòng thử lại sau một giờ."))
    name, unit = report["identity"]["name"], report["unit"]
    try:
        with audit.channel("open311"):
            p = receiving.do_receive_petition(actor=None, public=True, channel=Channel.ONLINE, kind=Kind.FEEDBACK,
                                              **report)
    except ValidationError as exc:
        pages.FILING.release(address)
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise BadRequest(400, *[
            f"{FIELD_NAMES.get(field, field)}: {message}" if field else message
            for field, messages in errors.items() for message in messages
        ]) from None
    except PermissionDenied as exc:  # pragma: no cover - public filing needs no role
        pages.FILING.release(address)
        raise BadRequest(403, str(exc)) from None
    pages.FILING.accepted(address)
    notice = _("Đã tiếp nhận phản ánh, chuyển %(name)s xử lý. Mã tra cứu: %(receipt_code)s.") % {"name": unit.name, "receipt_code": p.receipt_code}
    if p.due_on:
        notice += _(" Hạn xử lý: %(due_on)s.") % {"due_on": format(p.due_on, '%d/%m/%Y')}
    if not name:
        notice += _(" Phản ánh không ghi họ tên được ghi nhận là đơn nặc danh.")
    return [{"service_request_id": p.receipt_code, "service_notice": notice, "account_id": None}]

