"""Who reads and handles the committee members' periodic reports (`core.access`). The reports are
the committee's own: its office and its leaders read them, the office sets who follows which area
or field, the leaders answer what lies beyond a member's authority. No unit officer, one-stop or
reception officer reads them. The member reads and sends their own, whatever their roles: that
is not a role but who they are (`MemberReportQuerySet.open_without_units`, `services`)."""

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": (Role.OFFICE, Role.LEADER, Role.ADMIN),
    "export": (Role.OFFICE, Role.LEADER, Role.ADMIN),
    "assign": (Role.OFFICE, Role.ADMIN),  # who follows which area or field
    "answer": (Role.LEADER, Role.ADMIN),  # the answer to what is beyond a member's authority
}
