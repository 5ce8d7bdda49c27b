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
    # Steps of a petition's workflow (petitions.choices.Action)
    RECEIVE = "receive", "Tiếp nhận đơn"
    CLASSIFY = "classify", "Phân loại đơn"
    ASSIGN = "assign", "Giao người xử lý"
    ACCEPT = "accept", "Thụ lý"
    TRANSFER = "transfer", "Chuyển đơn"
    GUIDE = "guide", "Hướng dẫn công dân"
    ARCHIVE = "archive", "Lưu đơn"
    VERIFY = "verify", "Xác minh"
    EXTEND = "extend", "Gia hạn"
    SUSPEND = "suspend", "Tạm đình chỉ"
    RESUME = "resume", "Tiếp tục giải quyết"
    CONCLUDE = "conclude", "Kết luận, quyết định"
    SEND_DECISION = "send_decision", "Gửi quyết định"
    TERMINATE = "terminate", "Đình chỉ giải quyết"
    SECOND_COMPLAINT = "second_complaint", "Khiếu nại lần hai"
    MAKE_TASK = "make_task", "Giao thành nhiệm vụ"
    FLAG = "flag", "Đánh dấu tự động"
    REVEAL = "reveal", "Xem danh tính được bảo mật"
    PROTECT = "protect", "Bảo mật danh tính người gửi"
    # Steps of a one-stop dossier (dossiers.choices.EventKind)
    STEP_DONE = "step_done", "Cơ quan liên thông trả kết quả"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung hồ sơ"
    SUPPLEMENTED = "supplemented", "Nhận hồ sơ bổ sung"
    APOLOGY = "apology", "Văn bản xin lỗi, hẹn lại"
    RESULT = "result", "Có kết quả giải quyết"
    REFUSE = "refuse", "Từ chối giải quyết"
    RETURN_RESULT = "return_result", "Trả kết quả"
    WITHDRAW = "withdraw", "Rút hồ sơ"
    IMPORT = "import", "Nhập dữ liệu từ tệp"
