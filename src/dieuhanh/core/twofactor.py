"""Two-factor sign-in (docs/decisions/0032): who must use it, the devices, and the gate.

Who: the holders of the roles the apps declare in `PlatformApp.two_factor_roles` (core: leaders
and administrators; petitions: whoever may be given a denunciation to handle, and so see its
denouncer) and every superuser or staff account. Nobody in the demo city
(DIEUHANH_TWO_FACTOR_REQUIRED is off when DIEUHANH_DEMO=1, which serves on 127.0.0.1 only).

What: an authenticator app's time-based code (django-otp's TOTP device, RFC 6238), with ten
one-time recovery codes (a static device) for the day the phone is lost. Anyone may enrol; a user
who has enrolled is asked for a code at every sign-in, required or not.

The gate (`TwoFactorMiddleware`): a session that signed in with the password alone and has a
second step to take — a code, or an enrolment for a required user without a device — reaches
only that step, the language switch and the sign-out; an API call on such a session gets 401.
A token (API) is not a session and is not concerned.

Every enrolment, new set of recovery codes, removal, reset by an administrator, use of a recovery
code and wrong code goes into the audit log; wrong codes are also counted per account
(`core.ratelimit`, DIEUHANH_OTP_FAILURES within DIEUHANH_OTP_MINUTES) on top of django-otp's
own growing delay per device."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dieuhanh.core import audit, generations, platform, ratelimit
from dieuhanh.core.choices import TwoFactorAction
from dieuhanh.org import scope

if TYPE_CHECKING:
    from django_otp.models import Device

    from dieuhanh.core.http import AnyUser
    from dieuhanh.org.models import User

AUTHENTICATOR = "authenticator"  # the TOTP device's name
RECOVERY = "recovery"  # the static device holding the recovery codes
RECOVERY_CODES = 10
CODE_STEP = "two_factor_verify"
ENROL_STEP = "two_factor"


def required(user: AnyUser | None) -> bool:
    """Whether `user` must sign in with a second factor."""
    if not settings.DIEUHANH_TWO_FACTOR_REQUIRED or user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(scope.roles(user) & platform.two_factor_roles())  # type: ignore[arg-type]


def has_second_factor(user: AnyUser) -> bool:
    """Whether `user` has enrolled: a confirmed authenticator. Recovery codes come with one and
    go with it (`do_confirm`, `do_remove`), so their table tells."""
    if user.pk is None:
        return False
    return _enrolled.get(user.pk, lambda: TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


# user id -> enrolled?, kept until the authenticators' table changes (core.generations), so a
# session signed in with the password alone does not ask on every page.
_enrolled = generations.Kept[bool]("second-factor")


def second_step(user: AnyUser) -> str | None:
    """The URL name of the step a session signed in with `user`'s password must still take: the
    code, the enrolment (required, no device yet), or None."""
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return None
    if has_second_factor(user):
        return CODE_STEP
    if required(user):
        return ENROL_STEP
    return None


def authenticator(user: AnyUser) -> TOTPDevice | None:
    """`user`'s confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being enrolled: its key stays the same across reloads of the page until
    it is confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def recovery_left(user: AnyUser) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__name=RECOVERY, device__confirmed=True).count()


