"""A small world for tests, built through the real models and services, and the personas of
STYLE.md: the committee office, the leader, officers of ward A and ward B, an inspector, an
outsider with no role, and an administrator. Loaded as a pytest plugin (see pyproject.toml),
so every test can ask for the `world` fixture."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from dieuhanh.directives.models import Task
    from dieuhanh.dossiers.models import Dossier
    from dieuhanh.org.models import User
    from dieuhanh.petitions.models import Petition

PASSWORD = "Mat-khau-thu-nghiem-1"  # noqa: S105 - test-only password

# The example app exists only in the test suite: it plugs a case type, permissions, a menu entry,
# pages, an API router, an IOC section, an audit verb and a demo step into the platform from its
# own folder (core/tests/exampleapp), and the generic tests take it like every app. This plugin
# is loaded before Django reads its settings, which add the apps named here.
EXAMPLE_APP = "dieuhanh.core.tests.exampleapp"
os.environ.setdefault("DIEUHANH_EXTRA_APPS", EXAMPLE_APP)

# A parallel run (pytest-xdist, `-n auto` in the test command): each worker process has its own
# test database (pytest-django names it per worker) and its own folder of files (secret keys,
# exports, uploads, a file test database) below the run's data folder.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if XDIST_WORKER:
    os.environ["DIEUHANH_DATA_DIR"] = os.path.join(os.environ.get("DIEUHANH_DATA_DIR", "var"), XDIST_WORKER)


@dataclass
class World:
    province_old: Any
    city: Any
    ward_a_old: Any
    ward_b_old: Any
    province: Any
    ward_a: Any
    ward_b: Any
    party_committee: Any
    ward_a_committee: Any
    ward_b_committee: Any
    leader_person: Any
    officer_a_person: Any
    officer_b_person: Any
    office: Any
    leader: Any
    officer_a: Any
    officer_b: Any
    inspector: Any
    outsider: Any
    admin: Any
    resolution: Any
    reception_a: Any = None
    reception_b: Any = None
    officer_a2: Any = None
    onestop_a: Any = None
    onestop_b: Any = None
    onestop_province: Any = None
    province_department: Any = None

    def procedure(self, **overrides: Any) -> Any:
        """A commune-level procedure with a 5-working-day processing time (override any field)."""
        from dieuhanh.dossiers.models import Procedure

        fields: dict[str, Any] = {
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "field": "Hộ tịch",
            "level": "commune",
            "processing_days": 5,
            "online_type": "full",
            "postal_return": True,
        }
        fields.update(overrides)
        proc, _ = Procedure.objects.update_or_create(code=fields.pop("code"), defaults=fields)
        return proc

    def dossier(self, actor: User | None = None, **overrides: Any) -> Dossier:
        """A dossier received at ward A's one-stop desk now (override any field)."""
        from dieuhanh.dossiers.services import do_receive_dossier

        fields: dict[str, Any] = {
            "unit": self.ward_a,
            "channel": "desk",
            "applicant_name": "Nguyễn Thị Hồ Sơ",
            "applicant_phone": "0987654321",
        }
        fields.update(overrides)
        if "procedure" not in fields:
            fields["procedure"] = self.procedure()
        return do_receive_dossier(actor=actor or self.onestop_a, **fields)

    def petition(self, actor: User | None = None, **overrides: Any) -> Petition:
        """A valid complaint received by ward A today (override any field)."""
        from django.utils import timezone

        from dieuhanh.petitions.receiving import do_receive_petition

        fields: dict[str, Any] = {
            "kind": "complaint",
            "field": "land",
            "subject": "Khiếu nại quyết định thu hồi đất",
            "content": "Tôi khiếu nại Quyết định thu hồi đất số 12/QĐ-UBND vì chưa bồi thường đúng diện tích.",
            "unit": self.ward_a,
            "received_on": timezone.localdate(),
            "identity": {"name": "Nguyễn Văn Khiếu", "address": "Tổ dân phố 3, phường Chu Văn An", "phone": "0912345678"},
        }
        fields.update(overrides)
        return do_receive_petition(actor=actor or self.reception_a, **fields)

    def split_ward(self) -> Any:
        """Phường Văn Đức of 2021, split on 1/7/2025 between the two wards of today (half each):
        a figure recorded under it counts under both heirs."""
        from dieuhanh.org.choices import SuccessionKind, UnitKind, UnitLevel
        from dieuhanh.org.models import AdminUnit, UnitSuccession

        reform = dt.date(2025, 7, 1)
        van_duc = AdminUnit.objects.create(
            code="10600", name="Phường Văn Đức", level=UnitLevel.COMMUNE, kind=UnitKind.WARD,
            parent=self.city, valid_to=reform - dt.timedelta(days=1),
        )
        for heir in (self.ward_a, self.ward_b):
            UnitSuccession.objects.create(
                predecessor=van_duc, successor=heir, date=reform, kind=SuccessionKind.SPLIT, share=0.5
            )
        return van_duc

    def task(self, actor: User | None = None, **overrides: Any) -> Task:
        """A valid "5 rõ" task for ward A (override any field)."""
        from django.utils import timezone

        from dieuhanh.directives.services import do_create_task

        today = timezone.localdate()
        fields: dict[str, Any] = {
            "title": "Giải phóng mặt bằng tuyến đường Sao Đỏ – Côn Sơn",
            "source_document": self.resolution,
            "lead_unit": self.ward_a,
            "lead_person": self.officer_a_person,
            "due_date": today + dt.timedelta(days=30),
            "expected_result": "Bàn giao 100% mặt bằng cho chủ đầu tư",
            "accountable_person": self.leader_person,
            "assigned_on": today,
        }
        fields.update(overrides)
        return do_create_task(actor=actor or self.office, **fields)


