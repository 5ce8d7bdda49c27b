from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from dieuhanh.core import access, case_views
from dieuhanh.core.cases import ActionInput, CaseAction
from dieuhanh.core.forms import textarea
from dieuhanh.core.tests.exampleapp.cases import INSPECTIONS
from dieuhanh.core.tests.exampleapp.models import Inspection, State


class CloseForm(ActionInput):
    conclusion = forms.CharField(label="Kết luận", required=False, widget=textarea(3))


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    access.require_any(request.user, "exampleapp", "view", "Trang này dành cho cán bộ kiểm tra và lãnh đạo.")
    rows = Inspection.objects.visible_to(request.user).select_related("unit").order_by("-id")
    if (state := request.GET.get("state")) in State.values:  # the IOC's figures link here by state
        rows = rows.filter(state=state)
    return render(request, "exampleapp/list.html", {"title": "Kiểm tra thực tế", "rows": rows})


def _visible(request: HttpRequest, pk: int) -> Inspection:
    return get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)


def _render(request: HttpRequest, case: Inspection, /, *, bound: Any = None, loose: list[str] | None = None,
            page_errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "exampleapp/detail.html", {
        "title": case.title, "i": case, "loose_errors": page_errors or [], "no_actions_text": "Không còn việc gì.",
        "action_forms": case_views.panels(request, INSPECTIONS, case, bound=bound, loose=loose),
    }, status=status)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible(request, pk))


def _done(request: HttpRequest, case: Inspection, action: CaseAction, result: Any) -> HttpResponse:
    return case_views.success(request, action, reverse("exampleapp:inspection_detail", args=[case.pk]))


inspection_action = case_views.action_view(INSPECTIONS, lookup=_visible, render=_render, done=_done)
