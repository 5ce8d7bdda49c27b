from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dieuhanh.indicators"
    verbose_name = "Chỉ tiêu kinh tế - xã hội"
