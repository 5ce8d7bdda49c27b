"""Web pages of citizen reception and petitions (staff) and the citizen's filing (the lookup by code is core.lookup's)."""

from django.urls import path

from dieuhanh.core import case_views
from dieuhanh.petitions import views
from dieuhanh.petitions.cases import PETITIONS

app_name = "petitions"

urlpatterns = [
    path("don/", views.petition_list, name="petition_list"),
    path("don/xuat/", views.petition_export, name="petition_export"),
    path("don/moi/", views.petition_create, name="petition_create"),
    path("don/thong-ke/", views.petition_stats, name="petition_stats"),
    path("don/<int:pk>/", views.petition_detail, name="petition_detail"),
    path("don/<int:pk>/danh-tinh/", views.petition_identity, name="petition_identity"),
    path("don/<int:pk>/tep/<int:aid>/", views.petition_attachment, name="petition_attachment"),
    *case_views.action_urls(PETITIONS, "don/", "int", views.petition_action),
    path("tiep-cong-dan/", views.session_list, name="session_list"),
    path("tiep-cong-dan/moi/", views.session_create, name="session_create"),
    path("tiep-cong-dan/<int:pk>/", views.session_detail, name="session_detail"),
    path("gui-don/", views.public_file, name="public_file"),
    path("gui-don/da-nhan/", views.public_receipt, name="public_receipt"),
]
