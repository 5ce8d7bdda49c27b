"""The pages of two-factor sign-in (core/twofactor.py): the code step after the password, the
enrolment of an authenticator app, the recovery codes, the removal, and the reset by an administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_otp import devices_for_user

from dieuhanh.core import access, twofactor
from dieuhanh.core.views import landing


def _next(request: HttpRequest) -> str:
    """The page asked for before signing in (a safe, local one), or the user's landing page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and wanted != reverse("home") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return landing(request.user)


def _pause(seconds: int) -> str:
    """What to wait after a wrong code (django-otp locks the device a moment after each)."""
    if not seconds:
        return ""
    return ngettext("Đợi %(seconds)d giây rồi hãy nhập lại.", "Đợi %(seconds)d giây rồi hãy nhập lại.",
                    seconds) % {"seconds": seconds}


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user = request.user
    if twofactor.second_step(user) != twofactor.CODE_STEP:
        return HttpResponseRedirect(_next(request))
    error = ""
    wait = twofactor.code_wait(user)
    if request.method == "POST":
        if wait:
            pass  # refused below, with the time left
        elif twofactor.do_verify(request, request.POST.get("code", "")) is not None:
            return HttpResponseRedirect(_next(request))
        else:
            error = _("Mã xác thực không đúng hoặc đã dùng. Nhập mã đang hiện trên ứng dụng xác thực, "
                      "hoặc một mã khôi phục chưa dùng.")
            error += " " + _pause(twofactor.device_wait(devices_for_user(user, confirmed=True)))
            wait = twofactor.code_wait(user)
    context = {
        "title": _("Mã xác thực"), "error": error, "next": request.POST.get("next") or request.GET.get("next", ""),
        "wait_minutes": max(1, (wait + 59) // 60) if wait else 0,
    }
    # A wrong code shows the form again (200, as a wrong password does); a refusal is 429.
    response = render(request, "core/two_factor_verify.html", context, status=429 if wait else 200)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The user's two-factor sign-in: enrol an authenticator app (scan the QR code, confirm with
    a code, keep the recovery codes shown once), or see it and renew the codes or remove it."""
    user = request.user
    device = twofactor.authenticator(user)
    context: dict[str, Any] = {
        "title": _("Xác thực hai bước"), "required": twofactor.required(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "may_reset": access.holds(user, "core", "two_factor_reset"),
    }
    if twofactor.second_step(user) == twofactor.CODE_STEP:
        # Signed in with the password alone: the code first, then this page.
        return HttpResponseRedirect(twofactor.step_url(twofactor.CODE_STEP, request.get_full_path()))
    if device is not None:
        context.update(device=device, recovery_left=twofactor.recovery_left(user))
        return render(request, "core/two_factor_manage.html", context)
    pending = twofactor.pending_authenticator(user)  # type: ignore[arg-type]
    if request.method == "POST":
        codes = twofactor.do_confirm(request, pending, request.POST.get("code", ""))
        if codes is not None:
            context.update(codes=codes, continue_url=_next(request))
            return render(request, "core/two_factor_codes.html", context)
        context["error"] = _("Mã xác thực không đúng. Nhập mã 6 chữ số đang hiện trên ứng dụng xác thực.") + " " + _pause(
            twofactor.device_wait([pending]))
    context.update(qr=twofactor.qr_svg(pending.config_url), secret=twofactor.secret_groups(pending))
    return render(request, "core/two_factor_enrol.html", context)


@require_POST
@login_required
def new_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, shown once; the old ones stop working."""
    if twofactor.authenticator(request.user) is None or not request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(reverse(twofactor.ENROL_STEP))
    codes = twofactor.do_new_codes(request.user)  # type: ignore[arg-type]
    context = {"title": _("Mã khôi phục mới"), "codes": codes, "continue_url": reverse(twofactor.ENROL_STEP),
               "renewed": True}
    return render(request, "core/two_factor_codes.html", context)


@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    """Remove the authenticator and the recovery codes (to enrol a new phone, say). A user who
    must use two-factor sign-in is asked to enrol again straight away."""
    if request.user.is_verified():  # type: ignore[union-attr]
        twofactor.do_remove(request.user, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Đã gỡ xác thực hai bước khỏi tài khoản."))
    return HttpResponseRedirect(reverse(twofactor.ENROL_STEP))


@access.requires("core", "two_factor_reset", gettext_lazy("Chỉ quản trị hệ thống đặt lại xác thực hai bước."))
def reset(request: HttpRequest) -> HttpResponse:
    """An administrator removes another user's authenticator and recovery codes (a lost phone and
    no code left): the user enrols again at the next sign-in. Audited with the administrator's
    name (as `dieuhanh two-factor reset`)."""
    from django.contrib.auth import get_user_model

    error = ""
    username = request.POST.get("username", "").strip()
    if request.method == "POST":
        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is None:
            error = _("Tên đăng nhập: không có người dùng «%(name)s».") % {"name": username[:150]}
        elif user.pk == request.user.pk:
            error = _("Tên đăng nhập: tự gỡ của mình ở trang Xác thực hai bước, không đặt lại ở đây.")
        else:
            removed = twofactor.do_remove(user, actor=request.user)
            messages.success(request, ngettext(
                "Đã gỡ %(count)d thiết bị xác thực của %(name)s; lần đăng nhập sau người này đăng ký lại.",
                "Đã gỡ %(count)d thiết bị xác thực của %(name)s; lần đăng nhập sau người này đăng ký lại.",
                removed) % {"count": removed, "name": user.get_username()})
            return HttpResponseRedirect(reverse("two_factor_reset"))
    context = {"title": _("Đặt lại xác thực hai bước"), "error": error, "username": username}
    return render(request, "core/two_factor_reset.html", context)
