from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class IocConfig(platform.PlatformApp):
    name = "dieuhanh.ioc"
    verbose_name = gettext_lazy("Trung tâm điều hành thông minh")
    menu = (platform.MenuItem(_("Điều hành"), "ioc_overview", 20, ("ioc", "view"), ("ioc_overview", "ioc_unit")),)
    urls = (("", "dieuhanh.ioc.urls"),)
    api = (platform.ApiRouter("/v1/ioc", "dieuhanh.ioc.api.ioc_router", "Trung tâm điều hành"),)

    def ready(self) -> None:
        super().ready()
        from dieuhanh.core import figurecache
        from dieuhanh.core.platform import platform_apps

        # The overview's figures count these apps' rows: a change to one is a change of them.
        figurecache.watch(app.label for app in platform_apps() if app.ioc_sections)
