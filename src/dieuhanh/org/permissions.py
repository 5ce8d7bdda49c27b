"""Units, organisations and people (`core.access`): every officer reads the units of their scope."""

from dieuhanh.org.choices import Role

PERMISSIONS = {"view": tuple(Role.values)}
