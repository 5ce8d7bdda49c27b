"""The request as the views receive it: django-htmx's HtmxMiddleware (settings.MIDDLEWARE) sets
`request.htmx` on every request. Views that read it take an `HtmxHttpRequest`."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# Who a request or a service acts for: a signed-in account, or the anonymous visitor of a
# public page (a citizen filing online). Services that need a signed-in actor check
# `is_authenticated` themselves.
AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser
