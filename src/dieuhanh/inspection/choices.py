"""The words of party inspection, supervision and discipline (Điều lệ Đảng; Quy định 296-QĐ/TW of
30/5/2025 and the rules that follow it; see data/legal_rules.yaml for what each rests on)."""

from django.db import models
from django.utils.translation import gettext_lazy


class Body(models.TextChoices):
    """Who runs a programme, decides an inspection or a discipline: the party committee (cấp uỷ),
    its standing board, its inspection commission, or a party cell."""

    COMMITTEE = "committee", gettext_lazy("Cấp uỷ")
    STANDING = "standing", gettext_lazy("Ban Thường vụ")
    COMMISSION = "commission", gettext_lazy("Uỷ ban Kiểm tra")
    CELL = "cell", gettext_lazy("Chi bộ")


class Kind(models.TextChoices):
    """The kinds of inspection and supervision of Quy định 296-QĐ/TW (2025) and Hướng dẫn
    08-HD/TW: an "ad hoc" inspection is one outside the programme (the articles' "đột xuất")."""

    REGULAR = "regular", gettext_lazy("Kiểm tra thường xuyên")
    THEMATIC = "thematic", gettext_lazy("Kiểm tra chuyên đề")
    SIGNS = "signs", gettext_lazy("Kiểm tra khi có dấu hiệu vi phạm")
    AD_HOC = "ad_hoc", gettext_lazy("Kiểm tra đột xuất")
    KTGS_WORK = "ktgs_work", gettext_lazy("Kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật")
    FINANCE = "finance", gettext_lazy("Kiểm tra tài chính đảng")
    SUPERVISE_REGULAR = "supervise_regular", gettext_lazy("Giám sát thường xuyên")
    SUPERVISE_THEMATIC = "supervise_thematic", gettext_lazy("Giám sát chuyên đề")


SUPERVISION_KINDS = frozenset({Kind.SUPERVISE_REGULAR, Kind.SUPERVISE_THEMATIC})
INSPECTION_KINDS = frozenset(set(Kind) - SUPERVISION_KINDS)


class Field(models.TextChoices):
    """The field inspected. The first five are the sensitive fields the articles put in focus
    ("kiểm tra phải có trọng tâm, trọng điểm")."""

    LAND = "land", gettext_lazy("Đất đai")
    BUDGET = "budget", gettext_lazy("Tài chính, ngân sách")
    INVESTMENT = "investment", gettext_lazy("Đầu tư công")
    CORRUPTION = "corruption", gettext_lazy("Phòng, chống tham nhũng, lãng phí")
    PERSONNEL = "personnel", gettext_lazy("Công tác cán bộ")
    PARTY = "party", gettext_lazy("Xây dựng Đảng, sinh hoạt đảng")
    OTHER = "other", gettext_lazy("Lĩnh vực khác")


SENSITIVE_FIELDS = frozenset({Field.LAND, Field.BUDGET, Field.INVESTMENT, Field.CORRUPTION, Field.PERSONNEL})


class SubjectType(models.TextChoices):
    """Who is inspected or disciplined: the forms of discipline differ (Điều lệ Đảng, Art 35)."""

    ORGANISATION = "organisation", gettext_lazy("Tổ chức đảng")
    MEMBER = "member", gettext_lazy("Đảng viên chính thức")
    PROBATIONARY = "probationary", gettext_lazy("Đảng viên dự bị")


class State(models.TextChoices):
    """An inspection or supervision, from the decision to the end of the remedial work."""

    DECIDED = "decided", gettext_lazy("Đã ra quyết định")
    ANNOUNCED = "announced", gettext_lazy("Đã công bố quyết định")
    REPORTED = "reported", gettext_lazy("Đối tượng đã báo cáo")
    VERIFIED = "verified", gettext_lazy("Đã thẩm tra, xác minh")
    DRAFTED = "drafted", gettext_lazy("Đã có dự thảo báo cáo")
    CONCLUDED = "concluded", gettext_lazy("Đã kết luận")
    NOTIFIED = "notified", gettext_lazy("Đã thông báo kết luận, đang khắc phục")
    CLOSED = "closed", gettext_lazy("Đã kết thúc")


