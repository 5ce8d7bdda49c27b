from dieuhanh.ioc import alerts, views

urlpatterns = [*views.urlpatterns, *alerts.urlpatterns]
