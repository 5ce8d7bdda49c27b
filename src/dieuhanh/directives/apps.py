from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class DirectivesConfig(platform.PlatformApp):
    name = "dieuhanh.directives"
    verbose_name = gettext_lazy("Văn bản chỉ đạo và nhiệm vụ")
    menu = (
        platform.MenuItem(_("Nhiệm vụ"), "directives:task_list", 30, active=("task_",)),
        platform.MenuItem(_("Văn bản"), "directives:document_list", 40, active=("document_",)),
        platform.MenuItem(_("Cuộc họp"), "directives:meeting_list", 50, active=("meeting_",)),
    )
    # Once a day, the tasks whose latest weekly or monthly report day passed without a report
    # are flagged to their unit (directives/cycle.py; once per task and period).
    periodic = (platform.PeriodicJob("directives.report_missing", "dieuhanh.directives.cycle.flag_missing_reports", "day", "07:00"),)
    urls = (("", "dieuhanh.directives.urls"),)
    ioc_sections = ("dieuhanh.directives.ioc.SECTION",)
    papers = ("dieuhanh.directives.papers.CONCLUSION_NOTICE", "dieuhanh.directives.papers.TASK_REPORT")
    reminders = (
        "dieuhanh.directives.reminders.task_due_soon", "dieuhanh.directives.reminders.milestone_due_soon",
        "dieuhanh.directives.reminders.task_overdue", "dieuhanh.directives.reminders.report_waiting",
    )
    home_panels = (
        platform.HomePanel("tasks", 10, "dieuhanh.directives.home.panel", "directives/_home_summary.html"),
        platform.HomePanel("task_lists", 90, "dieuhanh.directives.home.panel", "directives/_home_lists.html"),
    )
    demo = (platform.DemoStep(
        "Văn bản, nhiệm vụ", "dieuhanh.directives.demo.step", 10, "work",
        (("documents", "Văn bản"), ("meetings", "Cuộc họp"), ("tasks", "Nhiệm vụ"), ("reports", "Báo cáo tiến độ"),
         ("adjustments", "Điều chỉnh"), ("waiting_for_leader", "Đề xuất vượt thẩm quyền chờ ý kiến"),
         ("status_overdue", "Nhiệm vụ — quá hạn"), ("status_due_soon", "Nhiệm vụ — sắp đến hạn"),
         ("status_on_track", "Nhiệm vụ — đang thực hiện"), ("status_done_on_time", "Nhiệm vụ — hoàn thành đúng hạn"),
         ("status_done_late", "Nhiệm vụ — hoàn thành quá hạn"), ("status_cancelled", "Nhiệm vụ — đã huỷ"),
         ("cadence_weekly", "Nhiệm vụ báo cáo hằng tuần"), ("cadence_monthly", "Nhiệm vụ báo cáo hằng tháng"),
         ("missing_report", "Nhiệm vụ chưa báo cáo kỳ này")),
    ),)
    api = (
        platform.ApiRouter("/v1/tasks", "dieuhanh.directives.api.tasks_router", "Nhiệm vụ"),
        platform.ApiRouter("/v1/documents", "dieuhanh.directives.api.documents_router", "Văn bản"),
    )

    def ready(self) -> None:
        from dieuhanh.core import generations
        from dieuhanh.core.audit_words import label_keys

        # What the task list's filter bar offers (directives/forms.py `_TASK_OPTIONS`): who leads
        # a task and where, not its progress; every change of the documents.
        generations.watch("task-assignment", "directives_task",
                          columns=("lead_unit_id", "lead_person_id", "accountable_person_id"))
        generations.watch("task-assignment", "directives_task_coordinating_units")
        generations.watch("documents", "directives_document")

        label_keys("directives.task", {
            "coordinating_units": (gettext_lazy("Đơn vị phối hợp"), "org.adminunit"),
            "milestones": gettext_lazy("Mốc tiến độ"),
            "report": (pgettext_lazy("một báo cáo, danh từ", "Báo cáo tiến độ"), "directives.progressreport"),
            "deciding_document": (gettext_lazy("Văn bản quyết định"), "directives.document"),
            "reason": gettext_lazy("Lý do"),
        })
