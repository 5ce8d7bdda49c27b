from django.urls import path

from dieuhanh.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("xuat-excel/", views.overview_export, name="overview_export"),
    path("phan-cong/", views.follow_list, name="follow_list"),
    path("phan-cong/<int:pk>/ket-thuc/", views.follow_end, name="follow_end"),
    path("cua-toi/", views.my_reports, name="my_reports"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/cho-y-kien/", views.report_answer, name="report_answer"),
]
