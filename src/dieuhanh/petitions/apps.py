from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "dieuhanh.petitions"
    verbose_name = "Tiếp công dân và xử lý đơn"
