"""Choices of the one-stop module. Values are short ASCII codes (they are stored a million times
and travel in API payloads); labels are the Vietnamese words of the one-stop systems."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Level of the body that decides the procedure (2025 reform: no district level)."""

    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class OnlineType(models.TextChoices):
    """Online public service type (Decree 42/2022/NĐ-CP)."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không cung cấp trực tuyến")


class Channel(models.TextChoices):
    DESK = "desk", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Bưu chính công ích")


class Status(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    DONE = "done", _("Đã có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")


OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT)
FINISHED_STATUSES = (Status.DONE, Status.RETURNED, Status.REFUSED)


class Timeliness(models.TextChoices):
    """Class of a dossier that has a result, against its appointment date (Decree 118/2025)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("Tại Bộ phận Một cửa")
    POST = "post", _("Qua bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class Source(models.TextChoices):
    NATIVE = "native", _("Tiếp nhận trên Điều Hành")
    IMPORT = "import", _("Nhập từ hệ thống một cửa")


class StepState(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    DONE = "done", _("Đã xong")


class EventKind(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    START = "start", _("Chuyển xử lý")
    TRANSFER = "transfer", _("Chuyển liên thông")
    STEP_DONE = "step_done", _("Cơ quan liên thông trả kết quả")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENTED = "supplemented", _("Công dân bổ sung hồ sơ")
    APOLOGY = "apology", _("Văn bản xin lỗi, hẹn lại")
    RESULT = "result", _("Có kết quả")
    REFUSE = "refuse", _("Từ chối giải quyết")
    RETURN = "return", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    IMPORT = "import", _("Cập nhật từ tệp nhập")


# The audit log's verbs for a dossier's events (`services.AUDIT_ACTIONS` maps each EventKind to
# one), declared in DossiersConfig.ready().
AUDIT_VERBS = (
    ("receive", _("Tiếp nhận hồ sơ")),
    ("transfer", _("Chuyển xử lý, liên thông")),
    ("step_done", _("Cơ quan liên thông trả kết quả")),
    ("request_supplement", _("Yêu cầu bổ sung hồ sơ")),
    ("supplemented", _("Nhận hồ sơ bổ sung")),
    ("apology", _("Văn bản xin lỗi, hẹn lại")),
    ("result", _("Có kết quả giải quyết")),
    ("refuse", _("Từ chối giải quyết")),
    ("return_result", _("Trả kết quả")),
    ("withdraw", _("Rút hồ sơ")),
)


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi, dừng lại")
    INTERRUPTED = "interrupted", _("Bị ngắt, chạy lại để hoàn tất")
    REFUSED = "refused", _("Không nhập được tệp")  # the file itself cannot be read: running it again changes nothing


class JobKind(models.TextChoices):
    DOSSIERS = "dossiers", _("Hồ sơ thủ tục hành chính")
    PROCEDURES = "procedures", _("Danh mục thủ tục hành chính")