OPEN_STATES = (State.DECIDED, State.ANNOUNCED, State.REPORTED, State.VERIFIED, State.DRAFTED)
CONCLUDED_STATES = (State.CONCLUDED, State.NOTIFIED, State.CLOSED)


class Verdict(models.TextChoices):
    """What the conclusion found."""

    NO_FAULT = "no_fault", gettext_lazy("Không có khuyết điểm, vi phạm")
    SHORTCOMINGS = "shortcomings", gettext_lazy("Có hạn chế, khuyết điểm")
    VIOLATION = "violation", gettext_lazy("Có vi phạm, chưa đến mức xử lý kỷ luật")
    DISCIPLINE = "discipline", gettext_lazy("Vi phạm đến mức phải xem xét, xử lý kỷ luật")


class Form(models.TextChoices):
    """The forms of party discipline (Điều lệ Đảng, Art 35 khoản 2; which apply to whom:
    data/discipline_forms.yaml)."""

    REPRIMAND = "reprimand", gettext_lazy("Khiển trách")
    WARNING = "warning", gettext_lazy("Cảnh cáo")
    REMOVAL = "removal", gettext_lazy("Cách chức")
    EXPULSION = "expulsion", gettext_lazy("Khai trừ")
    DISSOLUTION = "dissolution", gettext_lazy("Giải tán")


