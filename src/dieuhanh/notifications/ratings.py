"""Citizens rate how their case was handled (docs/decisions/0030): from the public lookup page,
once the petition has its decision or conclusion, or the dossier its result (or refusal), the
citizen who holds the lookup code picks one of five levels (`Satisfaction`) and may add a
comment. One rating per case (the `rating_once_per_case` constraint: a second try, even two at
once, gets a clear message); no account; CSRF-protected; counted against the same per-address
budget as the look-ups (`core.lookup`).

The ratings feed the satisfaction group of the Decision 766 index (`dossiers.score766`), the
derived indicator "tỷ lệ hài lòng" (`notifications.indicators`) and the case's page for officers
(`templatetags.citizens`). On a confidential petition the comment, in the denouncer's own words,
is shown only to those who may see the denouncer's identity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dieuhanh.core import audit, lookup, ratelimit
from dieuhanh.core.i18n import recorded
from dieuhanh.notifications.choices import Satisfaction
from dieuhanh.notifications.models import Rating

COMMENT_MAX = 1000
RATE_VERB = "rate"


def case_type(obj: Any) -> str:
    return str(obj._meta.label_lower)


def ratable(obj: Any) -> bool:
    """Whether the case has what a citizen rates: a petition's decision or conclusion, a
    dossier's result (or refusal)."""
    label = case_type(obj)
    if label == "petitions.petition":
        from dieuhanh.petitions.choices import RESOLVED_STATES

        return obj.state in RESOLVED_STATES and obj.concluded_on is not None
    if label == "dossiers.dossier":
        return obj.result_on is not None
    return False


def rating_of(obj: Any) -> Rating | None:
    return Rating.objects.filter(case_type=case_type(obj), case_id=obj.pk).first()


class RatingForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    level = forms.TypedChoiceField(
        label=gettext_lazy("Mức độ hài lòng của ông/bà"), choices=Satisfaction.choices, coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Chọn mức độ hài lòng."),
                        "invalid_choice": gettext_lazy("Mức độ hài lòng không hợp lệ: chọn một trong năm mức.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Góp ý (không bắt buộc)"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Góp ý dài quá %(limit_value)d ký tự.")},
    )


def panel(obj: Any, code: str, form: RatingForm | None = None) -> dict[str, Any]:
    """What the lookup page shows about rating this case."""
    rated = rating_of(obj)
    return {
        "ratable": ratable(obj),
        "rated": rated,
        "form": form or (RatingForm(initial={"code": code}) if rated is None and ratable(obj) else None),
    }


@transaction.atomic
def do_rate(obj: Any, *, level: int, comment: str = "", at: Any = None) -> Rating:
    """Record the citizen's rating of `obj` (once). Raises ValueError with the citizen's message
    when it is not ratable yet or already rated."""
    if not ratable(obj):
        raise ValueError(_("Chỉ đánh giá được sau khi đơn, hồ sơ có kết quả giải quyết."))
    if level not in Satisfaction.values:
        raise ValueError(_("Mức độ hài lòng không hợp lệ: chọn một trong năm mức."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(case_type=case_type(obj), case_id=obj.pk, unit_id=obj.unit_id, level=level,
                                           comment=(comment or "").strip()[:COMMENT_MAX], rated_at=at or timezone.now())
    except IntegrityError:
        raise ValueError(_("Đơn, hồ sơ này đã được đánh giá: mỗi đơn, hồ sơ chỉ đánh giá một lần.")) from None
    audit.record(actor=None, action=RATE_VERB, obj=obj, after={"mức độ hài lòng": recorded(Satisfaction(level).label)})
    return rating


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    """The rating form of the lookup page posts here; the answer is the lookup page again, with
    what happened."""
    form = RatingForm(request.POST)
    code = lookup.normalise_code(request.POST.get("code"))
    if ratelimit.over_limit("petitions:lookup", ratelimit.client_address(request), limit=lookup.LOOKUP_LIMIT,
                            window=lookup.LOOKUP_WINDOW):
        return lookup.render_page(request, code="", error=_(
            "Ông/bà tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."), status=429)
    found = lookup.find(code) if code else None
    if found is None or found.obj is None:
        return lookup.render_page(request, code=code, error=_("Không tìm thấy đơn, hồ sơ có mã này."), status=404)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return lookup.render_page(request, code=code, found=found, rating_form=form, error=" ".join(errors),
                                  status=400)
    try:
        do_rate(found.obj, level=form.cleaned_data["level"], comment=form.cleaned_data.get("comment") or "")
    except ValueError as exc:
        return lookup.render_page(request, code=code, found=found, error=str(exc), status=409 if rating_of(
            found.obj) else 400)
    return lookup.render_page(request, code=code, found=found,
                              notice=_("Cảm ơn ông/bà đã đánh giá. Ý kiến của ông/bà được gửi đến cơ quan giải quyết."))
