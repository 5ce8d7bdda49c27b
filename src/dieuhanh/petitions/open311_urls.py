"""Open311 GeoReport v2 endpoints, mounted at /open311/v2/ (JSON only; see petitions/open311.py)."""

from django.urls import path

from dieuhanh.petitions import open311

urlpatterns = [
    path("discovery.json", open311.discovery, name="open311_discovery"),
    path("services.json", open311.services_list, name="open311_services"),
    path("services/<str:service_code>.json", open311.service_definition, name="open311_service"),
    path("requests.json", open311.requests_view, name="open311_requests"),
    path("requests/<str:service_request_id>.json", open311.request_detail, name="open311_request"),
    path("<path:rest>", open311.unknown),
]
