from django.urls import path

from dieuhanh.core import case_views
from dieuhanh.inspection import views
from dieuhanh.inspection.cases import APPEALS, DISCIPLINES, INSPECTIONS, REVIEWS

app_name = "inspection"

urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/", views.inspection_list, name="inspection_list"),
    path("xuat-excel/", views.inspection_export, name="inspection_export"),
    path("quyet-dinh/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    *case_views.action_urls(INSPECTIONS, "", "int", views.inspection_action),
    path("chuong-trinh/", views.programme_list, name="programme_list"),
    path("chuong-trinh/moi/", views.programme_create, name="programme_create"),
    path("chuong-trinh/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("ky-luat/", views.discipline_list, name="discipline_list"),
    path("ky-luat/xuat-excel/", views.discipline_export, name="discipline_export"),
    path("ky-luat/de-nghi/", views.discipline_create, name="discipline_create"),
    path("ky-luat/<int:pk>/", views.discipline_detail, name="discipline_detail"),
    *case_views.action_urls(DISCIPLINES, "ky-luat/", "int", views.discipline_action),
    path("khieu-nai/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    *case_views.action_urls(APPEALS, "khieu-nai/", "int", views.appeal_action),
    path("kiem-diem/", views.review_list, name="review_list"),
    path("kiem-diem/goi-y/", views.review_create, name="review_create"),
    path("kiem-diem/<int:pk>/", views.review_detail, name="review_detail"),
    *case_views.action_urls(REVIEWS, "kiem-diem/", "int", views.review_action),
    path("so-lieu/", views.statistics, name="statistics"),
]
