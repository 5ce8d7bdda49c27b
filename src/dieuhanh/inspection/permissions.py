"""Who may do what with inspection, supervision and discipline (`core.access`).

The files are confidential (Quy định 225-QĐ/TW on the secrets of this work; Luật Bảo vệ bí mật
nhà nước): they are read only by the inspection commission (inspectors) and the standing board
(leaders) of the deciding body's unit and of the units above it, and by the subject for what
concerns them (`models.UnitScoped`). Not by the office, a ward's officers, the reception or
one-stop desks, nor by the system administrator: the actions below are `CONFIDENTIAL`, so an
all-seeing grant holds none of them. The figures alone (counts by kind, field, form and year)
are read more widely: the statistics page, the IOC's tile and the derived indicators."""

from dieuhanh.org.choices import Role

BOARD = (Role.INSPECTOR, Role.LEADER)

PERMISSIONS = {
    "view": BOARD,
    "export": BOARD,
    "act": BOARD,  # carry out an inspection: announce, record the subject's report, verify, draft
    "decide": BOARD,  # decide to inspect, conclude, notify; propose and decide discipline; appeals; reviews
    "remedy": (Role.LEADER,),  # give a finding out as a "5 rõ" task (the committee assigns, not the inspectors)
    "count": (Role.INSPECTOR, Role.LEADER, Role.OFFICE, Role.ADMIN),  # figures only, no names
}
CONFIDENTIAL = ("view", "export", "act", "decide", "remedy")
