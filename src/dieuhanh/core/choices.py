from django.db import models


class DayKind(models.TextChoices):
    """How a legal period counts (Civil Code 91/2015/QH13, Art 147)."""

    CALENDAR = "calendar", "ngày"
    WORKING = "working", "ngày làm việc"


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ được công bố"
    WORKING_DAY = "working_day", "Ngày làm bù"


class AuditAction(models.TextChoices):
    CREATE = "create", "Tạo"
    UPDATE = "update", "Cập nhật"
    DELETE = "delete", "Xoá"
    REPORT = "report", "Báo cáo tiến độ"
    ADJUST = "adjust", "Điều chỉnh"
    CLOSE = "close", "Kết thúc, đánh giá"
    CANCEL = "cancel", "Huỷ"
    ACKNOWLEDGE = "acknowledge", "Lãnh đạo tiếp nhận"
    GRANT = "grant", "Phân quyền"
    TOKEN = "token", "Cấp mã truy cập API"
    LOAD = "load", "Nạp dữ liệu"
