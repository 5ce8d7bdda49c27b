"""Who may do what with the registers of documents sent and received (`core.access`). Everyone
who works on the units' documents reads them; the office (văn thư) numbers, issues and registers;
the office and leaders give an incoming document's handling out as "5 rõ" tasks; a document
marked secret is read only by the office and leaders of its unit."""

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": (Role.OFFICE, Role.LEADER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.ADMIN),
    "export": (Role.OFFICE, Role.LEADER, Role.ADMIN),
    "register": (Role.OFFICE, Role.ADMIN),  # number and issue, enter what arrives, declare terms
    "assign": (Role.OFFICE, Role.LEADER, Role.ADMIN),  # give an incoming document's handling out as tasks
    # read a document marked Mật, Tối mật or Tuyệt mật: the office that keeps it and the leaders
    # (Luật Bảo vệ bí mật nhà nước 2018; a unit's officers see neither its row nor its file)
    "secret": (Role.OFFICE, Role.LEADER, Role.ADMIN),
}
