from django.urls import path

from dieuhanh.core import audit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("nhat-ky/", audit_views.audit_log, name="audit_log"),
]