def build_world() -> World:
    from django.db import transaction

    from dieuhanh.directives.services import do_create_document
    from dieuhanh.org.choices import OrganisationKind, Role, SuccessionKind, UnitKind, UnitLevel
    from dieuhanh.org.models import AdminUnit, Organisation, Person, RoleGrant, UnitSuccession, User

    reform = dt.date(2025, 7, 1)
    last_old_day = dt.date(2025, 6, 30)
    with transaction.atomic():
        province_old = AdminUnit.objects.create(
            code="30", name="Tỉnh Hải Dương", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE, valid_to=last_old_day
        )
        city = AdminUnit.objects.create(
            code="290", name="Thành phố Chí Linh", level=UnitLevel.DISTRICT, kind=UnitKind.PROVINCIAL_CITY,
            parent=province_old, valid_to=last_old_day,
        )
        ward_a_old = AdminUnit.objects.create(
            code="10549", name="Phường Sao Đỏ", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=city, valid_to=last_old_day
        )
        ward_b_old = AdminUnit.objects.create(
            code="10546", name="Phường Phả Lại", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=city, valid_to=last_old_day
        )
        province = AdminUnit.objects.create(
            code="31", name="Thành phố Hải Phòng", level=UnitLevel.PROVINCE, kind=UnitKind.CENTRAL_CITY, valid_from=reform
        )
        ward_a = AdminUnit.objects.create(
            code="10549", name="Phường Chu Văn An", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=province, valid_from=reform
        )
        ward_b = AdminUnit.objects.create(
            code="10546", name="Phường Chí Linh", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=province, valid_from=reform
        )
        for old, new in ((ward_a_old, ward_a), (ward_b_old, ward_b), (province_old, province)):
            UnitSuccession.objects.create(predecessor=old, successor=new, date=reform, kind=SuccessionKind.MERGE)
        party_committee = Organisation.objects.create(
            name="Thành uỷ Chí Linh", short_name="TU", kind=OrganisationKind.PARTY_COMMITTEE, unit=city
        )
        ward_a_committee = Organisation.objects.create(
            name="UBND phường Chu Văn An", short_name="UBND", kind=OrganisationKind.PEOPLES_COMMITTEE, unit=ward_a
        )
        ward_b_committee = Organisation.objects.create(
            name="UBND phường Chí Linh", short_name="UBND", kind=OrganisationKind.PEOPLES_COMMITTEE, unit=ward_b
        )
        leader_person = Person.objects.create(full_name="Trần Văn Lãnh")
        officer_a_person = Person.objects.create(full_name="Lê Thị An")
        officer_b_person = Person.objects.create(full_name="Phạm Văn Bình")

        def user(username: str, person: Any = None, **grants: Any) -> Any:
            u = User.objects.create_user(username=username, password=PASSWORD, person=person)
            for role, unit in grants.items():
                RoleGrant.objects.create(user=u, role=role, unit=unit)
            return u

        office = user("vanphong_t", **{Role.OFFICE: city})
        leader = user("bithu_t", leader_person, **{Role.LEADER: city})
        officer_a = user("phuong_a", officer_a_person, **{Role.UNIT_OFFICER: ward_a})
        officer_b = user("phuong_b", officer_b_person, **{Role.UNIT_OFFICER: ward_b})
        inspector = user("kiemtra_t", **{Role.INSPECTOR: city})
        outsider = user("nguoingoai_t")
        admin = User.objects.create_superuser(username="admin_t", password=PASSWORD)
        reception_a = user("tiepdan_a", **{Role.RECEPTION: ward_a})
        reception_b = user("tiepdan_b", **{Role.RECEPTION: ward_b})
        officer_a2 = user("phuong_a2", **{Role.UNIT_OFFICER: ward_a})
        onestop_a = user("motcua_a", **{Role.ONE_STOP: ward_a})
        onestop_b = user("motcua_b", **{Role.ONE_STOP: ward_b})
        province_department = Organisation.objects.create(
            name="Sở Nông nghiệp và Môi trường", short_name="SNNMT", kind=OrganisationKind.DEPARTMENT, unit=province
        )
        onestop_province = user("motcua_tinh", **{Role.ONE_STOP: province})
    resolution = do_create_document(
        actor=office,
        system="party",
        kind="NQ",
        number="01",
        issuer_code="ĐH",
        issuer=party_committee,
        issued_on=dt.date(2020, 10, 15),
        title="Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XXIII, nhiệm kỳ 2020–2025",
    )
    return World(
        province_old, city, ward_a_old, ward_b_old, province, ward_a, ward_b, party_committee, ward_a_committee,
        ward_b_committee, leader_person, officer_a_person, officer_b_person, office, leader, officer_a, officer_b,
        inspector, outsider, admin, resolution, reception_a, reception_b, officer_a2,
        onestop_a, onestop_b, onestop_province, province_department,
    )


