from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class DossiersConfig(platform.PlatformApp):
    name = "dieuhanh.dossiers"
    verbose_name = _("Thủ tục hành chính một cửa")
    menu = (platform.MenuItem(_("Một cửa"), "dossier_list", 70, ("dossiers", "view"), ("dossier_", "procedure_")),)
    urls = (("", "dieuhanh.dossiers.urls"),)
    ioc_sections = ("dieuhanh.dossiers.ioc.SECTION",)
    public_lookups = ("dieuhanh.dossiers.public.find",)
    home_panels = (platform.HomePanel("dossiers", 30, "dieuhanh.dossiers.home.panel", "dossiers/_home_panel.html",
                                      ("dossiers", "view")),)
    demo = (platform.DemoStep("Thủ tục hành chính, hồ sơ một cửa", "dieuhanh.dossiers.demo.step", 30, "dossiers",
                              (("procedures", "Thủ tục hành chính"), ("dossiers", "Hồ sơ một cửa (nhập)"),
                               ("native", "Hồ sơ một cửa (tiếp nhận trên hệ thống)"), ("late_now", "Hồ sơ đang quá hạn"))),)
    api = (platform.ApiRouter("/v1/dossiers", "dieuhanh.dossiers.api.dossiers_router", "Hồ sơ thủ tục hành chính"),)

    def ready(self) -> None:
        from dieuhanh.core import audit
        from dieuhanh.core.audit_words import label_keys
        from dieuhanh.dossiers.choices import AUDIT_VERBS

        audit.register_verbs(AUDIT_VERBS, object_type="dossiers.dossier")
        label_keys("dossiers.importjob", {
            "file": "Tệp", "sha256": "Mã băm SHA-256", "rows": "Số dòng", "created": "Thêm mới", "updated": "Cập nhật",
            "unchanged": "Không đổi", "bad": "Dòng lỗi", "seconds": "Thời gian (giây)",
        })
