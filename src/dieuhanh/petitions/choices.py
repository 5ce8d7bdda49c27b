from django.db import models


class SessionKind(models.TextChoices):
    REGULAR = "regular", "Tiếp định kỳ của lãnh đạo"
    AD_HOC = "ad_hoc", "Tiếp đột xuất"
    DIALOGUE = "dialogue", "Đối thoại trực tiếp với Nhân dân"


class Channel(models.TextChoices):
    DESK = "desk", "Tại trụ sở tiếp công dân"
    POST = "post", "Qua bưu chính"
    ONLINE = "online", "Trực tuyến"
    TRANSFERRED = "transferred", "Cơ quan khác chuyển đến"
    SESSION = "session", "Tại buổi tiếp công dân, đối thoại"


class Kind(models.TextChoices):
    """Classification by content (Circular 05/2021/TT-TTCP). `mixed` holds several kinds in one
    petition; its denunciation part makes the whole petition confidential."""

    COMPLAINT = "complaint", "Khiếu nại"
    DENUNCIATION = "denunciation", "Tố cáo"
    RECOMMENDATION = "recommendation", "Kiến nghị"
    FEEDBACK = "feedback", "Phản ánh"
    MIXED = "mixed", "Đơn có nhiều nội dung"


# Kinds whose petition contains a denunciation, so the petitioner's identity and every link to
# another petition are confidential from the moment it is classified so (Law on Denunciations
# 25/2018/QH14 Arts 8, 9, 47). A mixed petition is one petition with several contents (Circular
# 05/2021/TT-TTCP); the register does not split it into parts, so one that may hold a
# denunciation is protected whole, as decision 0005 says.
CONFIDENTIAL_KINDS = (Kind.DENUNCIATION, Kind.MIXED)


class Field(models.TextChoices):
    LAND = "land", "Đất đai"
    ENVIRONMENT = "environment", "Môi trường"
    POLICY = "policy", "Chế độ, chính sách"
    JUSTICE = "justice", "Tư pháp"
    CONSTRUCTION = "construction", "Xây dựng, trật tự đô thị"
    INFRASTRUCTURE = "infrastructure", "Hạ tầng, giao thông, chiếu sáng"
    ADMINISTRATION = "administration", "Hành chính, thái độ cán bộ"
    CORRUPTION = "corruption", "Tham nhũng, tiêu cực"
    PARTY = "party", "Đảng viên, tổ chức đảng"
    OTHER = "other", "Lĩnh vực khác"


class State(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận, chờ xử lý"
    ACCEPTED = "accepted", "Đã thụ lý"
    VERIFYING = "verifying", "Đang xác minh"
    SUSPENDED = "suspended", "Tạm đình chỉ"
    CONCLUDED = "concluded", "Đã có quyết định, kết luận"
    RESOLVED = "resolved", "Đã giải quyết xong"
    TRANSFERRED = "transferred", "Đã chuyển cơ quan có thẩm quyền"
    GUIDED = "guided", "Đã hướng dẫn công dân"
    FILED = "filed", "Lưu đơn"
    TERMINATED = "terminated", "Đình chỉ giải quyết"


OPEN_STATES = (State.RECEIVED, State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED)
IN_HAND_STATES = (State.ACCEPTED, State.VERIFYING, State.SUSPENDED)
ROUTED_STATES = tuple(s for s in State.values if s != State.RECEIVED)
RESOLVED_STATES = (State.CONCLUDED, State.RESOLVED)


class Complexity(models.TextChoices):
    NORMAL = "normal", "Thông thường"
    COMPLEX = "complex", "Phức tạp"
    VERY_COMPLEX = "very_complex", "Đặc biệt phức tạp"


class Result(models.TextChoices):
    """The conclusion: for complaints right / wrong / partly right; for denunciations true /
    false / partly true; recommendations and feedback are answered."""

    RIGHT = "right", "Khiếu nại đúng"
    WRONG = "wrong", "Khiếu nại sai"
    PARTLY_RIGHT = "partly_right", "Khiếu nại đúng một phần"
    TRUE = "true", "Tố cáo đúng"
    FALSE = "false", "Tố cáo sai"
    PARTLY_TRUE = "partly_true", "Tố cáo đúng một phần"
    ANSWERED = "answered", "Đã trả lời, giải quyết"


RESULTS_BY_KIND = {
    Kind.COMPLAINT: (Result.RIGHT, Result.WRONG, Result.PARTLY_RIGHT),
    Kind.DENUNCIATION: (Result.TRUE, Result.FALSE, Result.PARTLY_TRUE),
    Kind.RECOMMENDATION: (Result.ANSWERED,),
    Kind.FEEDBACK: (Result.ANSWERED,),
    Kind.MIXED: tuple(Result.values),
}


class Ineligibility(models.TextChoices):
    """Why a petition cannot be handled (Circular 05/2021; Law on Complaints Art 11; Law on
    Denunciations Art 25)."""

    NO_NAME = "no_name", "Không ghi họ tên, địa chỉ người gửi (nặc danh, mạo danh)"
    NO_SIGNATURE = "no_signature", "Không có chữ ký hoặc điểm chỉ"
    NOT_VIETNAMESE = "not_vietnamese", "Không viết bằng tiếng Việt"
    TIME_LIMIT = "time_limit", "Đã hết thời hiệu"
    ALREADY_DECIDED = "already_decided", "Đã có quyết định giải quyết lần hai hoặc bản án"
    NO_INTEREST = "no_interest", "Không liên quan trực tiếp đến quyền, lợi ích của người gửi"
    ALREADY_GUIDED = "already_guided", "Cùng nội dung đã được hướng dẫn, trả lời"
    OTHER = "other", "Lý do khác"


class Action(models.TextChoices):
    RECEIVE = "receive", "Tiếp nhận"
    CLASSIFY = "classify", "Phân loại"
    ASSIGN = "assign", "Giao người xử lý"
    ACCEPT = "accept", "Thụ lý"
    NOTIFY = "notify", "Thông báo thụ lý tố cáo"
    TRANSFER = "transfer", "Chuyển đơn"
    GUIDE = "guide", "Hướng dẫn công dân"
    ARCHIVE = "archive", "Lưu đơn"
    VERIFY = "verify", "Xác minh"
    EXTEND = "extend", "Gia hạn"
    SUSPEND = "suspend", "Tạm đình chỉ"
    RESUME = "resume", "Tiếp tục giải quyết"
    CONCLUDE = "conclude", "Kết luận, ra quyết định"
    SEND_DECISION = "send_decision", "Gửi quyết định, kết luận"
    TERMINATE = "terminate", "Đình chỉ giải quyết"
    SECOND_COMPLAINT = "second_complaint", "Khiếu nại lần hai"
    MAKE_TASK = "make_task", "Giao thành nhiệm vụ"
    REVEAL = "reveal", "Xem danh tính người tố cáo"
    PROTECT = "protect", "Bảo mật danh tính người gửi"
