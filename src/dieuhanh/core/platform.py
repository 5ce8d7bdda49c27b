"""How an app plugs into the platform: its AppConfig derives from `PlatformApp` and declares, in
its own folder, what the platform shows and serves for it.

- `menu`, `public_menu`: entries of the officers' and the citizens' navigation (`MenuItem`);
- `urls`: (prefix, module) pairs included in the site's URLs, in the settings' app order;
- `api`: the django-ninja routers it adds to API v1 (`ApiRouter`);
- `ioc_sections`: the sections of the IOC it fills (dotted paths to `ioc.sections.Section`);
- `demo`: its steps of the demo city (`DemoStep`);
- `home_panels`: its panels of the officer's dashboard (`HomePanel`);
- `public_lookups`: what a citizen can look up by code on `/tra-cuu/` (dotted paths to
  `find(code) -> core.lookup.Found | None`);
- `periodic`: the jobs the scheduler queues once per period (`PeriodicJob`, core/queue.py);
- `reminders`: its reminder rules (dotted paths, see notifications/reminders.py);
- `header`: templates drawn among the header's tools for every signed-in user (the
  notifications' unread count);
- `two_factor_roles`: the roles (org.choices.Role) whose holders must sign in with a second
  factor (core/twofactor.py): those whose work reaches what a stolen password must not open;
- `papers`: the kinds of formal documents it makes from its data (dotted paths to
  `core.papers.kinds.PaperKind`),
  served as .docx and PDF from its pages, the API and `dieuhanh document`;
- `on_start`: what to put right when a server process starts (dotted paths to functions without
  arguments): `dieuhanh serve` before the web server forks, `dieuhanh worker` before its first job,
  `runserver` (`run_start_hooks`). Not on every start of Django: a migration, a test run or a
  one-off command do not run them;

Its `permissions.py` (`core.access`) and `cases.py` (`core.cases`) are found by name, and its audit
verbs are declared in `ready()` (`core.audit.register_verbs`). Nothing in `core`, `ioc` or the
site's `urls.py` names an app: adding one touches its folder and the settings' app list."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import AppConfig, apps

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser


@dataclass(frozen=True)
class MenuItem:
    """A link of the navigation. `permission` is (app, action) the user must hold over some unit
    (None: every signed-in user); `active` lists the URL names (or name prefixes ending in "_",
    or "namespace:") under which the entry shows as the current page."""

    label: Any
    url: str
    order: int
    permission: tuple[str, str] | None = None
    active: tuple[str, ...] = ()

    def is_active(self, url_name: str, namespace: str) -> bool:
        for pattern in self.active or (self.url.rsplit(":", 1)[-1],):
            if pattern.endswith(":") and namespace == pattern[:-1]:
                return True
            if pattern.endswith("_") and url_name.startswith(pattern):
                return True
            if url_name == pattern:
                return True
        return False


@dataclass(frozen=True)
class DemoStep:
    """A step of `dieuhanh demo` (dotted path to `step(cast, rng, today, progress)`, which adds the
    app's sample records for the demo city and returns their counts, or None when they were
    already there: the demo may be loaded twice and adds nothing the second time). Steps run after
    the city's units and people exist, by `order`. `summary` names the counts the command prints
    ((key, label) pairs); `key` files the counts in the result. `logins`: the beginnings of the
    usernames of the logins the step creates besides the demo's personas (the committee members
    who send reports), so the loader still knows the database for the demo's."""

    label: str
    function: str
    order: int
    key: str = ""
    summary: tuple[tuple[str, str], ...] = ()
    logins: tuple[str, ...] = ()


@dataclass(frozen=True)
class HomePanel:
    """A panel of the officer's dashboard: `context` (dotted path) gives its figures for a user,
    or None to show nothing; `template` draws them. Shown to users who hold `permission`."""

    key: str
    order: int
    context: str
    template: str
    permission: tuple[str, str] | None = None


@dataclass(frozen=True)
class PeriodicJob:
    """A job the scheduler queues exactly once per period, however many workers run
    (core/queue.py): `function` (dotted path) is called with the first day of the period (a
    date); `every` is "hour", "day", "week" (from Monday) or "month"; `at` the local time
    ("HH:MM") from which a day's, week's or month's run is due."""

    key: str
    function: str
    every: str = "day"
    at: str = "00:00"


@dataclass(frozen=True)
class ApiRouter:
    """A django-ninja router (dotted path) mounted at `prefix` under /api/, with its tag."""

    prefix: str
    router: str
    tag: str


