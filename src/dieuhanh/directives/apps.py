from django.utils.translation import gettext_lazy as _

from dieuhanh.core import platform


class DirectivesConfig(platform.PlatformApp):
    name = "dieuhanh.directives"
    verbose_name = "Văn bản chỉ đạo và nhiệm vụ"
    menu = (
        platform.MenuItem(_("Nhiệm vụ"), "directives:task_list", 30, active=("task_",)),
        platform.MenuItem(_("Văn bản"), "directives:document_list", 40, active=("document_",)),
        platform.MenuItem(_("Cuộc họp"), "directives:meeting_list", 50, active=("meeting_",)),
    )
    urls = (("", "dieuhanh.directives.urls"),)
    ioc_sections = ("dieuhanh.directives.ioc.SECTION",)
    home_panels = (
        platform.HomePanel("tasks", 10, "dieuhanh.directives.home.panel", "directives/_home_summary.html"),
        platform.HomePanel("task_lists", 90, "dieuhanh.directives.home.panel", "directives/_home_lists.html"),
    )
    api = (
        platform.ApiRouter("/v1/tasks", "dieuhanh.directives.api.tasks_router", "Nhiệm vụ"),
        platform.ApiRouter("/v1/documents", "dieuhanh.directives.api.documents_router", "Văn bản"),
    )
