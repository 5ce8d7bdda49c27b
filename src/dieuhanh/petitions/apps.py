from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "dieuhanh.petitions"
    verbose_name = "Tiếp công dân và xử lý đơn"

    def ready(self) -> None:
        from dieuhanh.core import audit
        from dieuhanh.petitions.choices import Action

        audit.register_verbs(Action.choices, object_type="petitions.petition")
        # Events written before repeat links of confidential petitions were sealed (decision
        # 0005) hold `duplicate_of_id`; snapshots no longer record it at all.
        audit.hide_keys("petitions.petition", "duplicate_of_id")
