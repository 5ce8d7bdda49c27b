from django.conf import settings
from django.http import HttpRequest

from dieuhanh.org import scope


def app(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "user_roles": scope.roles(user) if user is not None else set(),
    }
