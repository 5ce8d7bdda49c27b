"""Who may do what with one-stop dossiers and the procedure catalogue (`core.access`), after
Decree 118/2025/NĐ-CP: the one-stop desk receives and returns; the desk, the office and leaders
of the receiving unit or of the body holding the dossier handle it; the desk and leaders sign
the apology for a late one; administrators keep the catalogue."""

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": tuple(Role.values),
    "export": tuple(Role.values),
    "receive": (Role.ONE_STOP, Role.ADMIN),
    "handle": (Role.ONE_STOP, Role.OFFICE, Role.LEADER, Role.ADMIN),
    "apologise": (Role.ONE_STOP, Role.LEADER, Role.ADMIN),
    "desk": (Role.ONE_STOP, Role.ADMIN),  # hand the result over, record a withdrawal
    "import": (Role.ONE_STOP, Role.OFFICE, Role.ADMIN),
    "stats": (Role.OFFICE, Role.LEADER, Role.ONE_STOP, Role.ADMIN),
    "catalogue": (Role.ADMIN,),
    "follow": (Role.ONE_STOP, Role.LEADER, Role.OFFICE, Role.ADMIN),  # the dashboard's one-stop panel
}
