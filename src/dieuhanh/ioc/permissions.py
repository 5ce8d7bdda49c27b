"""The IOC is every officer's screen; each figure on it comes from its app's own `view`
permission (`core.access`), so a one-stop officer's IOC counts no petition."""

from dieuhanh.org.choices import Role

PERMISSIONS = {"view": tuple(Role.values)}
