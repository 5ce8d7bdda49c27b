"""Indicator pages (filled in below)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def indicator_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")


urlpatterns: list[URLPattern] = [
    path("chi-tieu/", indicator_list, name="indicator_list"),
    path("chi-tieu/<str:code>/", indicator_detail, name="indicator_detail"),
]
