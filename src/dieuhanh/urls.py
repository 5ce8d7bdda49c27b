"""The site's URLs: the language switch and API v1, then each platform app's pages in the
settings' order (`PlatformApp.urls`, core.platform): an app adds its pages in its own folder."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from dieuhanh.api import not_found
from dieuhanh.api import urls as api_urls
from dieuhanh.core.platform import platform_apps

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api_urls()),
    re_path(r"^api/(?P<rest>.*)$", not_found),  # JSON, as every API answer
]
for app in platform_apps():
    urlpatterns += [path(prefix, include(module)) for prefix, module in app.urls]

# A busy database (a lock not obtained in time) answers 503 "try again"; any other error the 500
# page (core/errors.py).
handler500 = "dieuhanh.core.errors.server_error"
