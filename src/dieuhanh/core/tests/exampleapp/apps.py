from dieuhanh.core import platform


class ExampleConfig(platform.PlatformApp):
    name = "dieuhanh.core.tests.exampleapp"
    label = "exampleapp"
    verbose_name = "Ví dụ: kiểm tra thực tế"
    menu = (platform.MenuItem("Kiểm tra thực tế", "exampleapp:inspection_list", 95, ("exampleapp", "view"),
                              ("exampleapp:",)),)
    urls = (("kiem-tra-thuc-te/", "dieuhanh.core.tests.exampleapp.urls"),)
    api = (platform.ApiRouter("/v1/inspections", "dieuhanh.core.tests.exampleapp.api.router", "Kiểm tra thực tế"),)
    ioc_sections = ("dieuhanh.core.tests.exampleapp.ioc.SECTION",)
    demo = (platform.DemoStep("Kiểm tra thực tế", "dieuhanh.core.tests.exampleapp.demo.step", 100, "inspections",
                                 (("inspections", "Cuộc kiểm tra thực tế"),)),)
    periodic = tuple(platform.PeriodicJob(f"exampleapp.{name}", f"dieuhanh.core.tests.exampleapp.jobs.{name}", every)
                     for name, every in (("hourly", "hour"), ("daily", "day"), ("weekly", "week"), ("monthly", "month")))

    def ready(self) -> None:
        from dieuhanh.core import audit

        audit.register_verbs([("close_inspection", "Kết luận kiểm tra thực tế")], object_type="exampleapp.inspection")
