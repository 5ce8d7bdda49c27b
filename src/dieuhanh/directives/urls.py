from django.urls import path

from dieuhanh.directives import views

app_name = "directives"

urlpatterns = [
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/xuat-excel/", views.document_export, name="document_export"),
    path("van-ban/nhap/", views.document_create, name="document_create"),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("cuoc-hop/", views.meeting_list, name="meeting_list"),
    path("cuoc-hop/ghi/", views.meeting_create, name="meeting_create"),
    path("nhiem-vu/", views.task_list, name="task_list"),
    path("nhiem-vu/xuat-excel/", views.task_export, name="task_export"),
    path("nhiem-vu/giao/", views.task_create, name="task_create"),
    path("nhiem-vu/chua-bao-cao/", views.report_missing, name="report_missing"),
    path("nhiem-vu/bao-cao-ket-qua/", views.task_report_page, name="task_report"),
    path("nhiem-vu/giao/can-bo/", views.person_options, name="person_options"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.task_report, name="task_report"),
    path("nhiem-vu/<int:pk>/bao-cao/<int:report_pk>/cho-y-kien/", views.task_acknowledge, name="task_acknowledge"),
    path("nhiem-vu/<int:pk>/dieu-chinh/", views.task_adjust, name="task_adjust"),
    path("nhiem-vu/<int:pk>/che-do-bao-cao/", views.task_cadence, name="task_cadence"),
    path("nhiem-vu/<int:pk>/ket-thuc/", views.task_close, name="task_close"),
    path("nhiem-vu/<int:pk>/huy/", views.task_cancel, name="task_cancel"),
]
