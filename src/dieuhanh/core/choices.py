from django.db import models
from django.utils.translation import gettext_lazy


class DayKind(models.TextChoices):
    """The unit of a legal rule's number. A period counts calendar or working days, months or
    years (Civil Code 91/2015/QH13, Art 145–148: a period of months or years ends on the
    corresponding day of its last month, or that month's last day when it has none); the other
    units are limits that are not periods: how many times something may be done, how many people
    make a group, the hour of a day's cut-off."""

    CALENDAR = "calendar", gettext_lazy("ngày")
    WORKING = "working", gettext_lazy("ngày làm việc")
    MONTH = "month", gettext_lazy("tháng")
    YEAR = "year", gettext_lazy("năm")
    TIMES = "times", gettext_lazy("lần")
    PERSONS = "persons", gettext_lazy("người")
    HOUR = "hour", gettext_lazy("giờ")


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", gettext_lazy("Ngày nghỉ được công bố")
    WORKING_DAY = "working_day", gettext_lazy("Ngày làm việc được công bố")


class AuditAction(models.TextChoices):
    """The verbs every app may write to the audit log. An app with verbs of its own (a
    petition's "accept", a dossier's "apology") declares them in its AppConfig.ready() with
    `audit.register_verbs`; the column holds the word, so a new verb needs no migration."""

    CREATE = "create", gettext_lazy("Tạo")
    UPDATE = "update", gettext_lazy("Cập nhật")
    DELETE = "delete", gettext_lazy("Xoá")
    REPORT = "report", gettext_lazy("Báo cáo tiến độ")
    ADJUST = "adjust", gettext_lazy("Điều chỉnh")
    CLOSE = "close", gettext_lazy("Kết thúc, đánh giá")
    CANCEL = "cancel", gettext_lazy("Huỷ")
    ACKNOWLEDGE = "acknowledge", gettext_lazy("Lãnh đạo tiếp nhận")
    GRANT = "grant", gettext_lazy("Phân quyền")
    TOKEN = "token", gettext_lazy("Cấp mã truy cập API")
    LOAD = "load", gettext_lazy("Nạp dữ liệu")
    IMPORT = "import", gettext_lazy("Nhập dữ liệu từ tệp")


class TwoFactorAction(models.TextChoices):
    """The audit verbs of two-factor sign-in (core/twofactor.py), on the user concerned."""

    ENROL = "otp_enrol", gettext_lazy("Đăng ký xác thực hai bước")
    CODES = "otp_codes", gettext_lazy("Tạo mã khôi phục mới")
    RECOVERY = "otp_recovery", gettext_lazy("Đăng nhập bằng mã khôi phục")
    FAILED = "otp_failed", gettext_lazy("Nhập sai mã xác thực")
    REMOVE = "otp_remove", gettext_lazy("Gỡ xác thực hai bước")
    RESET = "otp_reset", gettext_lazy("Quản trị đặt lại xác thực hai bước")
