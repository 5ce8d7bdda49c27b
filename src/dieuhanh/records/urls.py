from django.urls import path

from dieuhanh.records import views

app_name = "records"

urlpatterns = [
    path("di/", views.outgoing_list, name="outgoing_list"),
    path("di/xuat-excel/", views.outgoing_export, name="outgoing_export"),
    path("di/cap-so/", views.outgoing_create, name="outgoing_create"),
    path("di/ban-hanh/", views.outgoing_from_paper, name="outgoing_from_paper"),
    path("di/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("di/<int:pk>/tep/", views.outgoing_file, name="outgoing_file"),
    path("di/<int:pk>/giao-nhiem-vu/", views.outgoing_assign, name="outgoing_assign"),
    path("nhiem-ky/", views.term_create, name="term_create"),
    path("den/", views.incoming_list, name="incoming_list"),
    path("den/xuat-excel/", views.incoming_export, name="incoming_export"),
    path("den/vao-so/", views.incoming_create, name="incoming_create"),
    path("den/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("den/<int:pk>/tep/", views.incoming_file, name="incoming_file"),
    path("den/<int:pk>/giao-xu-ly/", views.incoming_assign, name="incoming_assign"),
]
