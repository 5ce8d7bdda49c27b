from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class DossiersConfig(platform.PlatformApp):
    name = "dieuhanh.dossiers"
    verbose_name = _("Thủ tục hành chính một cửa")
    menu = (platform.MenuItem(_("Một cửa"), "dossier_list", 70, ("dossiers", "view"), ("dossier_", "procedure_")),)
    urls = (("", "dieuhanh.dossiers.urls"),)
    ioc_sections = ("dieuhanh.dossiers.ioc.SECTION",)
    papers = ("dieuhanh.dossiers.papers.RECEIPT", "dieuhanh.dossiers.papers.APOLOGY")
    reminders = ("dieuhanh.dossiers.reminders.due_soon", "dieuhanh.dossiers.reminders.apology")
    public_lookups = ("dieuhanh.dossiers.public.find",)
    home_panels = (platform.HomePanel("dossiers", 30, "dieuhanh.dossiers.home.panel", "dossiers/_home_panel.html",
                                      ("dossiers", "view")),)
    demo = (platform.DemoStep("Thủ tục hành chính, hồ sơ một cửa", "dieuhanh.dossiers.demo.step", 30, "dossiers",
                              (("procedures", "Thủ tục hành chính"), ("dossiers", "Hồ sơ một cửa (nhập)"),
                               ("native", "Hồ sơ một cửa (tiếp nhận trên hệ thống)"), ("late_now", "Hồ sơ đang quá hạn"))),)
    api = (platform.ApiRouter("/v1/dossiers", "dieuhanh.dossiers.api.dossiers_router", "Hồ sơ thủ tục hành chính"),)
    # Every hour: imports whose run stopped are recorded as interrupted (jobs.refresh_stale).
    periodic = (platform.PeriodicJob("dossiers.import_stale", "dieuhanh.dossiers.jobs.sweep_stale", "hour"),)
    # When a server process starts: what a killed bulk import left aside (indexes, the tally's
    # triggers) is built again, and imports whose process stopped are recorded as interrupted.
    on_start = ("dieuhanh.dossiers.jobs.on_start",)
    # Uploaded import files and their error files (DATA_DIR/imports/<job id>/): a backup carries them.
    backup_dirs = ("imports",)

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy, pgettext_lazy

        from dieuhanh.core import audit
        from dieuhanh.core.audit_words import label_keys
        from dieuhanh.dossiers.choices import AUDIT_VERBS

        audit.register_verbs(AUDIT_VERBS, object_type="dossiers.dossier")
        label_keys("dossiers.importjob", {
            "file": gettext_lazy("Tệp"), "sha256": gettext_lazy("Mã băm SHA-256"), "rows": gettext_lazy("Số dòng"), "created": gettext_lazy("Thêm mới"), "updated": pgettext_lazy("số dòng nhập đã cập nhật", "Cập nhật"),
            "unchanged": gettext_lazy("Không đổi"), "bad": gettext_lazy("Dòng lỗi"), "seconds": gettext_lazy("Thời gian (giây)"),
        })
