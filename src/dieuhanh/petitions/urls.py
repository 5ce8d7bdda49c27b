"""Web pages of citizen reception and petitions (staff) and the citizen's filing and lookup."""

from django.urls import path  # noqa: F401

app_name = "petitions"

urlpatterns: list = []
