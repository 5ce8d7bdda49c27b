from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dieuhanh.dossiers"
    verbose_name = "Thủ tục hành chính một cửa"

    def ready(self) -> None:
        from dieuhanh.core import audit
        from dieuhanh.dossiers.choices import AUDIT_VERBS

        audit.register_verbs(AUDIT_VERBS, object_type="dossiers.dossier")
