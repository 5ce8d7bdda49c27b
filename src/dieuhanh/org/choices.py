from django.db import models


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"
    VILLAGE = "village", "Thôn, tổ dân phố"


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", "Tỉnh"
    CENTRAL_CITY = "thanh_pho_tw", "Thành phố trực thuộc trung ương"
    PROVINCIAL_CITY = "thanh_pho", "Thành phố thuộc tỉnh"
    TOWN = "thi_xa", "Thị xã"
    URBAN_DISTRICT = "quan", "Quận"
    RURAL_DISTRICT = "huyen", "Huyện"
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    TOWNSHIP = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"
    VILLAGE = "thon", "Thôn"
    RESIDENTIAL_AREA = "khu_dan_cu", "Khu dân cư"
    STREET_GROUP = "to_dan_pho", "Tổ dân phố"


class SuccessionKind(models.TextChoices):
    MERGE = "merge", "Sáp nhập"
    SPLIT = "split", "Chia tách"
    RENAME = "rename", "Đổi tên"
    TRANSFER = "transfer", "Điều chỉnh địa giới"


class OrganisationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "Cấp uỷ Đảng"
    PARTY_OFFICE = "party_office", "Văn phòng cấp uỷ"
    PARTY_BOARD = "party_board", "Ban của cấp uỷ"
    INSPECTION_COMMISSION = "inspection_commission", "Uỷ ban Kiểm tra"
    PARTY_CELL = "party_cell", "Chi bộ"
    PEOPLES_COUNCIL = "peoples_council", "Hội đồng nhân dân"
    PEOPLES_COMMITTEE = "peoples_committee", "Uỷ ban nhân dân"
    DEPARTMENT = "department", "Cơ quan chuyên môn"
    FATHERLAND_FRONT = "fatherland_front", "Mặt trận Tổ quốc"
    MASS_ORGANISATION = "mass_organisation", "Tổ chức chính trị - xã hội"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp"
    ENTERPRISE = "enterprise", "Doanh nghiệp"
    VILLAGE_BOARD = "village_board", "Ban công tác thôn, khu dân cư"


class AssignmentKind(models.TextChoices):
    APPOINTED = "appointed", "Bổ nhiệm"
    ELECTED = "elected", "Bầu cử"
    CONCURRENT = "concurrent", "Kiêm nhiệm"
    ROTATION = "rotation", "Luân chuyển"
    SECONDMENT = "secondment", "Biệt phái"
    ASSIGNED = "assigned", "Phân công"


class Role(models.TextChoices):
    OFFICE = "office", "Cán bộ văn phòng (giao và theo dõi nhiệm vụ)"
    LEADER = "leader", "Lãnh đạo"
    UNIT_OFFICER = "unit_officer", "Cán bộ đơn vị"
    INSPECTOR = "inspector", "Cán bộ kiểm tra, thanh tra"
    RECEPTION = "reception", "Cán bộ tiếp công dân"
    ONE_STOP = "one_stop", "Cán bộ một cửa"
    ADMIN = "admin", "Quản trị hệ thống"
