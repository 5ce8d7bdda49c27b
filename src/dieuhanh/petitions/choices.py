from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Tiếp định kỳ của lãnh đạo")
    AD_HOC = "ad_hoc", _("Tiếp đột xuất")
    DIALOGUE = "dialogue", _("Đối thoại trực tiếp với Nhân dân")


class Channel(models.TextChoices):
    DESK = "desk", _("Tại trụ sở tiếp công dân")
    POST = "post", _("Qua bưu chính")
    ONLINE = "online", _("Trực tuyến")
    TRANSFERRED = "transferred", _("Cơ quan khác chuyển đến")
    SESSION = "session", _("Tại buổi tiếp công dân, đối thoại")


class Kind(models.TextChoices):
    """Classification by content (Circular 05/2021/TT-TTCP). `mixed` holds several kinds in one
    petition; its denunciation part makes the whole petition confidential."""

    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")
    RECOMMENDATION = "recommendation", pgettext_lazy("loại đơn", "Kiến nghị")
    FEEDBACK = "feedback", _("Phản ánh")
    MIXED = "mixed", _("Đơn có nhiều nội dung")


# Kinds whose petition contains a denunciation, so the petitioner's identity and every link to
# another petition are confidential from the moment it is classified so (Law on Denunciations
# 25/2018/QH14 Arts 8, 9, 47). A mixed petition is one petition with several contents (Circular
# 05/2021/TT-TTCP); the register does not split it into parts, so one that may hold a
# denunciation is protected whole, as decision 0005 says.
CONFIDENTIAL_KINDS = (Kind.DENUNCIATION, Kind.MIXED)


class Field(models.TextChoices):
    LAND = "land", _("Đất đai")
    ENVIRONMENT = "environment", _("Môi trường")
    POLICY = "policy", _("Chế độ, chính sách")
    JUSTICE = "justice", _("Tư pháp")
    CONSTRUCTION = "construction", _("Xây dựng, trật tự đô thị")
    INFRASTRUCTURE = "infrastructure", _("Hạ tầng, giao thông, chiếu sáng")
    ADMINISTRATION = "administration", _("Hành chính, thái độ cán bộ")
    CORRUPTION = "corruption", _("Tham nhũng, tiêu cực")
    PARTY = "party", _("Đảng viên, tổ chức đảng")
    OTHER = "other", _("Lĩnh vực khác")


class State(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ xử lý")
    ACCEPTED = "accepted", _("Đã thụ lý")
    VERIFYING = "verifying", _("Đang xác minh")
    SUSPENDED = "suspended", _("Tạm đình chỉ")
    CONCLUDED = "concluded", _("Đã có quyết định, kết luận")
    RESOLVED = "resolved", _("Đã giải quyết xong")
    TRANSFERRED = "transferred", _("Đã chuyển cơ quan có thẩm quyền")
    GUIDED = "guided", _("Đã hướng dẫn công dân")
    FILED = "filed", _("Lưu đơn")
    TERMINATED = "terminated", _("Đình chỉ giải quyết")


OPEN_STATES = (State.RECEIVED, State.ACCEPTED, State.VERIFYING, State.SUSPENDED, State.CONCLUDED)
IN_HAND_STATES = (State.ACCEPTED, State.VERIFYING, State.SUSPENDED)
ROUTED_STATES = tuple(s for s in State.values if s != State.RECEIVED)
RESOLVED_STATES = (State.CONCLUDED, State.RESOLVED)


class Complexity(models.TextChoices):
    NORMAL = "normal", _("Thông thường")
    COMPLEX = "complex", _("Phức tạp")
    VERY_COMPLEX = "very_complex", _("Đặc biệt phức tạp")


class Result(models.TextChoices):
    """The conclusion: for complaints right / wrong / partly right; for denunciations true /
    false / partly true; recommendations and feedback are answered."""

    RIGHT = "right", _("Khiếu nại đúng")
    WRONG = "wrong", _("Khiếu nại sai")
    PARTLY_RIGHT = "partly_right", _("Khiếu nại đúng một phần")
    TRUE = "true", _("Tố cáo đúng")
    FALSE = "false", _("Tố cáo sai")
    PARTLY_TRUE = "partly_true", _("Tố cáo đúng một phần")
    ANSWERED = "answered", _("Đã trả lời, giải quyết")


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

    NO_NAME = "no_name", _("Không ghi họ tên, địa chỉ người gửi (nặc danh, mạo danh)")
    NO_SIGNATURE = "no_signature", _("Không có chữ ký hoặc điểm chỉ")
    NOT_VIETNAMESE = "not_vietnamese", _("Không viết bằng tiếng Việt")
    TIME_LIMIT = "time_limit", _("Đã hết thời hiệu")
    ALREADY_DECIDED = "already_decided", _("Đã có quyết định giải quyết lần hai hoặc bản án")
    NO_INTEREST = "no_interest", _("Không liên quan trực tiếp đến quyền, lợi ích của người gửi")
    ALREADY_GUIDED = "already_guided", _("Cùng nội dung đã được hướng dẫn, trả lời")
    OTHER = "other", _("Lý do khác")


class Action(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    CLASSIFY = "classify", pgettext_lazy("hành động", "Phân loại")
    ASSIGN = "assign", _("Giao người xử lý")
    ACCEPT = "accept", _("Thụ lý")
    NOTIFY = "notify", _("Thông báo thụ lý tố cáo")
    TRANSFER = "transfer", _("Chuyển đơn")
    GUIDE = "guide", _("Hướng dẫn công dân")
    ARCHIVE = "archive", _("Lưu đơn")
    VERIFY = "verify", _("Xác minh")
    EXTEND = "extend", _("Gia hạn")
    SUSPEND = "suspend", _("Tạm đình chỉ")
    RESUME = "resume", _("Tiếp tục giải quyết")
    CONCLUDE = "conclude", _("Kết luận, ra quyết định")
    SEND_DECISION = "send_decision", _("Gửi quyết định, kết luận")
    TERMINATE = "terminate", _("Đình chỉ giải quyết")
    SECOND_COMPLAINT = "second_complaint", _("Khiếu nại lần hai")
    MAKE_TASK = "make_task", _("Giao thành nhiệm vụ")
    REVEAL = "reveal", _("Xem danh tính người tố cáo")
    PROTECT = "protect", _("Bảo mật danh tính người gửi")
