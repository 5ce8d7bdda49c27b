from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dieuhanh.dossiers"
    verbose_name = "Thủ tục hành chính một cửa"
