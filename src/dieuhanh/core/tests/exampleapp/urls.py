from django.urls import path

from dieuhanh.core import case_views
from dieuhanh.core.tests.exampleapp import views
from dieuhanh.core.tests.exampleapp.cases import INSPECTIONS

app_name = "exampleapp"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    *case_views.action_urls(INSPECTIONS, "", "int", views.inspection_action),
]
