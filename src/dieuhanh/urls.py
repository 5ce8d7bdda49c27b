from django.urls import include, path, re_path

from dieuhanh.api import not_found
from dieuhanh.api import urls as api_urls
from dieuhanh.core import calendar_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api_urls()),
    re_path(r"^api/(?P<rest>.*)$", not_found),  # JSON, as every API answer
    path("lich/", calendar_views.calendar_page, name="calendar"),
    path("lich/them/", calendar_views.calendar_add, name="calendar_add"),
    path("lich/bo/", calendar_views.calendar_remove, name="calendar_remove"),
    path("open311/v2/", include("dieuhanh.petitions.open311_urls")),
    path("", include("dieuhanh.petitions.urls")),
    path("", include("dieuhanh.dossiers.urls")),
    path("", include("dieuhanh.indicators.urls")),
    path("", include("dieuhanh.ioc.urls")),
    path("", include("dieuhanh.directives.urls")),
    path("", include("dieuhanh.core.urls")),
]
