"""The notification centre (/thong-bao/): the list, opening one (marked read, then its object),
the read marks, the header's count (polled by htmx) and the person's preferences."""

from django.urls import path

from dieuhanh.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("dem/", views.unread_badge, name="unread_badge"),
    path("da-doc-het/", views.mark_all_read, name="mark_all_read"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("<int:pk>/", views.notification_open, name="notification_open"),
    path("<int:pk>/da-doc/", views.mark_read, name="mark_read"),
]
