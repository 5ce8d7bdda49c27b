"""Who may do what with documents, meetings and "5 rõ" tasks (`core.access`). Every officer
reads the tasks of their units (and the documents from above); the office and leaders assign;
the units report; leaders answer what lies beyond a unit's authority."""

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": tuple(Role.values),
    "export": tuple(Role.values),
    "assign": (Role.OFFICE, Role.LEADER, Role.ADMIN),
    "report": (Role.UNIT_OFFICER, Role.OFFICE, Role.LEADER, Role.ADMIN),
    "lead": (Role.LEADER, Role.ADMIN),
    "follow": (Role.LEADER, Role.OFFICE, Role.ADMIN),  # reports waiting for a leader's answer
}
