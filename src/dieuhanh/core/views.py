"""Log-in, log-out and the officer's dashboard, made of the panels the apps declare."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access, platform
from dieuhanh.org import scope
from dieuhanh.org.choices import Role


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Đăng nhập")}

    def get_default_redirect_url(self) -> str:
        """A leader's day starts on the operations center (the IOC); everyone else's, and a
        leader's later visits to "Tổng quan", on this dashboard. An explicit ?next= wins."""
        if scope.has_role(self.request.user, Role.LEADER):
            return reverse("ioc_overview")
        return super().get_default_redirect_url()

    def get_redirect_url(self) -> str:  # type: ignore[override]  # Django 5.2's signature; the stubs follow 6.x
        """The ?next= page, except the home page itself: opening the site's address before
        logging in asks for no page in particular, so the leader still starts on the IOC."""
        url = super().get_redirect_url()
        return "" if url == reverse("home") else url


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The officer's dashboard: each app's panel (`PlatformApp.home_panels`) the user may see, in
    order. A panel's figures are also in the page's context under its key (None when not shown)."""
    user = request.user
    context: dict[str, Any] = {"title": _("Tổng quan"), "today": timezone.localdate()}
    panels = []
    computed: dict[str, Any] = {}  # two panels of one app may share their figures
    for panel in platform.home_panels():
        data = None
        if panel.permission is None or access.holds(user, *panel.permission):
            if panel.context not in computed:
                computed[panel.context] = import_string(panel.context)(user)
            data = computed[panel.context]
        context[panel.key] = data
        if data is not None:
            panels.append(render_to_string(panel.template, {**data, panel.key: data, "today": context["today"]},
                                           request=request))
    context["panels"] = panels
    return render(request, "core/home.html", context)
