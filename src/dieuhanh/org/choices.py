from django.db import models
from django.utils.translation import gettext_lazy


class UnitLevel(models.TextChoices):
    PROVINCE = "province", gettext_lazy("Cấp tỉnh")
    DISTRICT = "district", gettext_lazy("Cấp huyện")
    COMMUNE = "commune", gettext_lazy("Cấp xã")
    VILLAGE = "village", gettext_lazy("Thôn, tổ dân phố")


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", gettext_lazy("Tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", gettext_lazy("Thành phố trực thuộc trung ương")
    PROVINCIAL_CITY = "thanh_pho", gettext_lazy("Thành phố thuộc tỉnh")
    TOWN = "thi_xa", gettext_lazy("Thị xã")
    URBAN_DISTRICT = "quan", gettext_lazy("Quận")
    RURAL_DISTRICT = "huyen", gettext_lazy("Huyện")
    WARD = "phuong", gettext_lazy("Phường")
    COMMUNE = "xa", gettext_lazy("Xã")
    TOWNSHIP = "thi_tran", gettext_lazy("Thị trấn")
    SPECIAL_ZONE = "dac_khu", gettext_lazy("Đặc khu")
    VILLAGE = "thon", gettext_lazy("Thôn")
    RESIDENTIAL_AREA = "khu_dan_cu", gettext_lazy("Khu dân cư")
    STREET_GROUP = "to_dan_pho", gettext_lazy("Tổ dân phố")


class SuccessionKind(models.TextChoices):
    MERGE = "merge", gettext_lazy("Sáp nhập")
    SPLIT = "split", gettext_lazy("Chia tách")
    RENAME = "rename", gettext_lazy("Đổi tên")
    TRANSFER = "transfer", gettext_lazy("Điều chỉnh địa giới")


class OrganisationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", gettext_lazy("Cấp uỷ Đảng")
    PARTY_OFFICE = "party_office", gettext_lazy("Văn phòng cấp uỷ")
    PARTY_BOARD = "party_board", gettext_lazy("Ban của cấp uỷ")
    INSPECTION_COMMISSION = "inspection_commission", gettext_lazy("Uỷ ban Kiểm tra")
    PARTY_CELL = "party_cell", gettext_lazy("Chi bộ")
    PEOPLES_COUNCIL = "peoples_council", gettext_lazy("Hội đồng nhân dân")
    PEOPLES_COMMITTEE = "peoples_committee", gettext_lazy("Uỷ ban nhân dân")
    DEPARTMENT = "department", gettext_lazy("Cơ quan chuyên môn")
    FATHERLAND_FRONT = "fatherland_front", gettext_lazy("Mặt trận Tổ quốc")
    MASS_ORGANISATION = "mass_organisation", gettext_lazy("Tổ chức chính trị - xã hội")
    PUBLIC_SERVICE = "public_service", gettext_lazy("Đơn vị sự nghiệp")
    ENTERPRISE = "enterprise", gettext_lazy("Doanh nghiệp")
    VILLAGE_BOARD = "village_board", gettext_lazy("Ban công tác thôn, khu dân cư")


class AssignmentKind(models.TextChoices):
    APPOINTED = "appointed", gettext_lazy("Bổ nhiệm")
    ELECTED = "elected", gettext_lazy("Bầu cử")
    CONCURRENT = "concurrent", gettext_lazy("Kiêm nhiệm")
    ROTATION = "rotation", gettext_lazy("Luân chuyển")
    SECONDMENT = "secondment", gettext_lazy("Biệt phái")
    ASSIGNED = "assigned", gettext_lazy("Phân công")


class Role(models.TextChoices):
    OFFICE = "office", gettext_lazy("Cán bộ văn phòng (giao và theo dõi nhiệm vụ)")
    LEADER = "leader", gettext_lazy("Lãnh đạo")
    UNIT_OFFICER = "unit_officer", gettext_lazy("Cán bộ đơn vị")
    INSPECTOR = "inspector", gettext_lazy("Cán bộ kiểm tra, thanh tra")
    RECEPTION = "reception", gettext_lazy("Cán bộ tiếp công dân")
    ONE_STOP = "one_stop", gettext_lazy("Cán bộ một cửa")
    ADMIN = "admin", gettext_lazy("Quản trị hệ thống")
