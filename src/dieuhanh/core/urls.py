from django.urls import path

from dieuhanh.core import audit_views, calendar_views, lookup, twofactor_views, views
from dieuhanh.core.papers import views as paper_views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("dang-nhap/ma-xac-thuc/", twofactor_views.verify, name="two_factor_verify"),
    path("tai-khoan/xac-thuc-hai-buoc/", twofactor_views.manage, name="two_factor"),
    path("tai-khoan/xac-thuc-hai-buoc/ma-khoi-phuc/", twofactor_views.new_codes, name="two_factor_codes"),
    path("tai-khoan/xac-thuc-hai-buoc/go-bo/", twofactor_views.remove, name="two_factor_remove"),
    path("tai-khoan/xac-thuc-hai-buoc/dat-lai/", twofactor_views.reset, name="two_factor_reset"),
    path("nhat-ky/", audit_views.audit_log, name="audit_log"),
    path("nhat-ky/xuat-excel/", audit_views.audit_export, name="audit_export"),
    path("lich/", calendar_views.calendar_page, name="calendar"),
    path("lich/them/", calendar_views.calendar_add, name="calendar_add"),
    path("lich/bo/", calendar_views.calendar_remove, name="calendar_remove"),
    path("tra-cuu/", lookup.public_lookup, name="public_lookup"),
    path("giay-to/<slug:kind>/lo/", paper_views.batch_create, name="paper_batch_create"),
    path("giay-to/lo/<int:batch_id>/", paper_views.batch_page, name="paper_batch"),
    path("giay-to/lo/<int:batch_id>/tai-ve/", paper_views.batch_file, name="paper_batch_file"),
    path("giay-to/<slug:kind>/<path:ident>.<str:fmt>", paper_views.paper_download, name="paper_download"),
]
