"""The IOC's alerts feed."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