class PlatformApp(AppConfig):
    """The AppConfig of an app of the platform. Subclass it as `platform.PlatformApp` (the
    module, not the class, imported into `apps.py`): Django picks an app's config among the
    AppConfig classes its `apps.py` holds, and must find exactly one."""

    menu: ClassVar[tuple[MenuItem, ...]] = ()
    public_menu: ClassVar[tuple[MenuItem, ...]] = ()
    urls: ClassVar[tuple[tuple[str, str], ...]] = ()
    api: ClassVar[tuple[ApiRouter, ...]] = ()
    ioc_sections: ClassVar[tuple[str, ...]] = ()
    demo: ClassVar[tuple[DemoStep, ...]] = ()
    home_panels: ClassVar[tuple[HomePanel, ...]] = ()
    public_lookups: ClassVar[tuple[str, ...]] = ()
    periodic: ClassVar[tuple[PeriodicJob, ...]] = ()
    reminders: ClassVar[tuple[str, ...]] = ()
    header: ClassVar[tuple[str, ...]] = ()
    two_factor_roles: ClassVar[tuple[str, ...]] = ()
    on_start: ClassVar[tuple[str, ...]] = ()
    # Columns holding Fernet tokens under settings.FIELD_ENCRYPTION_KEYS ("app_label.Model.field"):
    # sampled at every start to check the keys open them, and before a new key is made
    # (core/fieldkeys.py).
    encrypted_fields: ClassVar[tuple[str, ...]] = ()
    # Folders under settings.DATA_DIR holding files the app keeps (uploads): a backup carries them
    # (core/backup.py).
    backup_dirs: ClassVar[tuple[str, ...]] = ()
    # The formal documents it makes from its data, as .docx and PDF (core/papers/kinds.py).
    papers: ClassVar[tuple[str, ...]] = ()
    # The URL name of the page that numbers and issues a draft document of any kind into an
    # outgoing register (`?kind=…&ident=…`); `{% paper_links … issue=True %}` links to it.
    paper_register: ClassVar[str] = ""


def platform_apps() -> Iterator[PlatformApp]:
    """The installed apps of the platform, in the settings' order."""
    for config in apps.get_app_configs():
        if isinstance(config, PlatformApp):
            yield config


def menu_for(
    user: AnyUser | None, url_name: str = "", namespace: str = "", *, public: bool = False
) -> list[dict[str, Any]]:
    """The navigation entries `user` may open, in order, with the current one marked."""
    from dieuhanh.core import access

    items = [item for app in platform_apps() for item in (app.public_menu if public else app.menu)]
    out = []
    for item in sorted(items, key=lambda i: i.order):
        if item.permission is not None and not access.holds(user, *item.permission):
            continue
        out.append({"label": item.label, "url": item.url, "current": item.is_active(url_name, namespace)})
    return out


def nav_links(menu: list[dict[str, Any]]) -> str:
    """The header's links of `menu` (from `menu_for`) as HTML. Every page writes them; the HTML
    of one menu in one language is kept, keyed by what it is written from (each entry's URL
    name, label as shown and whether it is the current page, and the language and URL prefix
    its links are reversed under): a menu that differs in anything is written anew."""
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    key = tuple((item["url"], str(item["label"]), bool(item["current"])) for item in menu)
    return _nav_links(get_language(), get_script_prefix(), key)


@functools.lru_cache(maxsize=512)
def _nav_links(language: str | None, prefix: str, menu: tuple[tuple[str, str, bool], ...]) -> str:
    from django.urls import reverse
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    marked = mark_safe(' aria-current="page"')
    return format_html_join("\n      ", '<a href="{}"{}>{}</a>',
                            ((reverse(url), marked if current else "", label) for url, label, current in menu))


def run_start_hooks(who: str) -> list[str]:
    """Run every app's `on_start` functions, in the settings' order, for the process `who` ("serve",
    "worker", "runserver"); returns the paths of those that ran. One that fails is logged with its
    traceback and the others still run: the server starts whatever a repair left undone (the next
    start, or the periodic jobs, try it again)."""
    import logging

    from django.utils.module_loading import import_string

    log = logging.getLogger("dieuhanh.start")
    ran = []
    for app in platform_apps():
        for path in app.on_start:
            try:
                import_string(path)()
            except Exception:
                log.exception("start of %s: %s failed", who, path)
            else:
                ran.append(path)
    return ran


def header_tools() -> list[str]:
    """The templates of the header's tools the apps add (`PlatformApp.header`), in order."""
    return [template for app in platform_apps() for template in app.header]


def demo_steps() -> list[DemoStep]:
    return sorted((step for app in platform_apps() for step in app.demo), key=lambda s: s.order)


def home_panels() -> list[HomePanel]:
    return sorted((panel for app in platform_apps() for panel in app.home_panels), key=lambda p: p.order)


def two_factor_roles() -> frozenset[str]:
    """The roles whose holders must use two-factor sign-in, as the apps declare them."""
    return frozenset(str(role) for app in platform_apps() for role in app.two_factor_roles)
