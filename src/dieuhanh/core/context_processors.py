from django.conf import settings
from django.http import HttpRequest

from dieuhanh.core.platform import header_tools, menu_for, nav_links
from dieuhanh.org import scope


def app(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match is not None else ""
    namespace = (match.app_name or "") if match is not None else ""
    signed_in = user is not None and user.is_authenticated
    # A session with a second sign-in step left (core.twofactor) shows no menu it cannot open.
    working = signed_in and getattr(request, "two_factor_step", None) is None
    main_menu = menu_for(user, url_name, namespace) if working else []
    public_menu = menu_for(user, url_name, namespace, public=True)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "user_roles": scope.roles(user) if user is not None else set(),
        "main_menu": main_menu,
        "header_tools": header_tools() if working else [],
        "public_menu": public_menu,
        # the header's links, written once per menu and language (core/platform.py nav_links)
        "main_nav": nav_links(main_menu),
        "public_nav": nav_links(public_menu),
    }
