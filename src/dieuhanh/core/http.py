"""The request as the views receive it: django-htmx's HtmxMiddleware (settings.MIDDLEWARE) sets
`request.htmx` on every request. Views that read it take an `HtmxHttpRequest`."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
