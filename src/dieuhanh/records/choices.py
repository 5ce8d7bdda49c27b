from django.db import models
from django.utils.translation import gettext_lazy


class Urgency(models.TextChoices):
    """Mức độ khẩn (Decree 30/2020/NĐ-CP, Article 8 and Appendix I): none, or one of three."""

    NORMAL = "normal", gettext_lazy("Thường")
    URGENT = "urgent", gettext_lazy("Khẩn")
    VERY_URGENT = "very_urgent", gettext_lazy("Thượng khẩn")
    FLASH = "flash", gettext_lazy("Hỏa tốc")


class Secrecy(models.TextChoices):
    """Độ mật (Luật Bảo vệ bí mật nhà nước 29/2018/QH14, Article 8): none, or one of three levels. A
    marked document is read only by those who hold the registers' `secret` permission."""

    NONE = "", gettext_lazy("Không mật")
    SECRET = "mat", gettext_lazy("Mật")
    TOP_SECRET = "toi_mat", gettext_lazy("Tối mật")
    ABSOLUTE = "tuyet_mat", gettext_lazy("Tuyệt mật")


class Verb(models.TextChoices):
    ISSUE = "issue_document", gettext_lazy("Cấp số, phát hành văn bản đi")
    RECEIVE = "receive_document", gettext_lazy("Vào sổ văn bản đến")
    ASSIGN = "assign_handling", gettext_lazy("Giao xử lý văn bản đến")
    ADD_TERM = "add_term", gettext_lazy("Khai báo nhiệm kỳ cấp uỷ")
