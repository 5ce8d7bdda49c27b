from django.db import models
from django.utils.translation import gettext_lazy


class DocumentKind(models.TextChoices):
    """Abbreviations of Decree 30/2020/NĐ-CP (Appendix III) and Hướng dẫn 36-HD/VPTW."""

    RESOLUTION = "NQ", gettext_lazy("Nghị quyết")
    CONCLUSION = "KL", gettext_lazy("Kết luận")
    DIRECTIVE = "CT", gettext_lazy("Chỉ thị")
    DECISION = "QĐ", gettext_lazy("Quyết định")
    PROGRAMME = "CTr", gettext_lazy("Chương trình")
    PLAN = "KH", gettext_lazy("Kế hoạch")
    PROJECT = "ĐA", gettext_lazy("Đề án")
    NOTICE = "TB", gettext_lazy("Thông báo")
    REPORT = "BC", gettext_lazy("Báo cáo")
    MINUTES = "BB", gettext_lazy("Biên bản")
    GUIDANCE = "HD", gettext_lazy("Hướng dẫn")
    REGULATION = "QĐi", gettext_lazy("Quy định")
    OFFICIAL_LETTER = "CV", gettext_lazy("Công văn")


class DocumentSystem(models.TextChoices):
    """Which numbering form the document uses."""

    STATE = "state", gettext_lazy("Văn bản hành chính nhà nước (Số: 15/QĐ-UBND)")
    PARTY = "party", gettext_lazy("Văn bản của Đảng (Số 12-NQ/TU)")


class TaskStatus(models.TextChoices):
    """Derived from dates and reports, never typed in."""

    ON_TRACK = "on_track", gettext_lazy("Đang thực hiện")
    DUE_SOON = "due_soon", gettext_lazy("Sắp đến hạn")
    OVERDUE = "overdue", gettext_lazy("Quá hạn")
    DONE_ON_TIME = "done_on_time", gettext_lazy("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", gettext_lazy("Hoàn thành quá hạn")
    CANCELLED = "cancelled", gettext_lazy("Đã huỷ")


# The order the dashboard, the IOC and the lists show the statuses in: what needs chasing first.
STATUS_ORDER = (
    TaskStatus.OVERDUE,
    TaskStatus.DUE_SOON,
    TaskStatus.ON_TRACK,
    TaskStatus.DONE_ON_TIME,
    TaskStatus.DONE_LATE,
    TaskStatus.CANCELLED,
)


class ReportPeriod(models.TextChoices):
    WEEKLY = "weekly", gettext_lazy("Báo cáo tuần")
    MONTHLY = "monthly", gettext_lazy("Báo cáo tháng")
    URGENT = "urgent", gettext_lazy("Báo cáo đột xuất")


class ReportCadence(models.TextChoices):
    """How often a task's lead unit owes a progress report (directives/cycle.py, data/report_cycle.yaml)."""

    WEEKLY = "weekly", gettext_lazy("Hằng tuần")
    MONTHLY = "monthly", gettext_lazy("Hằng tháng")
    NONE = "none", gettext_lazy("Không định kỳ")


class AdjustedField(models.TextChoices):
    DUE_DATE = "due_date", gettext_lazy("Thời hạn")
    EXPECTED_RESULT = "expected_result", gettext_lazy("Kết quả cần đạt")
    LEAD_UNIT = "lead_unit", gettext_lazy("Đơn vị chủ trì")
    LEAD_PERSON = "lead_person", gettext_lazy("Người chủ trì")
    ACCOUNTABLE_PERSON = "accountable_person", gettext_lazy("Lãnh đạo chịu trách nhiệm")
    BUDGET = "budget_vnd", gettext_lazy("Kinh phí")


class Evaluation(models.TextChoices):
    """Levels of Quy định 366-QĐ/TW (2025), used for a task's evaluation at close."""

    EXCELLENT = "excellent", gettext_lazy("Hoàn thành xuất sắc")
    GOOD = "good", gettext_lazy("Hoàn thành tốt")
    FULFILLED = "fulfilled", gettext_lazy("Hoàn thành")
    NOT_FULFILLED = "not_fulfilled", gettext_lazy("Không hoàn thành")
