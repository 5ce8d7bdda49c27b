"""Who may do what with socio-economic indicators (`core.access`): every officer reads the
figures of their units; the office enters actuals and sets targets."""

from dieuhanh.org.choices import Role

PERMISSIONS = {
    "view": tuple(Role.values),
    "export": tuple(Role.values),
    "edit": (Role.OFFICE, Role.ADMIN),
}