def normalise(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case (recovery codes are base32)."""
    return re.sub(r"[\s\-]", "", code or "").lower()[:32]


def secret_groups(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(text: str) -> str:
    """`text` as a QR code, an SVG element drawn on the server (no script, nothing fetched)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg"):]  # the element alone, to sit in the page


def _record(actor: AnyUser | None, action: str, user: AnyUser, after: dict[str, Any] | None = None) -> None:
    audit.record(actor=actor, action=action, object_type="org.user", object_id=user.pk,
                 object_repr=user.get_username(), after=after)


def _new_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user, name=RECOVERY).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def do_confirm(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator being enrolled with a code it shows: on success the session is
    verified with it, ten recovery codes replace any earlier ones, and the enrolment is audited;
    returns the codes (shown once), or None when the code is wrong."""
    user: User = request.user  # type: ignore[assignment]
    code = normalise(code)
    if not code.isdigit() or not device.verify_token(code):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_codes(user)
        _record(user, TwoFactorAction.ENROL, user, {"recovery_codes": RECOVERY_CODES})
    otp_login(request, device)
    return codes


def do_new_codes(user: User) -> list[str]:
    """Ten new recovery codes for `user` (the old ones stop working), audited."""
    with transaction.atomic():
        codes = _new_codes(user)
        _record(user, TwoFactorAction.CODES, user, {"recovery_codes": RECOVERY_CODES})
    return codes


def do_remove(user: User, *, actor: AnyUser | None) -> int:
    """Remove every device of `user` (the authenticator, the recovery codes); by `actor`, the user
    or an administrator resetting a lost phone (`dieuhanh two-factor reset`). Audited either
    way; returns how many devices there were. A required user is asked to enrol again at the
    next page."""
    with transaction.atomic():
        removed = sum(m.objects.filter(user=user).delete()[1].get(m._meta.label, 0)
                      for m in (TOTPDevice, StaticDevice))
        action = TwoFactorAction.REMOVE if actor is not None and actor.pk == user.pk else TwoFactorAction.RESET
        _record(actor, action, user, {"devices": removed})
    return removed


def device_wait(devices: Any) -> int:
    """Seconds before django-otp lets one of `devices` check a code again: each wrong code locks
    a device for 1, 2, 4… seconds (a right code within that time is refused too)."""
    from django.utils import timezone

    waits = [0]
    for device in devices:
        allowed, data = device.verify_is_allowed()
        until = (data or {}).get("locked_until") if not allowed else None
        if until is not None:
            waits.append(max(1, int((until - timezone.now()).total_seconds() + 0.999)))
    return max(waits)


def _throttle_key(user: AnyUser) -> str:
    return f"user{user.pk}"


def code_wait(user: AnyUser) -> int:
    """Seconds before `user` may try a code again (0: now)."""
    return ratelimit.held_back("otp-failed", _throttle_key(user), limit=settings.DIEUHANH_OTP_FAILURES)


def do_verify(request: HttpRequest, code: str) -> Device | None:
    """Check a code of the signed-in user's second step, from the authenticator or a recovery
    code (used up by this); on success the session is verified. A wrong code is audited and
    counted (`code_wait`); a recovery code's use is audited."""
    user: User = request.user  # type: ignore[assignment]
    code = normalise(code)
    found: Device | None = None
    if code:
        for device in devices_for_user(user, confirmed=True):
            if isinstance(device, TOTPDevice) and not code.isdigit():
                continue
            if device.verify_token(code):
                found = device
                break
    if found is None:
        ratelimit.over_limit("otp-failed", _throttle_key(user), limit=settings.DIEUHANH_OTP_FAILURES,
                             window=settings.DIEUHANH_OTP_MINUTES * 60)
        with transaction.atomic():
            _record(user, TwoFactorAction.FAILED, user, {"address": ratelimit.client_address(request)})
        return None
    if isinstance(found, StaticDevice):
        with transaction.atomic():
            _record(user, TwoFactorAction.RECOVERY, user, {"recovery_codes_left": recovery_left(user)})
    otp_login(request, found)
    return found


def step_url(step: str, next_url: str) -> str:
    url = reverse(step)
    return f"{url}?next={quote(next_url)}" if next_url else url


class TwoFactorMiddleware:
    """A session with a second step left reaches only that step (see the module's docstring).
    After django_otp's OTPMiddleware, which tells whether the session is verified."""

    OPEN = frozenset({CODE_STEP, ENROL_STEP, "logout", "login", "set_language"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():  # type: ignore[union-attr,attr-defined]  # set by OTPMiddleware
            step = second_step(user)
            request.two_factor_step = step  # type: ignore[attr-defined]  # the pages' menu (context_processors)
            if step is not None and not self._open(request):
                return self._send(request, step)
        return self.get_response(request)

    def _docs(self, request: HttpRequest) -> bool:
        """/api/docs: a page for people, sent to the step as any page is (not answered in JSON)."""
        try:
            return resolve(request.path_info).url_name == "openapi-view"
        except Resolver404:
            return False

    def _open(self, request: HttpRequest) -> bool:
        try:
            return resolve(request.path_info).url_name in self.OPEN
        except Resolver404:
            return False

    def _send(self, request: HttpRequest, step: str) -> HttpResponse:
        if request.path.startswith("/api/") and not self._docs(request):
            return JsonResponse({"detail": _("Chưa xác thực hai bước: hoàn tất bước mã xác thực khi đăng nhập.")},
                                status=401)
        target = step_url(step, request.get_full_path() if request.method == "GET" else "")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