# --- clients: one set of helpers for every test module ----------------------------------------


def signed_in(user: User) -> Client:
    """A browser client with `user`'s session."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def login(client: Client, user: User) -> Client:
    """Sign `user` in on an existing client (pytest-django's `client`) and return it."""
    client.force_login(user)
    return client


TEST_DEVICE = "tests"


def verify_session(client: Any, user: User) -> None:
    """Mark `client`'s session as past the second step of signing in (core/twofactor.py), the way
    `django_otp.login` does after a right code, when `user` has one to take: through a device of
    the user's own, kept for the tests (no code of it is ever accepted at the form)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from dieuhanh.core import twofactor

    fresh = type(user).objects.get(pk=user.pk)  # roles are cached on the user object: read them apart
    if not (twofactor.required(fresh) or twofactor.has_second_factor(fresh)):
        return  # signs in with the password alone
    device, _ = StaticDevice.objects.get_or_create(user=fresh, name=TEST_DEVICE, defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def one_time_code(user: User) -> str:
    """A new recovery code of `user` (enrolling an authenticator first if there is none), for a
    test that signs in through the form, code step included: each login needs a code of its own,
    and an authenticator gives only one per 30 seconds."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dieuhanh.core import twofactor

    TOTPDevice.objects.get_or_create(user=user, name=twofactor.AUTHENTICATOR, defaults={"confirmed": True})
    device, _ = StaticDevice.objects.get_or_create(user=user, name=twofactor.RECOVERY, defaults={"confirmed": True})
    code = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=code)
    return code


