from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": (Role.INSPECTOR, Role.LEADER, Role.UNIT_OFFICER, Role.ADMIN),
    "act": (Role.INSPECTOR, Role.ADMIN),
}
