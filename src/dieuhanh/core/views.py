"""Log-in, log-out and the officer's dashboard, made of the panels the apps declare."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import access, platform, ratelimit, twofactor
from dieuhanh.org import scope
from dieuhanh.org.choices import Role


def landing(user: Any) -> str:
    """Where signing in lands without a ?next=: a leader's day starts on the operations center
    (the IOC); everyone else's, and a leader's later visits to "Tổng quan", on the dashboard."""
    if scope.has_role(user, Role.LEADER):
        return reverse("ioc_overview")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """The password step. Failures are counted per client address whatever the account
    (password spraying: axes locks one account at a time, DIEUHANH_LOGIN_ADDRESS_FAILURES within
    DIEUHANH_LOGIN_ADDRESS_MINUTES lock the address); a user with a second step to take goes
    on to it (core/twofactor.py), with the page asked for kept for afterwards."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Đăng nhập")}
    FAILED = "login-failed"

    def get_default_redirect_url(self) -> str:
        """An explicit ?next= wins over `landing`."""
        return landing(self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = ratelimit.held_back(self.FAILED, ratelimit.client_address(request),
                                   limit=settings.DIEUHANH_LOGIN_ADDRESS_FAILURES)
        if wait:
            form = self.get_form_class()(request)
            context = self.get_context_data(form=form, refused_minutes=max(1, (wait + 59) // 60))
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        ratelimit.over_limit(self.FAILED, ratelimit.client_address(self.request),
                             limit=settings.DIEUHANH_LOGIN_ADDRESS_FAILURES,
                             window=settings.DIEUHANH_LOGIN_ADDRESS_MINUTES * 60)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        step = twofactor.second_step(form.get_user())
        if step is not None:
            return HttpResponseRedirect(twofactor.step_url(step, self.get_success_url()))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["two_factor_required"] = settings.DIEUHANH_TWO_FACTOR_REQUIRED
        return context

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
