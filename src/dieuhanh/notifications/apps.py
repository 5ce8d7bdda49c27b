from django.utils.translation import gettext_lazy

from dieuhanh.core import platform


class NotificationsConfig(platform.PlatformApp):
    """Notifications of the platform: what reaches a person (in the app, by e-mail, by SMS to a
    citizen). Every app sends through `notifications.services.notify`; the centre is
    /thong-bao/, its unread count sits in the header of every page (`header`), and the daily
    digest (`digest.send_all`) gathers each app's figures from its `digest.py`."""

    name = "dieuhanh.notifications"
    verbose_name = gettext_lazy("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"
    urls = (("thong-bao/", "dieuhanh.notifications.urls"),)
    api = (platform.ApiRouter("/v1/notifications", "dieuhanh.notifications.api.router", "Thông báo"),)
    header = ("notifications/_header_badge.html",)
    periodic = (platform.PeriodicJob("notifications.digest", "dieuhanh.notifications.digest.send_all", every="day", at="06:30"),)

    def ready(self) -> None:
        from dieuhanh.core import audit
        from dieuhanh.notifications.choices import Action

        audit.register_verbs(Action.choices, object_type="notifications.preference")
