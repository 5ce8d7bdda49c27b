from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dieuhanh.demo"
    verbose_name = "Thành phố mẫu"
