from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class ReportingConfig(platform.PlatformApp):
    """Committee members (cấp uỷ viên) who follow an area or a field, and their weekly and monthly
    reports to the committee (docs/decisions/0029)."""

    name = "dieuhanh.reporting"
    verbose_name = gettext_lazy("Báo cáo của cấp uỷ viên")
    menu = (
        platform.MenuItem(_("Báo cáo cấp uỷ viên"), "reporting:overview", 45, ("reporting", "view"), ("reporting:",)),
    )
    urls = (("bao-cao-dinh-ky/", "dieuhanh.reporting.urls"),)
    api = (platform.ApiRouter("/v1/member-reports", "dieuhanh.reporting.api.router", "Báo cáo của cấp uỷ viên"),)
    # The member's own panel on the dashboard (shown only to someone who follows an area or field).
    home_panels = (platform.HomePanel("member_reports", 15, "dieuhanh.reporting.home.panel", "reporting/_home_panel.html"),)
    demo = (platform.DemoStep(
        "Báo cáo của cấp uỷ viên", "dieuhanh.reporting.demo.step", 35, "member_reports",
        (("assignments", "Phân công theo dõi địa bàn, lĩnh vực"), ("reports", "Báo cáo của cấp uỷ viên"),
         ("waiting", "Kiến nghị chờ lãnh đạo cho ý kiến")),
        logins=("capuy",),
    ),)
