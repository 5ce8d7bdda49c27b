from django.db import models
from django.utils.translation import gettext_lazy


class ReportKind(models.TextChoices):
    """A committee member's periodic report: the periods of directives/cycle.py (a week from
    Monday, a calendar month), due by the period's last working day."""

    WEEKLY = "weekly", gettext_lazy("Báo cáo tuần")
    MONTHLY = "monthly", gettext_lazy("Báo cáo tháng")


class FollowedField(models.TextChoices):
    """The fields (ngành, lĩnh vực) a committee's working regulation divides among its members.
    A list, not free text, so the office can see who follows what and count by field; what
    exactly a member follows within it is the assignment's note."""

    PARTY_BUILDING = "party_building", gettext_lazy("Xây dựng Đảng, hệ thống chính trị")
    ECONOMY = "economy", gettext_lazy("Kinh tế, ngân sách")
    URBAN_LAND = "urban_land", gettext_lazy("Đô thị, đất đai, xây dựng")
    SOCIAL = "social", gettext_lazy("Văn hoá, xã hội")
    SECURITY = "security", gettext_lazy("Quốc phòng, an ninh, nội chính")
    MASS_MOBILISATION = "mass_mobilisation", gettext_lazy("Dân vận, Mặt trận và các đoàn thể")
    INSPECTION = "inspection", gettext_lazy("Kiểm tra, giám sát")