class DisciplineState(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Đề nghị xem xét kỷ luật")
    DECIDED = "decided", gettext_lazy("Đã quyết định kỷ luật")
    DELIVERED = "delivered", gettext_lazy("Đã giao quyết định")
    DROPPED = "dropped", gettext_lazy("Không kỷ luật")


class AppealState(models.TextChoices):
    LODGED = "lodged", gettext_lazy("Đã nhận đơn khiếu nại")
    ACCEPTED = "accepted", gettext_lazy("Đã thụ lý")
    REFUSED = "refused", gettext_lazy("Không thụ lý")
    DECIDED = "decided", gettext_lazy("Đã giải quyết")


class Outcome(models.TextChoices):
    UPHELD = "upheld", gettext_lazy("Giữ nguyên hình thức kỷ luật")
    CHANGED = "changed", gettext_lazy("Thay đổi hình thức kỷ luật")
    ANNULLED = "annulled", gettext_lazy("Xoá bỏ quyết định kỷ luật")


class TargetType(models.TextChoices):
    COLLECTIVE = "collective", gettext_lazy("Tập thể")
    INDIVIDUAL = "individual", gettext_lazy("Cá nhân")


class ReviewState(models.TextChoices):
    SUGGESTED = "suggested", gettext_lazy("Đã gợi ý kiểm điểm")
    REVIEWED = "reviewed", gettext_lazy("Đã kiểm điểm")
    ASSESSED = "assessed", gettext_lazy("Đã đánh giá, đang khắc phục")
    CLOSED = "closed", gettext_lazy("Đã khắc phục xong")


class Rating(models.TextChoices):
    """The four levels of the yearly review (Quy định 366-QĐ/TW, 2025)."""

    EXCELLENT = "excellent", gettext_lazy("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", gettext_lazy("Hoàn thành tốt nhiệm vụ")
    DONE = "done", gettext_lazy("Hoàn thành nhiệm vụ")
    NOT_DONE = "not_done", gettext_lazy("Không hoàn thành nhiệm vụ")


class ProgrammeSpan(models.TextChoices):
    YEAR = "year", gettext_lazy("Năm")
    TERM = "term", gettext_lazy("Nhiệm kỳ")


class Measure(models.TextChoices):
    """What the articles count, entered as reported totals for the years before the product."""

    ORGS_INSPECTED = "orgs_inspected", gettext_lazy("Tổ chức đảng được kiểm tra")
    MEMBERS_INSPECTED = "members_inspected", gettext_lazy("Đảng viên được kiểm tra")
    ORGS_SIGNS = "orgs_signs", gettext_lazy("Tổ chức đảng được kiểm tra khi có dấu hiệu vi phạm")
    MEMBERS_SIGNS = "members_signs", gettext_lazy("Đảng viên được kiểm tra khi có dấu hiệu vi phạm")
    INSPECTIONS = "inspections", gettext_lazy("Cuộc kiểm tra")
    SUPERVISIONS = "supervisions", gettext_lazy("Cuộc giám sát")
    ORGS_DISCIPLINED = "orgs_disciplined", gettext_lazy("Tổ chức đảng bị kỷ luật")
    MEMBERS_DISCIPLINED = "members_disciplined", gettext_lazy("Đảng viên bị kỷ luật")
    COLLECTIVES_SUGGESTED = "collectives_suggested", gettext_lazy("Tập thể được gợi ý kiểm điểm")
    INDIVIDUALS_SUGGESTED = "individuals_suggested", gettext_lazy("Cá nhân được gợi ý kiểm điểm")


class Level(models.TextChoices):
    """The level of the deciding body: the city's (district level) or the grassroots'."""

    DISTRICT = "district", gettext_lazy("Cấp huyện, thành phố")
    GRASSROOTS = "grassroots", gettext_lazy("Cơ sở")
    PROVINCE = "province", gettext_lazy("Cấp tỉnh")


class Verb(models.TextChoices):
    """The audit verbs of the app (core.audit)."""

    DECIDE = "decide_inspection", gettext_lazy("Quyết định kiểm tra, giám sát")
    ANNOUNCE = "announce", gettext_lazy("Công bố quyết định")
    SELF_REPORT = "self_report", gettext_lazy("Ghi báo cáo của đối tượng")
    VERIFY = "verify", gettext_lazy("Thẩm tra, xác minh")
    DRAFT = "draft_report", gettext_lazy("Dự thảo báo cáo kết quả")
    FINDING = "add_finding", gettext_lazy("Ghi nội dung kết luận")
    CONCLUDE = "conclude", gettext_lazy("Kết luận")
    NOTIFY = "notify_conclusion", gettext_lazy("Thông báo kết luận")
    REMEDY = "remedial_task", gettext_lazy("Giao nhiệm vụ khắc phục")
    CLOSE = "close", gettext_lazy("Kết thúc")
    PROPOSE = "propose_discipline", gettext_lazy("Đề nghị kỷ luật")
    DISCIPLINE = "decide_discipline", gettext_lazy("Quyết định kỷ luật")
    DROP = "no_discipline", gettext_lazy("Không kỷ luật")
    DELIVER = "deliver_decision", gettext_lazy("Giao quyết định kỷ luật")
    APPEAL = "lodge_appeal", gettext_lazy("Nhận đơn khiếu nại kỷ luật")
    ACCEPT = "accept_appeal", gettext_lazy("Thụ lý khiếu nại")
    REFUSE = "refuse_appeal", gettext_lazy("Không thụ lý khiếu nại")
    RESOLVE = "resolve_appeal", gettext_lazy("Giải quyết khiếu nại")
    SUGGEST = "suggest_review", gettext_lazy("Gợi ý kiểm điểm")
    REVIEW = "record_review", gettext_lazy("Ghi kết quả kiểm điểm")
    ASSESS = "assess_review", gettext_lazy("Đánh giá kiểm điểm")
    PROGRAMME = "adopt_programme", gettext_lazy("Ban hành chương trình kiểm tra, giám sát")
    PLAN_ITEM = "plan_item", gettext_lazy("Thêm nội dung chương trình")
    REPORTED = "reported_figure", gettext_lazy("Nhập số liệu đã báo cáo")
