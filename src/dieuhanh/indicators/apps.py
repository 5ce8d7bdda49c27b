from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class IndicatorsConfig(platform.PlatformApp):
    name = "dieuhanh.indicators"
    verbose_name = gettext_lazy("Chỉ tiêu kinh tế - xã hội")
    menu = (platform.MenuItem(_("Chỉ tiêu"), "indicator_list", 75, ("indicators", "view"), ("indicator_",)),)
    urls = (("", "dieuhanh.indicators.urls"),)
    ioc_sections = ("dieuhanh.indicators.ioc.SECTION",)
    papers = ("dieuhanh.indicators.papers.SOCIO_ECONOMIC_REPORT",)
    demo = (platform.DemoStep("Chỉ tiêu kinh tế - xã hội", "dieuhanh.indicators.demo.step", 40, "indicators"),)
    api = (platform.ApiRouter("/v1/indicators", "dieuhanh.indicators.api.indicators_router", "Chỉ tiêu"),)

    def ready(self) -> None:
        from dieuhanh.indicators import derived

        derived.discover()
