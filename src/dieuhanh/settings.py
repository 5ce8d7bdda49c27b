"""One settings file, driven by the environment (see README, "Configuration").

DATABASE_URL   sqlite:///path or postgres://user:pass@host:port/name (default: SQLite in DATA_DIR)
DIEUHANH_DATA_DIR   where the SQLite file, the secret key and exports live (default: ./var)
DIEUHANH_DEBUG      1 to enable Django debug pages (never in production)
DIEUHANH_DEMO       1 when serving the demo city (prints personas; binds 127.0.0.1 only)
DIEUHANH_ALLOWED_HOSTS  comma-separated host names
DIEUHANH_FIELD_KEYS  comma-separated Fernet keys for identity fields (default: DATA_DIR/field_keys)
DIEUHANH_BACKUP_DIR  where the daily backup is written (unset: no scheduled backup); see core/backup.py
DIEUHANH_BACKUP_KEEP  how many daily backups are kept there (7)
DIEUHANH_BACKUP_AT  the local time the daily backup is due from (02:30)
DIEUHANH_BACKUP_PASSPHRASE_FILE  a file whose first line encrypts the keys inside the daily backup
DIEUHANH_IMPORT_BULK_ROWS  dossiers an import must add to rebuild the indexes once at its end (100000)
DIEUHANH_IMPORT_BATCH_ROWS  rows per transaction of an import run by a worker (25000)
DIEUHANH_WORKER_STALE_SECONDS  a worker silent this long is gone; its running jobs are queued again (60)
DIEUHANH_WORKER_MAX_ATTEMPTS  workers a job may outlive before it is marked failed (5)
DIEUHANH_TRUSTED_PROXIES  comma-separated addresses or networks of reverse proxies (default: none)
DIEUHANH_PROXY_HEADER  the header those proxies put the client's address in (X-Forwarded-For)
DIEUHANH_KIOSK_ADDRESSES  comma-separated addresses or networks of public kiosks and shared offices
DIEUHANH_KIOSK_FILE_LIMIT  filings an hour from one of those addresses (default 100)
DIEUHANH_SMS_BACKEND  text messages to citizens: file (default, DATA_DIR/sms), http, or empty for none
DIEUHANH_SMS_URL, DIEUHANH_SMS_TOKEN, DIEUHANH_SMS_SENDER, DIEUHANH_SMS_TIMEOUT  the HTTP gateway
DIEUHANH_HTTPS  1 when people reach the app over HTTPS: secure cookies, HSTS, redirect to HTTPS
DIEUHANH_PROXY_SSL_HEADER  1 when a reverse proxy ends TLS and sets X-Forwarded-Proto
DIEUHANH_HSTS_SUBDOMAINS  1 to extend HSTS to every subdomain of the app's host name
DIEUHANH_IDLE_MINUTES  a signed-in session unused this long is ended (30)
DIEUHANH_LOGIN_ADDRESS_FAILURES, DIEUHANH_LOGIN_ADDRESS_MINUTES  failed logins from one address,
    whatever the accounts, before it is refused until the minutes since the first one pass (20, 15)
DIEUHANH_OTP_FAILURES, DIEUHANH_OTP_MINUTES  wrong codes of one account's second step (5, 15)
DIEUHANH_API_TOKEN_FAILURES, DIEUHANH_API_TOKEN_MINUTES  wrong API tokens from one address (20, 15)
DIEUHANH_ADMINS  "Name <mail>, other@mail": who gets a mail for every error logged
DIEUHANH_LOG_FILE  also write the JSON log lines to this file; DIEUHANH_LOG_FORMAT=text for plain lines
DIEUHANH_LOG_LEVEL  the least level logged (WARNING; requests are logged at INFO by dieuhanh.request)
DIEUHANH_DB_BUSY_SECONDS  a write waits this long for a lock, then the page says "busy, try again" (SQLite: 20)
DIEUHANH_REPLICA_URL  comma-separated postgres:// URLs of read replicas for the statistics pages (core/replicas.py)
DIEUHANH_REPLICA_MAX_LAG  a replica further behind than these seconds is not read (30)
DIEUHANH_READ_YOUR_WRITES_SECONDS  after a client writes, its statistics are read on the primary this long (10)
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
# Whatever the app writes — the SQLite file and its journal, keys, uploaded imports and their
# error files, exports, mail and SMS files — is readable by the service user only: every process
# (web server, worker, command) reads these settings first. Static files are served by the app
# itself (WhiteNoise), so no web server of another user needs to read the data directory.
os.umask(0o077)
DATA_DIR = Path(os.environ.get("DIEUHANH_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _private(path: Path, mode: int = 0o600) -> None:
    """Narrow an existing file or directory of the service user to that user (one made before
    the umask above, by an older release); leave another user's alone."""
    if path.exists() and path.stat().st_uid == os.geteuid() and path.stat().st_mode & 0o077:
        path.chmod(mode)


