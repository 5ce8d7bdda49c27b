from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform
from dieuhanh.org.choices import Role

if TYPE_CHECKING:
    from dieuhanh.org.models import User


class CoreConfig(platform.PlatformApp):
    name = "dieuhanh.core"
    verbose_name = gettext_lazy("Nền tảng")
    menu = (
        platform.MenuItem(_("Tổng quan"), "home", 10),
        platform.MenuItem(_("Lịch làm việc"), "calendar", 80, active=("calendar", "calendar_")),
        platform.MenuItem(_("Nhật ký"), "audit_log", 90, permission=("core", "audit")),
    )
    # The citizen's lookup by code serves every app's `public_lookups` (core.lookup).
    public_menu = (platform.MenuItem(_("Tra cứu kết quả"), "public_lookup", 20),)
    urls = (("", "dieuhanh.core.urls"),)
    # The units API of `org`, the layer below core (which declares nothing to the platform).
    backup_dirs = ("media",)  # settings.MEDIA_ROOT
    api = (platform.ApiRouter("/v1/units", "dieuhanh.org.api.units_router", "Đơn vị hành chính"),
           platform.ApiRouter("/v1/papers", "dieuhanh.core.papers.api.router", "Văn bản theo thể thức"))
    # Leaders see and direct everything of their units; administrators grant roles and hold every
    # permission. Either's password alone must not open the system (docs/decisions/0032).
    two_factor_roles = (Role.LEADER, Role.ADMIN)

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from dieuhanh.core import audit, checks, registry  # noqa: F401  (checks registers itself)
        from dieuhanh.core.calendar import load_announced_schedule_after_migrate
        from dieuhanh.core.choices import AuditAction, TwoFactorAction
        from dieuhanh.core.legal_rules import sync_rules_after_migrate

        audit.register_verbs(AuditAction.choices)
        audit.register_verbs(TwoFactorAction.choices, object_type="org.user")
        registry.discover()
        from django.contrib.auth.signals import user_logged_in

        from dieuhanh.core.middleware import IdleTimeoutMiddleware

        user_logged_in.connect(IdleTimeoutMiddleware.signed_in, dispatch_uid="dieuhanh-idle-signed-in")
        _label_audit_keys()

        from dieuhanh.org.loaders import units_loaded

        units_loaded.connect(record_unit_load, dispatch_uid="core.record_unit_load")
        _forget_on_change()
        from dieuhanh.core.signin import watch_users

        watch_users()  # the signed-in user kept per process (core/signin.py)
        post_migrate.connect(sync_rules_after_migrate, sender=self)
        post_migrate.connect(load_announced_schedule_after_migrate, sender=self)
        post_migrate.connect(create_cache_table_after_migrate, sender=self)
        from dieuhanh.core.generations import install_after_migrate

        # after every migrate: a migration that rebuilds a table on SQLite drops its triggers
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="core.generations_after_migrate")
        from dieuhanh.core.backup import scheduled_jobs
        from dieuhanh.core.fieldkeys import ensure_after_migrate

        # The daily backup, when DIEUHANH_BACKUP_DIR turns it on (decision 0031); the batches of
        # formal documents past their week removed (core/papers/batch.py).
        CoreConfig.periodic = (*scheduled_jobs(), platform.PeriodicJob(
            "core.paper_batches", "dieuhanh.core.papers.batch.expire", "day", "03:30"))

        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="core.field_keys_after_migrate")


def _label_audit_keys() -> None:
    """The audit keys of core's own events, and of org's (the layer below), that are no field."""
    from dieuhanh.core.audit_words import label_keys

    label_keys("org.adminunit", {
        "units_created": gettext_lazy("Đơn vị thêm mới"), "units_updated": gettext_lazy("Đơn vị cập nhật"), "units_unchanged": gettext_lazy("Đơn vị không đổi"),
        "successions_created": gettext_lazy("Kế thừa thêm mới"), "successions_updated": gettext_lazy("Kế thừa cập nhật"),
        "successions_removed": gettext_lazy("Kế thừa bỏ đi"), "by_level": gettext_lazy("Theo cấp"),
    })
    label_keys("core.apitoken", {"user": (gettext_lazy("Người dùng"), "org.user"), "name": gettext_lazy("Tên mã"), "prefix": gettext_lazy("Tiền tố")})


def record_unit_load(*, actor: User | None, description: str, counts: dict[str, int], **kwargs: Any) -> None:
    """A load of administrative units that changed them goes into the audit log."""
    from dieuhanh.core import audit

    audit.record(actor=actor, action="load", object_type="org.adminunit", object_repr=description, after=counts)


def create_cache_table_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (settings.CACHES) is no model, so no migration makes it; every
    migrate does (`dieuhanh migrate`, manage.py migrate, test databases). Nothing if it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def _forget_on_change() -> None:
    """A save or delete of a watched row (a unit, a succession, an announced day, a role grant,
    an authenticator, whatever an app watches) forgets the stamps the request read
    (core.generations): a reading request that writes one reads them again."""
    from django.db.models.signals import post_delete, post_save

    from dieuhanh.core import generations

    for signal in (post_save, post_delete):
        signal.connect(generations.forget_if_watched, dispatch_uid=f"core.generations-{signal is post_save}")
