"""Who may do what with the registers of documents sent and received (`core.access`). Everyone
who works on the units' documents reads them; the office (văn thư) numbers, issues and registers;
the office and leaders give an incoming document's handling out as "5 rõ" tasks."""

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": (Role.OFFICE, Role.LEADER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.ADMIN),
    "export": (Role.OFFICE, Role.LEADER, Role.ADMIN),
    "register": (Role.OFFICE, Role.ADMIN),  # number and issue, enter what arrives, declare terms
    "assign": (Role.OFFICE, Role.LEADER, Role.ADMIN),  # give an incoming document's handling out as tasks
}
