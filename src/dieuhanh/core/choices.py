from django.db import models


class DayKind(models.TextChoices):
    """The unit of a legal rule's number. A period counts calendar or working days (Civil Code
    91/2015/QH13, Art 147); the other units are limits that are not periods: how many times
    something may be done, how many people make a group, the hour of a day's cut-off."""

    CALENDAR = "calendar", "ngày"
    WORKING = "working", "ngày làm việc"
    TIMES = "times", "lần"
    PERSONS = "persons", "người"
    HOUR = "hour", "giờ"


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ được công bố"
    WORKING_DAY = "working_day", "Ngày làm việc được công bố"


class AuditAction(models.TextChoices):
    """The verbs every app may write to the audit log. An app with verbs of its own (a
    petition's "accept", a dossier's "apology") declares them in its AppConfig.ready() with
    `audit.register_verbs`; the column holds the word, so a new verb needs no migration."""

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
    IMPORT = "import", "Nhập dữ liệu từ tệp"
