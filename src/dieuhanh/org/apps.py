from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OrgConfig(AppConfig):
    """Units, organisations, people, accounts and role grants: the layer below `core` (it imports
    nothing of it; core mounts its units API and reads its `permissions.py`)."""

    name = "dieuhanh.org"
    verbose_name = gettext_lazy("Tổ chức và đơn vị hành chính")
