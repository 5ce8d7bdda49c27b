from django.utils.translation import gettext_lazy

from dieuhanh.core import platform


class NotificationsConfig(platform.PlatformApp):
    """Notifications of the platform: what reaches a person (in the app, by e-mail, by SMS to a
    citizen), and what citizens say back (their satisfaction ratings). Every app sends through
    `notifications.services.notify`, citizens hear back through `notifications.citizens`; the centre is
    /thong-bao/, its unread count sits in the header of every page (`header`), and the daily
    digest (`digest.send_all`) gathers each app's figures from its `digest.py`."""

    name = "dieuhanh.notifications"
    verbose_name = gettext_lazy("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"
    # The centre at /thong-bao/; the citizen's rating beside the public lookup (/tra-cuu/danh-gia/).
    urls = (("thong-bao/", "dieuhanh.notifications.urls"), ("", "dieuhanh.notifications.public_urls"))
    api = (platform.ApiRouter("/v1/notifications", "dieuhanh.notifications.api.router", "Thông báo"),)
    header = ("notifications/_header_badge.html",)
    # The daily reminder sweep (reminders.py) before the working day starts, then the digest.
    periodic = (
        platform.PeriodicJob("notifications.reminders", "dieuhanh.notifications.reminders.daily", every="day", at="06:00"),
        platform.PeriodicJob("notifications.digest", "dieuhanh.notifications.digest.send_all", every="day", at="06:30"),
    )

    def ready(self) -> None:
        from dieuhanh.core import audit, generations
        from dieuhanh.notifications.choices import Action
        from dieuhanh.notifications.ratings import RATE_VERB

        audit.register_verbs(Action.choices, object_type="notifications.preference")
        # the header's unread count is kept per user until a notification is written or read
        generations.watch("notifications", "notifications_notification")
        for object_type in ("petitions.petition", "dossiers.dossier"):
            audit.register_verbs([(RATE_VERB, gettext_lazy("Công dân đánh giá mức độ hài lòng"))], object_type=object_type)
