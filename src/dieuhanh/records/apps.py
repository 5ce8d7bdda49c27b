from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class RecordsConfig(platform.PlatformApp):
    name = "dieuhanh.records"
    verbose_name = gettext_lazy("Văn thư: sổ văn bản đi, đến")
    menu = (
        platform.MenuItem(_("Văn thư"), "records:outgoing_list", 45, ("records", "view"), ("records:",)),
    )
    urls = (("van-thu/", "dieuhanh.records.urls"),)
    api = (platform.ApiRouter("/v1/records", "dieuhanh.records.api.router", "Văn thư"),)
    backup_dirs = ("records",)
    paper_register = "records:outgoing_from_paper"
    demo = (platform.DemoStep(
        "Sổ văn bản đi, đến", "dieuhanh.records.demo.step", 15, "records",
        (("terms", "Nhiệm kỳ cấp uỷ"), ("outgoing", "Văn bản đi"), ("incoming", "Văn bản đến"),
         ("assigned", "Văn bản đến đã giao xử lý")),
    ),)

    def ready(self) -> None:
        from dieuhanh.core import audit
        from dieuhanh.records.choices import Verb

        audit.register_verbs([(Verb.ISSUE.value, Verb.ISSUE.label)], object_type="records.outgoingdocument")
        audit.register_verbs([(Verb.ASSIGN.value, Verb.ASSIGN.label)], object_type="records.outgoingdocument")
        audit.register_verbs([(Verb.RECEIVE.value, Verb.RECEIVE.label), (Verb.ASSIGN.value, Verb.ASSIGN.label)],
                             object_type="records.incomingdocument")
        audit.register_verbs([(Verb.ADD_TERM.value, Verb.ADD_TERM.label)], object_type="records.committeeterm")
