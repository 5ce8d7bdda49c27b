"""Open311 GeoReport v2 endpoints, mounted at /open311/v2/, each in XML and JSON by its extension
(see petitions/open311.py)."""

from django.urls import path, register_converter

from dieuhanh.petitions import open311


class FormatConverter:
    """The spec's format extension: xml or json."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

urlpatterns = [
    path("discovery.<open311_format:format>", open311.discovery, name="open311_discovery"),
    path("services.<open311_format:format>", open311.services_list, name="open311_services"),
    path("services/<str:service_code>.<open311_format:format>", open311.service_definition, name="open311_service"),
    path("requests.<open311_format:format>", open311.requests_view, name="open311_requests"),
    path("requests/<str:service_request_id>.<open311_format:format>", open311.request_detail, name="open311_request"),
    path("tokens/<str:token_id>.<open311_format:format>", open311.token, name="open311_token"),
    path("<path:rest>", open311.unknown),
]
