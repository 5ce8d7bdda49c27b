from django.utils.translation import gettext_lazy

from dieuhanh.core import platform


class NotificationsConfig(platform.PlatformApp):
    """Notifications of the platform: what reaches a person (in the app, by e-mail, by SMS to a
    citizen). Every app sends through `notifications.services.notify`."""

    name = "dieuhanh.notifications"
    verbose_name = gettext_lazy("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"
