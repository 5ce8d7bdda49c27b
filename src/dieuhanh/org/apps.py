from dieuhanh.core import platform


class OrgConfig(platform.PlatformApp):
    name = "dieuhanh.org"
    verbose_name = "Tổ chức và đơn vị hành chính"
    api = (platform.ApiRouter("/v1/units", "dieuhanh.org.api.units_router", "Đơn vị hành chính"),)
