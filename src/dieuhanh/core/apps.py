from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dieuhanh.core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from dieuhanh.core.calendar import load_announced_schedule_after_migrate
        from dieuhanh.core.legal_rules import sync_rules_after_migrate

        post_migrate.connect(sync_rules_after_migrate, sender=self)
        post_migrate.connect(load_announced_schedule_after_migrate, sender=self)
