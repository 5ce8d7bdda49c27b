"""The citizens' side, without an account: the rating form of the public lookup page posts here."""

from django.urls import path

from dieuhanh.notifications import ratings

urlpatterns = [
    path("tra-cuu/danh-gia/", ratings.rate, name="public_rating"),
]
