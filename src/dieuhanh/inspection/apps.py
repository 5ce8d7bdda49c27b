from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform

APP = "dieuhanh.inspection."


class InspectionConfig(platform.PlatformApp):
    name = "dieuhanh.inspection"
    verbose_name = gettext_lazy("Kiểm tra, giám sát và kỷ luật đảng")
    # One entry: the commission and the board land on the files, those who read only the figures
    # (the office, the administrator) on the figures (views.home).
    menu = (
        platform.MenuItem(_("Kiểm tra, giám sát"), "inspection:home", 55, ("inspection", "count"), ("inspection:",)),
    )
    urls = (("kiem-tra/", APP + "urls"),)
    api = (
        platform.ApiRouter("/v1/party-inspections", APP + "api.inspections", "Kiểm tra, giám sát, kỷ luật"),
        platform.ApiRouter("/v1/disciplines", APP + "api.disciplines", "Kiểm tra, giám sát, kỷ luật"),
        platform.ApiRouter("/v1/discipline-appeals", APP + "api.appeals", "Kiểm tra, giám sát, kỷ luật"),
        platform.ApiRouter("/v1/self-criticism-reviews", APP + "api.reviews", "Kiểm tra, giám sát, kỷ luật"),
        platform.ApiRouter("/v1/inspection-figures", APP + "api.figures", "Kiểm tra, giám sát, kỷ luật"),
    )
    ioc_sections = (APP + "ioc.SECTION",)
    papers = (APP + "papers.DECISION", APP + "papers.CONCLUSION_NOTICE", APP + "papers.DISCIPLINE_DECISION")
    two_factor_roles = ("inspector", "leader")
    reminders = (APP + "reminders.due", APP + "reminders.overdue")
    home_panels = (platform.HomePanel("inspection", 25, APP + "home.panel", "inspection/_home_panel.html",
                                      ("inspection", "view")),)
    demo = (platform.DemoStep(
        "Kiểm tra, giám sát, kỷ luật", APP + "demo.step", 60, "inspection",
        (("programmes", "Chương trình kiểm tra, giám sát"), ("inspections", "Cuộc kiểm tra, giám sát"),
         ("disciplines", "Vụ việc kỷ luật"), ("appeals", "Khiếu nại kỷ luật"), ("reviews", "Gợi ý kiểm điểm"),
         ("reported", "Số liệu đã báo cáo")),
    ),)

    def ready(self) -> None:
        from dieuhanh.core import audit
        from dieuhanh.inspection.choices import Verb

        for model in ("inspection", "discipline", "appeal", "review", "programme", "planneditem", "reportedfigure"):
            audit.register_verbs(Verb.choices, object_type=f"inspection.{model}")
