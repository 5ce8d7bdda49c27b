from typing import Any

from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class CoreConfig(platform.PlatformApp):
    name = "dieuhanh.core"
    verbose_name = "Nền tảng"
    menu = (
        platform.MenuItem(_("Tổng quan"), "home", 10),
        platform.MenuItem(_("Lịch làm việc"), "calendar", 80, active=("calendar", "calendar_")),
        platform.MenuItem(_("Nhật ký"), "audit_log", 90, permission=("core", "audit")),
    )
    urls = (("", "dieuhanh.core.urls"),)

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from dieuhanh.core import audit, checks, registry  # noqa: F401  (checks registers itself)
        from dieuhanh.core.calendar import load_announced_schedule_after_migrate
        from dieuhanh.core.choices import AuditAction
        from dieuhanh.core.legal_rules import sync_rules_after_migrate

        audit.register_verbs(AuditAction.choices)
        registry.discover()

        post_migrate.connect(sync_rules_after_migrate, sender=self)
        post_migrate.connect(load_announced_schedule_after_migrate, sender=self)
        post_migrate.connect(create_cache_table_after_migrate, sender=self)


def create_cache_table_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (settings.CACHES) is no model, so no migration makes it; every
    migrate does (`dieuhanh migrate`, manage.py migrate, test databases). Nothing if it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