@pytest.fixture(autouse=True)
def _force_login_takes_both_steps(monkeypatch: Any) -> None:
    """`client.force_login(user)` (the test client's way past the login form) signs in as after
    the password and, for a user who has one, the second step: two-factor sign-in stays required
    in the tests (so the gate is tested everywhere a required user is not given a verified
    session), and the tests of other pages sign in as a real user would end up."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self: Any, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


def bearer(user: User) -> Client:
    """An API client holding a new token of `user` (Authorization: Bearer …)."""
    from django.test import Client

    from dieuhanh.core.tokens import do_create_token

    token, _ = do_create_token(user=user, actor=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def post_json(client: Any, url: str, body: Any = None) -> Any:
    """POST `body` as JSON."""
    return client.post(url, body if body is not None else {}, content_type="application/json")


def amend_rule(code: str, period: int, effective_from: dt.date, citation: str = "") -> Any:
    """Change the law in the test database the way the rule file says to: the version of `code`
    in force on `effective_from` ends the day before, and a new version with `period` (days,
    times, persons or an hour, in the same unit) applies from that day to the old version's end.
    Returns the new version.
    The autouse `_fresh_rule_table` fixture makes the next test read the table again."""
    from dataclasses import replace

    from dieuhanh.core import legal_rules

    current = legal_rules.rule_for(code, effective_from)
    assert current.effective_from < effective_from, "the new version must start after the current one"
    new = replace(current, period=period, effective_from=effective_from, effective_to=current.effective_to,
                  citation=citation or f"{current.citation} (sửa đổi thử)", note="Phiên bản thử nghiệm.")
    legal_rules.sync_rules([replace(current, effective_to=effective_from - dt.timedelta(days=1)), new])
    return new


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: Any, settings: Any) -> None:
    """Argon2 is deliberately slow; tests use a fast hasher except those marked `argon2`."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_figures() -> Any:
    """Each test's database starts again from the same ids: no figures it cached (core.figurecache)
    are served in the next test."""
    from dieuhanh.core import figurecache

    figurecache.clear()
    yield
    figurecache.clear()


@pytest.fixture(autouse=True)
def _fresh_rule_table() -> Any:
    """Tests may sync their own rule versions; none leaks into the next test's deadlines."""
    from dieuhanh.core import legal_rules

    legal_rules.forget()
    yield
    legal_rules.forget()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@dataclass
class SmtpServer:
    """A real SMTP server (aiosmtpd) on loopback; `messages` holds what it received, parsed."""

    host: str
    port: int
    messages: list[Any]

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if address in (m.get("To") or "")]


@pytest.fixture(scope="session")
def _smtp_controller() -> Any:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(message_from_bytes(envelope.original_content, policy=policy.default))
            return "250 OK"

    import socket

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, received
    controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller: Any, settings: Any) -> SmtpServer:
    """E-mail of this test goes through Django's SMTP backend to a real SMTP server on loopback."""
    controller, received = _smtp_controller
    received.clear()
    port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return SmtpServer("127.0.0.1", port, received)


@pytest.fixture
def queue_worker(transactional_db: Any) -> Any:
    """A queue worker (core.worker.QueueWorker) in a thread of the test process, beside
    pytest-django's `live_server`: it takes what the pages queue (an import) as `dieuhanh
    worker` would. Stopped at the end of the test."""
    import threading

    from django.db import connection

    from dieuhanh.core.worker import QueueWorker

    worker = QueueWorker(interval=0.1, startup_delay=False, worker_id="test-worker")

    def main() -> None:
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=main, name="queue-worker", daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=60)


@dataclass
class SharedDatabase:
    """A database the test shares with processes it starts (`dieuhanh worker`, `serve`): `env`
    for those processes, `query(sql)` to read what they committed (plain SQL, both databases)."""

    env: dict[str, str]
    vendor: str
    sqlite_path: Any = None

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.sqlite_path is not None:
            import sqlite3

            con = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=20)
            try:
                return con.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                con.close()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    @staticmethod
    def cli(*args: str) -> list[str]:
        import sys

        return [sys.executable, "-m", "dieuhanh.cli", *args]


