from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform
from dieuhanh.petitions.permissions import PERMISSIONS


class PetitionsConfig(platform.PlatformApp):
    name = "dieuhanh.petitions"
    verbose_name = _("Tiếp công dân và xử lý đơn")
    menu = (platform.MenuItem(_("Tiếp dân, đơn thư"), "petitions:petition_list", 60, ("petitions", "view"), ("petitions:",)),)
    public_menu = (
        platform.MenuItem(_("Gửi đơn, phản ánh"), "petitions:public_file", 10, active=("public_file", "public_receipt")),
    )
    urls = (("open311/v2/", "dieuhanh.petitions.open311_urls"), ("", "dieuhanh.petitions.urls"))
    ioc_sections = ("dieuhanh.petitions.ioc.SECTION",)
    papers = ("dieuhanh.petitions.papers.TRANSFER_SLIP", "dieuhanh.petitions.papers.GUIDANCE_SLIP",
              "dieuhanh.petitions.papers.ACCEPTANCE_NOTICE", "dieuhanh.petitions.papers.COMPLAINT_DECISION")
    reminders = ("dieuhanh.petitions.reminders.step_due", "dieuhanh.petitions.reminders.overdue")
    public_lookups = ("dieuhanh.petitions.views.find_public",)
    home_panels = (platform.HomePanel("petitions", 20, "dieuhanh.petitions.home.panel", "petitions/_home_panel.html",
                                      ("petitions", "view")),)
    demo = (platform.DemoStep("Tiếp công dân, đơn thư", "dieuhanh.petitions.demo.step", 20, "petitions",
                              (("sessions", "Buổi tiếp công dân, đối thoại"), ("petitions", "Đơn thư"))),)
    # The petitioner's identity and what could lead to it (core/fieldkeys.py checks the keys open them).
    encrypted_fields = ("petitions.Petition.identity_enc", "petitions.Petition.sealed_links_enc",
                        "petitions.Attachment.name_enc")
    api = (platform.ApiRouter("/v1/petitions", "dieuhanh.petitions.api.petitions_router", "Đơn thư"),)
    # Whoever may be given a denunciation to handle sees its denouncer's identity once it is theirs
    # (confidentiality.py): they sign in with a second factor (docs/decisions/0032).
    two_factor_roles = PERMISSIONS["be_handler"]
    # Every morning: flags the petitions whose handling has gone on too long (detection.run_sweep).
    periodic = (platform.PeriodicJob("petitions.sweep", "dieuhanh.petitions.detection.run_sweep", "day", "01:00"),)

    def ready(self) -> None:
        from dieuhanh.core import audit, generations

        # What the register's filter bar offers (petitions/forms.py `_PETITION_OPTIONS`): where a
        # petition arises, who received and who handles it, its year; not its steps.
        generations.watch("petition-assignment", "petitions_petition",
                          columns=("unit_id", "receiving_unit_id", "year"))
        generations.watch("petition-assignment", "petitions_petitionhandler")
        from dieuhanh.petitions.choices import Action

        audit.register_verbs(Action.choices, object_type="petitions.petition")
        # Events written before repeat links of confidential petitions were sealed (decision
        # 0005) hold `duplicate_of_id`; snapshots no longer record it at all.
        audit.hide_keys("petitions.petition", "duplicate_of_id")