_private(DATA_DIR, 0o700)


def write_private(path: Path, text: str) -> None:
    """Create `path` with mode 0600 from the start (never readable by others, not even between
    its creation and a chmod); refuses to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _secret_key() -> str:
    if key := os.environ.get("DIEUHANH_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        write_private(path, secrets.token_urlsafe(50))
    _private(path)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_keys() -> list[str]:
    """Keys that encrypt denouncers' identities at rest (Fernet). The first encrypts; all decrypt,
    so a key can be rotated by putting a new one first. Kept outside the database on purpose: a
    copy of the database alone does not reveal who denounced whom.

    Not created here: a new key is made only once the database is known to hold no encrypted
    identity (core/fieldkeys.py, on migrate or at the first encryption), never beside a database
    whose identities some lost key encrypted. Every start checks the keys open them (core/checks.py)."""
    if keys := os.environ.get("DIEUHANH_FIELD_KEYS"):
        return [k.strip() for k in keys.split(",") if k.strip()]
    if not FIELD_KEYS_FILE.exists():
        return []
    _private(FIELD_KEYS_FILE)
    return [k.strip() for k in FIELD_KEYS_FILE.read_text().splitlines() if k.strip()]


FIELD_KEYS_FILE = DATA_DIR / "field_keys"
FIELD_ENCRYPTION_KEYS = _field_keys()
DEBUG = os.environ.get("DIEUHANH_DEBUG") == "1"
DEMO_MODE = os.environ.get("DIEUHANH_DEMO") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DIEUHANH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # django-ninja as an app: /api/docs then renders its own template, which loads Swagger UI from
    # the copy in the package's static files (ninja/static/ninja/) instead of from a CDN.
    "ninja",
    "axes",
    # Two-factor sign-in (core/twofactor.py, docs/decisions/0032): the authenticator app's TOTP
    # device and the one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "dieuhanh.core",
    "dieuhanh.org",
    "dieuhanh.directives",
    "dieuhanh.petitions",
    "dieuhanh.dossiers",
    "dieuhanh.indicators",
    "dieuhanh.ioc",
    "dieuhanh.notifications",
    "dieuhanh.reporting",
    "dieuhanh.records",
    "dieuhanh.inspection",
    "dieuhanh.demo",
]
# Apps added by the environment: the test suite installs its example app this way
# (dieuhanh.testing), to prove that an app plugs in with no edit outside its folder.
INSTALLED_APPS += [a.strip() for a in os.environ.get("DIEUHANH_EXTRA_APPS", "").split(",") if a.strip()]

MIDDLEWARE = [
    # first: its X-Request-ID and its log line cover the whole request (core/logs.py); a reading
    # request keeps what core/requestmemo.py reads (the unit tree's stamp, the calendar) until its end
    "dieuhanh.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dieuhanh.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # a client that wrote reads its statistics on the primary for a while (core/replicas.py)
    "dieuhanh.core.replicas.PrimaryAfterWriteMiddleware",
    "dieuhanh.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dieuhanh.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dieuhanh.core.middleware.IdleTimeoutMiddleware",
    "dieuhanh.core.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A view that failed on a busy database (a lock not obtained in time) answers 503 "try again"
    # with the form kept, not a 500 (core/errors.py; the site's handler500 does the same for an
    # error raised outside a view).
    "dieuhanh.core.errors.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "dieuhanh.urls"
WSGI_APPLICATION = "dieuhanh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dieuhanh.core.context_processors.app",
            ],
        },
    },
]

# Django's form renderer with <select> written in Python, not one template per option (core/forms.py).
FORM_RENDERER = "dieuhanh.core.forms.FormRenderer"

_default_db = f"sqlite:///{DATA_DIR / 'dieuhanh.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
# How long a write waits for another's lock before the request answers "busy, try again" (503,
# core/errors.py): SQLite's busy timeout (20 s unless set); on PostgreSQL, `lock_timeout`, only
# when set (otherwise a write waits as long as PostgreSQL lets it).
_DB_BUSY_SECONDS = float(os.environ.get("DIEUHANH_DB_BUSY_SECONDS", "0") or 0)
DIEUHANH_BUSY_RETRY_SECONDS = 5
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and _DB_BUSY_SECONDS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={int(_DB_BUSY_SECONDS * 1000)}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN so
    # two concurrent writers queue on busy_timeout instead of failing with "database is locked".
    # Connections kept between requests, as on PostgreSQL (`conn_max_age` above): a new one per
    # request cost about 2 ms of CPU (connect, the pragmas, Django's SQL functions, the schema
    # parsed again, a cold page cache), a third of a small page (bench/bench_load.py).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": _DB_BUSY_SECONDS or 20,
    }
    for _suffix in ("", "-wal", "-shm"):  # a database made before the umask above
        _private(Path(f"{DATABASES['default']['NAME']}{_suffix}"))
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")} if os.environ.get(
        "DIEUHANH_TEST_FILE_DB"
    ) else {}

# Read replicas (core/replicas.py, docs/decisions/0037): PostgreSQL standbys the statistics pages
# may read from; "replica", "replica_2", … in the order given. Never migrated; in a test run they
# stand for the test database (MIRROR), unless a test points them at a standby of its own.
DIEUHANH_REPLICAS: list[str] = []
for _i, _url in enumerate(u.strip() for u in os.environ.get("DIEUHANH_REPLICA_URL", "").split(",") if u.strip()):
    _alias = "replica" if _i == 0 else f"replica_{_i + 1}"
    _replica = dj_database_url.parse(_url, conn_max_age=60)
    if not _replica["ENGINE"].startswith("django.db.backends.postgresql"):
        raise ImproperlyConfigured(f"DIEUHANH_REPLICA_URL: {_url.split('@')[-1]!r} is not a postgres:// URL")
    # An unreachable replica must not hold a page for long: the primary answers instead.
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = 3
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[_alias] = _replica
    DIEUHANH_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["dieuhanh.core.replicas.Router"]
DIEUHANH_REPLICA_MAX_LAG = float(os.environ.get("DIEUHANH_REPLICA_MAX_LAG", "30") or 30)
DIEUHANH_READ_YOUR_WRITES_SECONDS = int(os.environ.get("DIEUHANH_READ_YOUR_WRITES_SECONDS", "10") or 10)

# One cache for every gunicorn worker and every app server on the same database: a table there
# (created on migrate, see core/apps.py). A per-process memory cache would let each worker keep
# its own copy of whatever is cached. Rate limits do not use it: they need atomic counts
# (core/ratelimit.py, docs/decisions/0008).
# `figures`: the counts of the IOC kept a few seconds (core/figurecache.py, decision 0036), in each
# process's memory, kept as objects, not pickled (decision 0041) — a hit costs no I/O and no
# unpickling; each worker recounts once per FIGURES_TTL.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dieuhanh_cache"},
    "figures": {
        "BACKEND": "dieuhanh.core.figurecache.ObjectCache",
        "LOCATION": "dieuhanh-figures",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
FIGURES_TTL = float(os.environ.get("DIEUHANH_FIGURES_TTL", "10"))  # seconds the IOC's figures may be old


def _networks(name: str) -> list[str]:
    """A comma-separated list of addresses or networks from the environment variable `name`. A
    typo must stop the start, not quietly match nobody or somebody else."""
    entries = [p.strip() for p in os.environ.get(name, "").split(",") if p.strip()]
    for p in entries:
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {p!r} is not an IP address or network") from None
    return entries


def _trusted_proxies() -> list[str]:
    """Reverse proxies whose header names the client (core.ratelimit.client_address): with none
    trusted by mistake every citizen behind the proxy would share one address and one budget."""
    return _networks("DIEUHANH_TRUSTED_PROXIES")


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"{name}: {raw!r} is not a whole number of at least 1")
    return int(raw)


DIEUHANH_TRUSTED_PROXIES = _trusted_proxies()
DIEUHANH_PROXY_HEADER = os.environ.get("DIEUHANH_PROXY_HEADER", "").strip() or "X-Forwarded-For"
# A ward office's kiosk, or a shared address (a school, a NAT'd commune network), files for many
# citizens: it gets its own, larger hourly filing budget (core.ratelimit.FilingLimit).
DIEUHANH_KIOSK_ADDRESSES = _networks("DIEUHANH_KIOSK_ADDRESSES")
DIEUHANH_KIOSK_FILE_LIMIT = _positive_int("DIEUHANH_KIOSK_FILE_LIMIT", 100)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the signed-in user's row kept per process under a stamp (core/signin.py)
    "dieuhanh.core.signin.UserBackend",
]
# Lock an account+address pair after 5 failed logins for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address behind a trusted reverse proxy, as for the citizens' limits.
AXES_CLIENT_IP_CALLABLE = "dieuhanh.core.ratelimit.client_address"

# Password spraying: one address failing to log in to many accounts (each staying under axes'
# per-account limit) is refused once it has failed this many times, whatever the usernames, until
# the minutes since its first failure have passed (core.views.LoginView, core.ratelimit).
DIEUHANH_LOGIN_ADDRESS_FAILURES = _positive_int("DIEUHANH_LOGIN_ADDRESS_FAILURES", 20)
DIEUHANH_LOGIN_ADDRESS_MINUTES = _positive_int("DIEUHANH_LOGIN_ADDRESS_MINUTES", 15)
# The same for API tokens: an address sending this many unknown or revoked tokens gets 429.
DIEUHANH_API_TOKEN_FAILURES = _positive_int("DIEUHANH_API_TOKEN_FAILURES", 20)
DIEUHANH_API_TOKEN_MINUTES = _positive_int("DIEUHANH_API_TOKEN_MINUTES", 15)

# Two-factor sign-in (core/twofactor.py, docs/decisions/0032). Who must use it is declared by the
# apps (`PlatformApp.two_factor_roles`); the demo city (DIEUHANH_DEMO=1, served on 127.0.0.1
# only) signs its personas in with their published password alone. A test may switch the
# requirement off (the browser tests that sign in through the form do, but those marked two_factor).
DIEUHANH_TWO_FACTOR_REQUIRED = not DEMO_MODE
# Wrong codes at the second step, per account, before it is refused for the rest of the window.
DIEUHANH_OTP_FAILURES = _positive_int("DIEUHANH_OTP_FAILURES", 5)
DIEUHANH_OTP_MINUTES = _positive_int("DIEUHANH_OTP_MINUTES", 15)
OTP_TOTP_ISSUER = "Điều Hành"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Never group digits when a number is printed as it is ({{ unit.pk }}, {{ year }}): such a number
# also goes into links, form values and data attributes, where "1,062" (English grouping) is
# not the integer 1062. Figures meant for reading are grouped explicitly by the filters of
# core/templatetags/dieuhanh.py (vn_number, vn_money...), in the active language's format
# (decision 25).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project's own CSS/JS (src/dieuhanh/static/dieuhanh/)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# WhiteNoise serves what collectstatic wrote to STATIC_ROOT (`dieuhanh serve` runs it before it
# starts the server), with the gzip copy CompressedStaticFilesStorage made beside each file. Only
# without a collected STATIC_ROOT (tests, a first `manage runserver`) does it look in the apps'
# folders: a file found there would go out uncompressed (docs/decisions/0035).
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "dieuhanh").is_dir()
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read by one fixed statement (core/signin.py)
SESSION_ENGINE = "dieuhanh.core.signin"
SESSION_COOKIE_AGE = 8 * 3600
# A session nobody used for this long is ended (core.middleware.IdleTimeoutMiddleware): an office
# PC left signed in is not left open to whoever sits down next. The 8 hours above stay the limit
# of a working day however active.
DIEUHANH_IDLE_MINUTES = _positive_int("DIEUHANH_IDLE_MINUTES", 30)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Behind TLS (README, "Deployment checklist"). Off by default so the demo keeps working on
# http://127.0.0.1:8000: a secure cookie is never sent back over plain HTTP, so nobody could sign in.
DIEUHANH_HTTPS = os.environ.get("DIEUHANH_HTTPS") == "1"
if DIEUHANH_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    # Subdomains only when the operator says so: served on a province's own domain (tinh.gov.vn
    # rather than dieuhanh.tinh.gov.vn), the header would force HTTPS for a year on every site
    # under it, some of which the office running this does not control and which may have no
    # certificate. Preloading is the domain owner's submission to the browsers' list, not ours.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DIEUHANH_HSTS_SUBDOMAINS") == "1"
    SILENCED_SYSTEM_CHECKS = ["security.W021"] + ([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"])
# A proxy that ends TLS (README, "Behind a reverse proxy") talks plain HTTP to the app: without
# this, every request looks insecure and SECURE_SSL_REDIRECT would redirect forever. Set it only
# when the proxy overwrites X-Forwarded-Proto (nginx: proxy_set_header X-Forwarded-Proto $scheme)
# and the app cannot be reached except through it: a client could otherwise claim HTTPS itself.
if os.environ.get("DIEUHANH_PROXY_SSL_HEADER") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many calendar days before its deadline a task counts as "due soon".
DIEUHANH_DUE_SOON_WORKING_DAYS = int(os.environ.get("DIEUHANH_DUE_SOON_WORKING_DAYS", "3"))
# An import projected to add at least this many dossiers (and at least as many as the table holds)
# sets the dossier table's secondary indexes aside and builds them again at its end (indexes.py).
DIEUHANH_IMPORT_BULK_ROWS = int(os.environ.get("DIEUHANH_IMPORT_BULK_ROWS", "100000"))
# What an import file may hold before anything parses it (core/filecheck.py): an .xlsx's total
# expanded size and each large part's compression ratio (zip bombs), a sheet's declared rows and
# columns, and the characters of one cell (Excel's own limit), in .xlsx and .csv alike.
DIEUHANH_IMPORT_MAX_EXPANDED_MB = int(os.environ.get("DIEUHANH_IMPORT_MAX_EXPANDED_MB", "2000"))
DIEUHANH_IMPORT_MAX_RATIO = int(os.environ.get("DIEUHANH_IMPORT_MAX_RATIO", "200"))
DIEUHANH_IMPORT_MAX_ROWS = int(os.environ.get("DIEUHANH_IMPORT_MAX_ROWS", "1048576"))
DIEUHANH_IMPORT_MAX_COLUMNS = int(os.environ.get("DIEUHANH_IMPORT_MAX_COLUMNS", "1000"))
DIEUHANH_IMPORT_MAX_CELL_CHARS = int(os.environ.get("DIEUHANH_IMPORT_MAX_CELL_CHARS", "32767"))

# Background work (docs/decisions/0026): the queue is a table of the project's own database,
# worked by `dieuhanh worker` processes (`dieuhanh serve` and ./scripts/run start one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A worker writes its heartbeat every few seconds; one silent for this long is gone, and the jobs
# it left running go back to the queue for another worker (core/queue.py `recover`). A job
# whose workers vanished this many times is marked failed instead (it may be what kills them).
DIEUHANH_WORKER_STALE_SECONDS = _positive_int("DIEUHANH_WORKER_STALE_SECONDS", 60)
DIEUHANH_WORKER_MAX_ATTEMPTS = _positive_int("DIEUHANH_WORKER_MAX_ATTEMPTS", 5)
# Rows per transaction of an import run by a worker (the web page's imports; dossiers/jobs.py).
DIEUHANH_IMPORT_BATCH_ROWS = _positive_int("DIEUHANH_IMPORT_BATCH_ROWS", 25_000)

# The daily backup (core/backup.py, docs/decisions/0031): off unless DIEUHANH_BACKUP_DIR names a
# directory. Each day from DIEUHANH_BACKUP_AT a worker writes dieuhanh-YYYYMMDD-HHMM.tar.gz there
# and keeps the newest DIEUHANH_BACKUP_KEEP. The field keys go inside, encrypted by the first line
# of DIEUHANH_BACKUP_PASSPHRASE_FILE; without that file they are left out (kept by the operator).
DIEUHANH_BACKUP_DIR = os.environ.get("DIEUHANH_BACKUP_DIR", "").strip()
DIEUHANH_BACKUP_KEEP = _positive_int("DIEUHANH_BACKUP_KEEP", 7)
DIEUHANH_BACKUP_AT = os.environ.get("DIEUHANH_BACKUP_AT", "").strip() or "02:30"
DIEUHANH_BACKUP_PASSPHRASE_FILE = os.environ.get("DIEUHANH_BACKUP_PASSPHRASE_FILE", "").strip()

# How often (seconds) each open page asks for the header's unread count of notifications.
DIEUHANH_NOTIFICATION_POLL_SECONDS = int(os.environ.get("DIEUHANH_NOTIFICATION_POLL_SECONDS", "30"))

# The address people reach the product at, for links in e-mails and text messages.
DIEUHANH_SITE_URL = os.environ.get("DIEUHANH_SITE_URL", "http://127.0.0.1:8000")

# E-mail through an SMTP server of the office's network (Django's SMTP backend). Unset host:
# messages are written to files under DATA_DIR/mail instead, so nothing is lost in a demo.
EMAIL_HOST = os.environ.get("DIEUHANH_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DIEUHANH_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DIEUHANH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DIEUHANH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DIEUHANH_EMAIL_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DIEUHANH_EMAIL_FROM", "dieuhanh@localhost")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# Text messages to citizens (notifications.sms, docs/decisions/0030): "file" writes each message
# to a file under DATA_DIR/sms (development, tests, a demo); "http" posts it to the operator's
# gateway at DIEUHANH_SMS_URL with the token DIEUHANH_SMS_TOKEN; "" sends no SMS at all.
DIEUHANH_SMS_BACKEND = os.environ.get("DIEUHANH_SMS_BACKEND", "file")
DIEUHANH_SMS_DIR = DATA_DIR / "sms"
DIEUHANH_SMS_URL = os.environ.get("DIEUHANH_SMS_URL", "")
DIEUHANH_SMS_TOKEN = os.environ.get("DIEUHANH_SMS_TOKEN", "")
DIEUHANH_SMS_SENDER = os.environ.get("DIEUHANH_SMS_SENDER", "")
DIEUHANH_SMS_TIMEOUT = float(os.environ.get("DIEUHANH_SMS_TIMEOUT", "10"))
# A message to a citizen that fails is tried again, this many times in all, the n-th retry after
# n × DIEUHANH_CITIZEN_RETRY_SECONDS.
DIEUHANH_CITIZEN_MAX_ATTEMPTS = int(os.environ.get("DIEUHANH_CITIZEN_MAX_ATTEMPTS", "4"))
DIEUHANH_CITIZEN_RETRY_SECONDS = int(os.environ.get("DIEUHANH_CITIZEN_RETRY_SECONDS", "300"))

# Logs (core/logs.py, docs/decisions/0034): one JSON object per line on stderr (the service
# manager's journal) and, with DIEUHANH_LOG_FILE, in that file too (reopened when logrotate moves
# it); DIEUHANH_LOG_FORMAT=text for plain lines. Every error (a request's, a job's) is also mailed
# to DIEUHANH_ADMINS ("Name <mail>, other@mail") through the e-mail settings above; a busy
# database's 503 is a warning, not mailed (core/errors.py).
ADMINS = [(name or address, address) for name, address in getaddresses([os.environ.get("DIEUHANH_ADMINS", "")])
          if address]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEFAULT_EXCEPTION_REPORTER_FILTER = "dieuhanh.core.errors.PrivateReporterFilter"  # a form's values are not mailed
EMAIL_SUBJECT_PREFIX = "[Điều Hành] "
DIEUHANH_LOG_FILE = os.environ.get("DIEUHANH_LOG_FILE", "")
_log_format = "text" if os.environ.get("DIEUHANH_LOG_FORMAT", "json") == "text" else "json"
_log_filters = ["context"] if _log_format == "text" else []  # the request id for the text lines
_log_level = os.environ.get("DIEUHANH_LOG_LEVEL", "WARNING").upper()
_log_handlers = ["console", "mail_admins"] + (["file"] if DIEUHANH_LOG_FILE else [])
LOGGING: dict[str, object] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "dieuhanh.core.logs.ContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "dieuhanh.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": _log_format, "filters": _log_filters},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false"]},
        **({"file": {"class": "logging.handlers.WatchedFileHandler", "filename": DIEUHANH_LOG_FILE,
                     "formatter": _log_format, "filters": _log_filters, "encoding": "utf-8"}}
           if DIEUHANH_LOG_FILE else {}),
    },
    "root": {"handlers": _log_handlers, "level": _log_level},
    "loggers": {
        # one line per request, with its status and duration
        "dieuhanh.request": {"level": "INFO"},
        # Django's own "django" logger sends errors to its handlers; here they go to the root's only
        "django": {"handlers": [], "level": _log_level, "propagate": True},
    },
}