@pytest.fixture
def shared_database(request: Any, tmp_path: Any) -> SharedDatabase:
    """On PostgreSQL, the test database itself: the test is marked
    `django_db(transaction=True)`, so it runs outside a transaction, sees what the processes
    commit, and the tables are emptied after it;
    on SQLite, a file database of its own in `tmp_path`, migrated by `dieuhanh migrate` (the
    in-memory test database cannot be opened by another process). The processes get the test
    run's extra apps (the example app) and a data folder in `tmp_path`."""
    import subprocess
    from pathlib import Path
    from urllib.parse import quote

    from django.db import connection

    src = str(Path(__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIEUHANH_", "DATABASE_URL", "DJANGO_"))}
    env.update(DIEUHANH_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="dieuhanh.settings",
               DIEUHANH_EXTRA_APPS=os.environ.get("DIEUHANH_EXTRA_APPS", EXAMPLE_APP),
               PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])]))
    if connection.vendor == "postgresql":
        marker = request.node.get_closest_marker("django_db")
        if marker is None or not (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
            raise pytest.UsageError("shared_database needs @pytest.mark.django_db(transaction=True)")
        d = connection.settings_dict
        env["DATABASE_URL"] = (f"postgres://{quote(d['USER'] or '')}:{quote(str(d['PASSWORD'] or ''))}@"
                               f"{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{quote(d['NAME'])}")
        return SharedDatabase(env, "postgresql")
    path = tmp_path / "shared.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{path}"
    subprocess.run(SharedDatabase.cli("migrate"), env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
    return SharedDatabase(env, "sqlite", path)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """The tests that read the demo city run last, in their modules' order: the demo is loaded
    once for the whole run (`demo`), and every test that builds its own `world` (which shares
    the demo's unit codes) has run before it. In a parallel run (`-n auto`) each worker loads the
    demo into its own test database when it meets its first such test; pytest-xdist hands the
    tests out in this order, so a worker meets them only after every other test has been handed
    out, and no `world` test follows the demo on any worker."""
    reads_demo = [item for item in items if _reads_shared_demo(item)]
    if reads_demo:
        others = [item for item in items if not _reads_shared_demo(item)]
        items[:] = others + reads_demo


def _reads_shared_demo(item: Any) -> bool:
    """Whether the test asks for this module's run-wide `demo` (a module may define its own,
    committed for a live server: that one stays where it is, before the run-wide transaction
    opens, since a live server cannot see inside it)."""
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.get("demo") if info is not None else None
    if not defs:
        return False
    return bool(defs[-1].scope == "session")


@pytest.fixture(scope="session")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo city (`dieuhanh demo`), loaded once for the test run, when the first test that
    asks for it starts, in a transaction rolled back at the end; each test runs in its own
    savepoint inside it. Those tests run after all others (`pytest_collection_modifyitems`), so
    a test must not ask for both `demo` and `world`: they share unit codes."""
    from django.db import transaction
    from django.test import override_settings

    from dieuhanh.demo.loader import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        loaded = load_demo()
        # Blocked again while the tests run: a test reaches the database through `db`, whose
        # savepoint keeps what it writes from the tests after it.
        with django_db_blocker.block():
            yield loaded
        transaction.set_rollback(True)



# --- English mode: how much of a page is still Vietnamese ------------------------------------

VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


def in_english(client: Client) -> Client:
    """`client` with English chosen (the language cookie the switch sets)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def stored_text() -> list[str]:
    """Every text value stored in the database (names of units and people, petition and dossier
    contents, legal citations, notes...), longest first: the user data a page may show, which is
    not interface text."""
    from django.apps import apps
    from django.db import models

    values: set[str] = set()
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        for row in model._base_manager.values_list(*names) if names else ():
            values.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 1)
    return sorted(values, key=len, reverse=True)


PRODUCT_NAME = re.compile(r"Điều Hành", re.IGNORECASE)  # a name, the same in every language


def vietnamese_words(html: str, data: list[str]) -> tuple[float, list[str]]:
    """The share of the words of a page's own text — its <main> element (the whole page if it
    has none), scripts, styles and tags dropped, stored values `data` and the product's name
    removed — written with Vietnamese letters, and those words."""
    main = re.search(r"<main\b.*?</main>", html, flags=re.S | re.I)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", main.group(0) if main else html, flags=re.S | re.I)
    text = unescape(re.sub(r"<[^>]+>", " ", text))
    text = PRODUCT_NAME.sub(" ", re.sub(r"\s+", " ", text))
    for value in data:
        text = text.replace(re.sub(r"\s+", " ", value), " ")
    words = re.findall(r"[^\W\d_]+", text)
    vietnamese = [w for w in words if VIETNAMESE_LETTER.search(w)]
    return (len(vietnamese) / len(words) if words else 0.0), vietnamese
