"""Choices of the one-stop module. Values are short ASCII codes (they are stored a million times
and travel in API payloads); labels are the Vietnamese words of the one-stop systems."""

from django.db import models


class Level(models.TextChoices):
    """Level of the body that decides the procedure (2025 reform: no district level)."""

    PROVINCE = "province", "Cấp tỉnh"
    COMMUNE = "commune", "Cấp xã"


class OnlineType(models.TextChoices):
    """Online public service type (Decree 42/2022/NĐ-CP)."""

    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không cung cấp trực tuyến"


class Channel(models.TextChoices):
    DESK = "desk", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POST = "post", "Bưu chính công ích"


class Status(models.TextChoices):
    RECEIVED = "received", "Mới tiếp nhận"
    PROCESSING = "processing", "Đang xử lý"
    SUPPLEMENT = "supplement", "Chờ bổ sung hồ sơ"
    DONE = "done", "Đã có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    WITHDRAWN = "withdrawn", "Công dân rút hồ sơ"


OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT)
FINISHED_STATUSES = (Status.DONE, Status.RETURNED, Status.REFUSED)


class Timeliness(models.TextChoices):
    """Class of a dossier that has a result, against its appointment date (Decree 118/2025)."""

    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class ReturnMethod(models.TextChoices):
    DESK = "desk", "Tại Bộ phận Một cửa"
    POST = "post", "Qua bưu chính công ích"
    ONLINE = "online", "Trực tuyến"


class Source(models.TextChoices):
    NATIVE = "native", "Tiếp nhận trên Điều Hành"
    IMPORT = "import", "Nhập từ hệ thống một cửa"


class StepState(models.TextChoices):
    OPEN = "open", "Đang xử lý"
    DONE = "done", "Đã xong"


class EventKind(models.TextChoices):
    RECEIVE = "receive", "Tiếp nhận"
    START = "start", "Chuyển xử lý"
    TRANSFER = "transfer", "Chuyển liên thông"
    STEP_DONE = "step_done", "Cơ quan liên thông trả kết quả"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung hồ sơ"
    SUPPLEMENTED = "supplemented", "Công dân bổ sung hồ sơ"
    APOLOGY = "apology", "Văn bản xin lỗi, hẹn lại"
    RESULT = "result", "Có kết quả"
    REFUSE = "refuse", "Từ chối giải quyết"
    RETURN = "return", "Trả kết quả"
    WITHDRAW = "withdraw", "Rút hồ sơ"
    IMPORT = "import", "Cập nhật từ tệp nhập"


# The audit log's verbs for a dossier's events (`services.AUDIT_ACTIONS` maps each EventKind to
# one), declared in DossiersConfig.ready().
AUDIT_VERBS = (
    ("receive", "Tiếp nhận hồ sơ"),
    ("transfer", "Chuyển xử lý, liên thông"),
    ("step_done", "Cơ quan liên thông trả kết quả"),
    ("request_supplement", "Yêu cầu bổ sung hồ sơ"),
    ("supplemented", "Nhận hồ sơ bổ sung"),
    ("apology", "Văn bản xin lỗi, hẹn lại"),
    ("result", "Có kết quả giải quyết"),
    ("refuse", "Từ chối giải quyết"),
    ("return_result", "Trả kết quả"),
    ("withdraw", "Rút hồ sơ"),
)


class JobState(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang nhập"
    DONE = "done", "Hoàn tất"
    FAILED = "failed", "Lỗi, dừng lại"
    INTERRUPTED = "interrupted", "Bị ngắt, chạy lại để hoàn tất"
    REFUSED = "refused", "Không nhập được tệp"  # the file itself cannot be read: running it again changes nothing


class JobKind(models.TextChoices):
    DOSSIERS = "dossiers", "Hồ sơ thủ tục hành chính"
    PROCEDURES = "procedures", "Danh mục thủ tục hành chính"
