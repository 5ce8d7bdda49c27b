"""Reminders and escalation: the daily sweep (docs/decisions/0028).

Each app declares its reminder rules: the code of each in its `reminders.py` (a function per rule,
marked `@reminder("task.due_soon")` and named in its AppConfig's `reminders`), their numbers in
its `data/reminders.yaml` — lead time in working days, how long a thing may wait, how often a
reminder comes again while nothing changes, when a leader is told too, and to whom each goes:

- `lead_working_days: N` — due within N working days: the working days left after today up
  to the due date, inclusive, are N or fewer (a deadline on a holiday counts the working days
  before it: a task due Thursday 19/2/2026, in the Tết break, has three left on Tuesday 10/2);
- `after_working_days: N` — waiting more than N working days;
- `repeat_days: 7` — again every 7 days while it holds (overdue, still waiting);
- `escalate_after_repeats: 1`, `escalate_to: [...]` — from that repeat on, also to these;
- `name` — what the rule is, in the command's table;
- `to: [...]` — recipients: a person the object names (`lead_person`, `accountable`,
  `handlers`: the app's function says who they are); `unit:<action>:<roles>`, the unit's own
  officers — those holding that action of the app through a grant on the object's unit (or a
  unit it succeeded), limited to the roles listed, or, where it has none, those of the nearest
  unit above; `over:<action>:<roles>`, every one whose grant covers it (a leader of the city
  over a ward's work). `core.access.holders`.

The sweep runs once a day (the scheduler's `PeriodicJob`, 06:00) and at once with `dieuhanh
reminders --today`. It runs on working days only: on a day off it adds nothing, and what fell
due is picked up by the next working day's sweep (a reminder's period is in its key, not in the
day it is sent). Each reminder's key is `rule:object:period` (the due date, the week of being
overdue…), so a second run on the same day, or the next day within the same period, adds
nothing; a reminder goes only to those who may see its object (`services.notify_many`), and its
title names the object by its code and subject, never a petitioner or a denouncer.

Bundling. When one sweep would give one person more than `bundle_above` reminders of one rule
(its escalation counts as a rule of its own), that person gets ONE summary instead: "13.543
nhiệm vụ quá hạn … trong phạm vi của đồng chí", its body naming the first few objects by code,
its link the app's list filtered to those kinds of objects. The number is data
(`bundle_above: N` in the rule's entry; `BUNDLE_ABOVE` when the entry has none: every rule can
flood someone at province scale, so none is left without). The words and the link are code,
next to the rule's function: `@reminder("task.overdue", summary=…, escalated=…, bundle_list=…)`
(the list's address and its filter's parameters change with the app's views and filters, not
with policy). The reminders are still written, each with its key, pointing to their summary
(`Notification.bundle`): exactly-once holds per object, so tomorrow's sweep within the same
period neither sends nor groups them again; the centre, the counts, the API and e-mail show
the summary only (`services.shown`). Grouping is per recipient: a summary counts only the
objects that person may see.

Events (a task assigned, a report beyond authority, the leader's answer) are not swept: the
apps' services call their `reminders.py` at once, through `services.notify`."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from dieuhanh.core import access, calendar
from dieuhanh.notifications.choices import EmailMode
from dieuhanh.notifications.services import Bundle, Item, email_channels, notify_many

DATA_FILE = Path("data") / "reminders.yaml"
FIELDS = {
    "code", "name", "lead_working_days", "after_working_days", "repeat_days", "escalate_after_repeats", "escalate_to", "to",
    "note", "bundle_above",
}
# More reminders of one rule than this to one person in one sweep make one summary (a rule's
# `bundle_above` overrides it): a desk reads five items; beyond that a list does the work better.
BUNDLE_ABOVE = 5


@dataclass(frozen=True)
class ReminderRule:
    """A rule's numbers and recipients, from its app's `data/reminders.yaml`."""

    code: str
    app: str
    to: tuple[str, ...]
    name: str = ""
    lead_working_days: int | None = None
    after_working_days: int | None = None
    repeat_days: int | None = None
    escalate_after_repeats: int | None = None
    escalate_to: tuple[str, ...] = ()
    note: str = ""
    bundle_above: int = BUNDLE_ABOVE


@dataclass
class Reminder:
    """What a rule's function finds for a day: the object (its model label and id, its unit), the
    period this reminder is for (part of its key), its title and link, the people it names
    (`people["lead_person"] = {user ids}`), and which repeat it is (0: the first)."""

    object_type: str
    object_id: int
    unit_id: int | None
    period: str
    title: str
    url: str = ""
    body: str = ""
    people: dict[str, set[int]] = field(default_factory=dict)
    repeat: int = 0
    code: str = ""  # the object's code, as a summary names it ("NV-2026-0012", "12/2026")


@dataclass(frozen=True)
class Day:
    """The day of a sweep and the calendar snapshot it counts on (read once per sweep)."""

    today: dt.date
    cal: calendar.WorkCalendar

    def due_window_end(self, lead_working_days: int) -> dt.date:
        """The first due date NOT within `lead_working_days` working days: a due date d is within
        them when today <= d < this day (the working days in (today, d] are at most N)."""
        return self.cal.add(self.today, lead_working_days + 1, working=True)

    def repeat_since(self, first_day: dt.date, every_days: int | None) -> int:
        """Which repeat of a reminder that first applies on `first_day` today falls in (0 for
        the first `every_days` days; always 0 without repeats)."""
        if not every_days:
            return 0
        return max(0, (self.today - first_day).days) // every_days


RuleFunction = Callable[[Day, ReminderRule], Iterable[Reminder]]


@dataclass(frozen=True)
class Summary:
    """What a rule's summary says (see "Bundling" above): `words` and `escalated` (for its
    escalation; `words` when not given) are lazy translations with `%(n)s`, the number grouped
    ("13.543"), chosen by `count` (ngettext_lazy(…, "count")); `list_url(day, rule, escalation)` is the
    path of the app's list showing those objects (of the rule, or of its escalation)."""

    words: Any = None
    escalated: Any = None
    list_url: Callable[[Day, ReminderRule, bool], str] | None = None


