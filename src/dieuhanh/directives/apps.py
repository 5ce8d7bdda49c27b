from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "dieuhanh.directives"
    verbose_name = "Văn bản chỉ đạo và nhiệm vụ"
