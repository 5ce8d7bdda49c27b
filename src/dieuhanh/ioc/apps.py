from django.apps import AppConfig


class IocConfig(AppConfig):
    name = "dieuhanh.ioc"
    verbose_name = "Trung tâm điều hành thông minh"