def reminder(
    code: str, *, summary: Any = None, escalated: Any = None, bundle_list: Callable[[Day, ReminderRule, bool], str] | None = None
) -> Callable[[RuleFunction], RuleFunction]:
    """Mark a function as the code of reminder rule `code` (its numbers are in the app's data),
    with the words and the list link of its summary (`Summary`)."""

    def mark(fn: RuleFunction) -> RuleFunction:
        fn.reminder_code = code  # type: ignore[attr-defined]
        fn.reminder_summary = Summary(summary, escalated, bundle_list)  # type: ignore[attr-defined]
        return fn

    return mark


def bundle_of(rule: ReminderRule, fn: RuleFunction, day: Day, *, escalation: bool = False) -> Bundle:
    """How the sweep of `day` groups `rule`'s reminders (or those of its escalation)."""
    from django.utils.translation import gettext

    from dieuhanh.core.templatetags.dieuhanh import group_digits

    s: Summary = getattr(fn, "reminder_summary", Summary())
    words = (s.escalated or s.words) if escalation else s.words
    name = label(f"{rule.code}.escalated" if escalation else rule.code)

    def title(count: int) -> str:
        if words is None:
            return gettext("%(n)s thông báo «%(name)s» trong phạm vi của đồng chí") % {"n": group_digits(count), "name": name}
        return str(words % {"count": count, "n": group_digits(count)})

    return Bundle(rule.bundle_above, title, s.list_url(day, rule, escalation) if s.list_url else "")


_PLAIN = re.compile(r"[A-Za-z0-9._-]+")


def link(url_name: str) -> Callable[[object], str]:
    """The path of an object's page from its id or code, `reverse` done once for a whole rule (a
    sweep links tens of thousands of objects): `link("directives:task_detail")(12)`."""
    from urllib.parse import quote

    from django.urls import reverse
    from django.utils.http import RFC3986_SUBDELIMS

    marker = "4242424242"  # matches an integer or a code converter alike
    head, _, tail = reverse(url_name, args=[marker]).partition(marker)

    def path(value: object) -> str:
        text = str(value)
        if not _PLAIN.fullmatch(text):  # quoted as `reverse` quotes it
            text = quote(text, safe=RFC3986_SUBDELIMS + "/~:@")
        return f"{head}{text}{tail}"

    return path


def _read(path: Path, app: str) -> dict[str, ReminderRule]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out: dict[str, ReminderRule] = {}
    for entry in raw:
        unknown = set(entry) - FIELDS
        if unknown or "code" not in entry or not entry.get("to"):
            raise ImproperlyConfigured(f"{path}: {entry.get('code')!r}: needs code and to; unknown {sorted(unknown)}")
        for key in ("lead_working_days", "after_working_days", "repeat_days", "escalate_after_repeats", "bundle_above"):
            if entry.get(key) is not None and (not isinstance(entry[key], int) or entry[key] < 0):
                raise ImproperlyConfigured(f"{path}: {entry['code']}.{key} must be a whole number of days")
        out[entry["code"]] = ReminderRule(
            code=entry["code"], app=app, to=tuple(entry["to"]), name=entry.get("name", ""), lead_working_days=entry.get("lead_working_days"),
            after_working_days=entry.get("after_working_days"), repeat_days=entry.get("repeat_days"),
            escalate_after_repeats=entry.get("escalate_after_repeats"),
            escalate_to=tuple(entry.get("escalate_to") or ()), note=entry.get("note", ""),
            bundle_above=BUNDLE_ABOVE if entry.get("bundle_above") is None else entry["bundle_above"],
        )
    return out


@functools.cache
def rules() -> tuple[tuple[ReminderRule, RuleFunction], ...]:
    """Every app's reminder rules with their functions, in the settings' app order. A function
    without numbers, or numbers without a function, is a configuration error."""
    from dieuhanh.core import platform

    out: list[tuple[ReminderRule, RuleFunction]] = []
    for app in platform.platform_apps():
        if not app.reminders:
            continue
        path = Path(app.path) / DATA_FILE
        data = _read(path, app.label) if path.exists() else {}
        codes = set()
        for dotted in app.reminders:
            fn = import_string(dotted)
            code = getattr(fn, "reminder_code", None)
            if code is None or code not in data:
                raise ImproperlyConfigured(f"{dotted}: no rule {code!r} in {path}")
            codes.add(code)
            out.append((data[code], fn))
        if set(data) - codes:
            raise ImproperlyConfigured(f"{path}: rules without a function: {sorted(set(data) - codes)}")
    return tuple(out)


