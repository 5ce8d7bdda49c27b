"""The request as the views receive it: django-htmx's HtmxMiddleware (settings.MIDDLEWARE) sets
`request.htmx` on every request. Views that read it take an `HtmxHttpRequest`."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from dieuhanh.org.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# Who a request or a service acts for: a signed-in account (the project's user model,
# AUTH_USER_MODEL), or the anonymous visitor of a public page (a citizen filing online). This is
# the type django-stubs gives `request.user`. Services that need a signed-in actor take `User`.
AnyUser: TypeAlias = "User | AnonymousUser"


def signed_in_user(request: HttpRequest) -> User:
    """The account a request acts for, in a view that only signed-in users reach
    (@login_required, or an API endpoint behind token authentication)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied(gettext("Bạn cần đăng nhập."))
    return user
