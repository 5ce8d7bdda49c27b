"""Indicator pages: the list with achievement (/chi-tieu/), an indicator's page, the forms."""

from django.urls import URLPattern

from dieuhanh.indicators import views

urlpatterns: list[URLPattern] = views.urlpatterns
