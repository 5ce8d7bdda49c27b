"""Who may do what with citizen reception and petitions (`core.access`).

Petitions hold complaints and denunciations: only the officers whose work they are read them —
reception, office, leaders, the units' officers who verify, inspectors, administrators. The
one-stop desk does not (its work is dossiers). A denouncer's identity is further limited to the
petition's handlers (`confidentiality`), whatever the role."""

from dieuhanh.org.choices import Role

READERS = (Role.RECEPTION, Role.OFFICE, Role.LEADER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.ADMIN)
DESK = (Role.RECEPTION, Role.OFFICE, Role.LEADER, Role.ADMIN)

PERMISSIONS = {
    "view": READERS,
    "export": READERS,
    "receive": DESK,  # record petitions and reception sessions for a unit
    "route": DESK,  # classify, accept, transfer, guide, file, assign handlers, make a task
    "handle": (Role.LEADER, Role.ADMIN),  # verify, extend, conclude… (and the assigned handlers)
    "protect": DESK,  # make a petitioner's identity confidential (and the assigned handlers)
    # be given a petition to handle, through a role over its unit (`CaseType.may_be_handler`): the
    # officers who do the work, and the inspection commission, which handles a denunciation of a
    # party member (`services.do_accept` sends those to party bodies) — not a system administrator.
    "be_handler": (Role.RECEPTION, Role.UNIT_OFFICER, Role.INSPECTOR, Role.LEADER),
    "follow": (Role.LEADER, Role.OFFICE, Role.ADMIN, Role.RECEPTION),  # the due-soon summary
}