def label(code: str) -> str:
    """A rule's name for the command's table (the escalation of a rule: its name, to leaders)."""
    names = {rule.code: rule.name or rule.code for rule, _ in rules()}
    if code.endswith(".escalated") and code.removesuffix(".escalated") in names:
        return f"{names[code.removesuffix('.escalated')]} — báo lãnh đạo"  # the command's output is Vietnamese only
    return names.get(code, code)


def key_of(rule: str, r: Reminder) -> str:
    return f"{rule}:{r.object_id}:{r.period}"


def recipients(rule: ReminderRule, found: list[Reminder], specs: tuple[str, ...], today: dt.date) -> list[set[int]]:
    """For each reminder, the user ids its `specs` name (see the module's docstring)."""
    by_unit: dict[str, dict[int, set[int]]] = {}
    units = {r.unit_id for r in found if r.unit_id is not None}
    for spec in specs:
        kind, _, rest = spec.partition(":")
        if kind in ("unit", "over"):
            action, _, roles = rest.partition(":")
            only = tuple(r for r in roles.split(",") if r)
            by_unit[spec] = access.holders(rule.app, action, units, only_roles=only, nearest=kind == "unit", today=today)
    out = []
    for r in found:
        users: set[int] = set()
        for spec in specs:
            if spec in by_unit:
                users |= by_unit[spec].get(r.unit_id, set()) if r.unit_id is not None else set()
            else:
                users |= r.people.get(spec, set())
        out.append(users)
    return out


CHANNELS = ("in_app", EmailMode.IMMEDIATE.value, EmailMode.DIGEST.value)


@dataclass
class SweepResult:
    """What a sweep added (or, dry, would add): per rule, the number of objects it found and the
    notifications: "in_app", one per object and person (every one, keyed), "bundled" of them
    grouped into "summaries"; the messages by e-mail at once ("immediate") and in the daily
    digest ("digest"): a summary is one, the reminders in it none."""

    today: dt.date
    dry_run: bool
    working_day: bool = True
    found: Counter[str] = field(default_factory=Counter)
    sent: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(c["in_app"] for c in self.sent.values())


def run(
    today: dt.date, *, dry_run: bool = False, progress: Callable[[str, int, int], None] | None = None
) -> SweepResult:
    """The sweep of `today`: every rule's reminders, added once each (nothing with `dry_run`).
    `progress(label, done, total)` is called after each rule."""
    cal = calendar.current()
    result = SweepResult(today=today, dry_run=dry_run, working_day=cal.is_working_day(today))
    if not result.working_day:
        return result
    day = Day(today, cal)
    table = rules()
    items: list[Item] = []
    bundles: dict[str, Bundle] = {}
    for n, (rule, fn) in enumerate(table):
        bundles[rule.code] = bundle_of(rule, fn, day)
        found = list(fn(day, rule))
        result.found[rule.code] += len(found)
        result.sent.setdefault(rule.code, Counter())
        for r, users in zip(found, recipients(rule, found, rule.to, today), strict=True):
            items.extend(
                Item(u, rule.code, r.title, key_of(rule.code, r), r.object_type, r.object_id, r.url, r.body, r.unit_id,
                     code=r.code)
                for u in users
            )
        if rule.escalate_to and rule.escalate_after_repeats is not None:
            escalated = [r for r in found if r.repeat >= rule.escalate_after_repeats]
            code = f"{rule.code}.escalated"
            result.sent.setdefault(code, Counter())
            bundles[code] = bundle_of(rule, fn, day, escalation=True)
            for r, users in zip(escalated, recipients(rule, escalated, rule.escalate_to, today), strict=True):
                items.extend(
                    Item(u, code, r.title, key_of(rule.code, r), r.object_type, r.object_id, r.url, r.body, r.unit_id,
                         code=r.code)
                    for u in users
                )
        if progress:
            progress(rule.code, n + 1, len(table) + 1)
    fresh = notify_many(items, write=not dry_run, bundles=bundles)
    channels = email_channels({i.recipient_id for i in fresh})
    for i in fresh:
        counts = result.sent.setdefault(i.rule, Counter())
        if i.bundled:
            counts["summaries"] += 1
        else:
            counts["in_app"] += 1
            counts["bundled"] += bool(i.bundle_key)
        if channels.get(i.recipient_id) and not i.bundle_key:
            counts[channels[i.recipient_id]] += 1
    if progress:
        progress("", len(table) + 1, len(table) + 1)
    return result


def daily(first_day: dt.date) -> int:
    """The scheduler's daily job (`PeriodicJob` "reminders", 06:00): the sweep of that day.
    Returns how many notifications it added."""
    return run(first_day).total
