from django.db import models


class DocumentKind(models.TextChoices):
    """Abbreviations of Decree 30/2020/NĐ-CP (Appendix III) and Hướng dẫn 36-HD/VPTW."""

    RESOLUTION = "NQ", "Nghị quyết"
    CONCLUSION = "KL", "Kết luận"
    DIRECTIVE = "CT", "Chỉ thị"
    DECISION = "QĐ", "Quyết định"
    PROGRAMME = "CTr", "Chương trình"
    PLAN = "KH", "Kế hoạch"
    PROJECT = "ĐA", "Đề án"
    NOTICE = "TB", "Thông báo"
    REPORT = "BC", "Báo cáo"
    MINUTES = "BB", "Biên bản"
    GUIDANCE = "HD", "Hướng dẫn"
    REGULATION = "QĐi", "Quy định"
    OFFICIAL_LETTER = "CV", "Công văn"


class DocumentSystem(models.TextChoices):
    """Which numbering form the document uses."""

    STATE = "state", "Văn bản hành chính nhà nước (Số: 15/QĐ-UBND)"
    PARTY = "party", "Văn bản của Đảng (Số 12-NQ/TU)"


class TaskStatus(models.TextChoices):
    """Derived from dates and reports, never typed in."""

    ON_TRACK = "on_track", "Đang thực hiện"
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"
    DONE_ON_TIME = "done_on_time", "Hoàn thành đúng hạn"
    DONE_LATE = "done_late", "Hoàn thành quá hạn"
    CANCELLED = "cancelled", "Đã huỷ"


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
    WEEKLY = "weekly", "Báo cáo tuần"
    MONTHLY = "monthly", "Báo cáo tháng"
    URGENT = "urgent", "Báo cáo đột xuất"


class AdjustedField(models.TextChoices):
    DUE_DATE = "due_date", "Thời hạn"
    EXPECTED_RESULT = "expected_result", "Kết quả cần đạt"
    LEAD_UNIT = "lead_unit", "Đơn vị chủ trì"
    LEAD_PERSON = "lead_person", "Người chủ trì"
    ACCOUNTABLE_PERSON = "accountable_person", "Lãnh đạo chịu trách nhiệm"
    BUDGET = "budget_vnd", "Kinh phí"


class Evaluation(models.TextChoices):
    """Levels of Quy định 366-QĐ/TW (2025), used for a task's evaluation at close."""

    EXCELLENT = "excellent", "Hoàn thành xuất sắc"
    GOOD = "good", "Hoàn thành tốt"
    FULFILLED = "fulfilled", "Hoàn thành"
    NOT_FULFILLED = "not_fulfilled", "Không hoàn thành"
