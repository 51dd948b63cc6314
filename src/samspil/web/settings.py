"""Django settings for samspil, read from the environment.

Every variable is documented in docs/settings.md. Values are read through the helpers in
``samspil.web.env``, which stop with a clear message when a value is malformed.
Nothing is needed to start: debug mode is off unless asked for (``samspil serve --debug``),
the secret key is generated once per installation and kept in the data folder
(``SAMSPIL_SECRET_KEY`` overrides it). ``SAMSPIL_PRODUCTION=1`` turns on the secure cookie
and header settings and requires ``SAMSPIL_ALLOWED_HOSTS``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from samspil.web.env import (
    SettingError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    installation_secret_key,
    keep_private,
)
from samspil.web.logfilter import formatter_class

PACKAGE_DIR = Path(__file__).resolve().parent

# -- mode ---------------------------------------------------------------------------------

PRODUCTION: bool = env_bool("SAMSPIL_PRODUCTION", False)
# Debug pages show settings and source code to whoever triggers an error: only on request
# (`samspil serve --debug` sets SAMSPIL_DEBUG=1), never because a variable is missing.
DEBUG: bool = env_bool("SAMSPIL_DEBUG", False)
if PRODUCTION and DEBUG:
    raise SettingError("SAMSPIL_DEBUG=1 cannot be combined with SAMSPIL_PRODUCTION=1")
# Demo mode: allows ensure_demo_study() to create synthetic respondents and a demo/demo login
# (`samspil serve --demo` sets SAMSPIL_DEMO=1).
DEMO: bool = env_bool("SAMSPIL_DEMO", False)
if PRODUCTION and DEMO:
    raise SettingError("SAMSPIL_DEMO=1 cannot be combined with SAMSPIL_PRODUCTION=1")

# -- storage ------------------------------------------------------------------------------

DATA_DIR: Path = Path(env_str("SAMSPIL_DATA_DIR", "var")).expanduser().resolve()
# Everything in the data folder (database, reports, the secret key) is readable by its
# owner only: umask 077 for every samspil process, older files made owner-only.
keep_private(DATA_DIR)

# The secret key signs sessions and CSRF tokens. Never a constant in the code: generated on
# first start and kept in the data folder (readable by its owner only); one shared value
# for several hosts comes from SAMSPIL_SECRET_KEY.
SECRET_KEY: str = env_str("SAMSPIL_SECRET_KEY") or installation_secret_key(DATA_DIR)
if len(SECRET_KEY) < 40:
    raise SettingError("SAMSPIL_SECRET_KEY must be at least 40 characters")

ALLOWED_HOSTS: list[str] = env_list(
    "SAMSPIL_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise SettingError("SAMSPIL_ALLOWED_HOSTS must be set when SAMSPIL_PRODUCTION=1")
CSRF_TRUSTED_ORIGINS: list[str] = env_list("SAMSPIL_CSRF_TRUSTED_ORIGINS", [])

# Base URL of the site for the personal links in e-mails and `samspil study links`.
# Empty: the researcher pages use the address they are reached at, commands use
# http://127.0.0.1:8000.
BASE_URL: str = env_str("SAMSPIL_BASE_URL").rstrip("/")

# -- database -----------------------------------------------------------------------------

DATABASE_URL: str = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'samspil.sqlite3'}"
try:
    _database = dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("SAMSPIL_DB_CONN_MAX_AGE", 60)
    )
except ValueError as exc:
    raise SettingError(f"DATABASE_URL: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent savers queue
    # instead of failing with "database is locked"; WAL lets readers continue meanwhile.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # secure_delete: deleted rows are overwritten with zeros (erasure, docs/privacy.md)
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA secure_delete=ON;",
    }
    _database.setdefault("TEST", {})
else:
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the bad-link and log-in counters (samspil.web.throttle). It lives in the
# database so that every gunicorn worker (and every host) counts the same attempts;
# `samspil serve` and the test databases create its table (createcachetable).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "samspil_cache",
        # Django culls a third of the entries past MAX_ENTRIES (300 by default): an attacker
        # with a few hundred addresses could wipe the counters. Expired entries go first.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}

# -- applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "samspil.web",
    "samspil.municipalities",
    "samspil.fieldwork",
    "samspil.coding_web",
    "samspil.privacy",
    "samspil.register",
]

MIDDLEWARE = [
    "samspil.web.middleware.limit_request_size",
    "django.middleware.security.SecurityMiddleware",
    "samspil.web.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "samspil.web.urls"
WSGI_APPLICATION = "samspil.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "study_list"
LOGOUT_REDIRECT_URL = "login"

# -- language -----------------------------------------------------------------------------

# Interface language. Not taken from the browser: respondent pages follow the instrument's
# language, researcher pages this setting.
LANGUAGE_CODE: str = env_choice("SAMSPIL_LANGUAGE", "da", ("da", "en"))
LANGUAGES = [("da", "Dansk"), ("en", "English")]
# The platform's catalogue and fieldwork's come before Django's own (a text both translate
# gets samspil's Danish); the other apps' catalogues are found as installed apps'.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR.parent / "fieldwork" / "locale"]
TIME_ZONE: str = env_str("SAMSPIL_TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Serve /static/ from the application itself (a few small files; no CDN, no web server needed).
SERVE_STATIC: bool = env_bool("SAMSPIL_SERVE_STATIC", True)

# -- e-mail -------------------------------------------------------------------------------

_email_backend = env_choice("SAMSPIL_EMAIL_BACKEND", "smtp", ("smtp", "console"))
EMAIL_BACKEND = f"django.core.mail.backends.{_email_backend}.EmailBackend"
EMAIL_HOST: str = env_str("SAMSPIL_EMAIL_HOST", "localhost")
EMAIL_PORT: int = env_int("SAMSPIL_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER: str = env_str("SAMSPIL_EMAIL_USER")
EMAIL_HOST_PASSWORD: str = env_str("SAMSPIL_EMAIL_PASSWORD")
EMAIL_USE_TLS: bool = env_bool("SAMSPIL_EMAIL_USE_TLS", False)
EMAIL_USE_SSL: bool = env_bool("SAMSPIL_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise SettingError("SAMSPIL_EMAIL_USE_TLS and SAMSPIL_EMAIL_USE_SSL cannot both be on")
EMAIL_TIMEOUT: int = env_int("SAMSPIL_EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL: str = env_str("SAMSPIL_EMAIL_FROM", "samspil <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# -- background tasks: e-mail rounds (fieldwork.rounds, web.worker) -----------------

# Rounds are queued in the database (django-tasks-db) and sent by `samspil worker` (or the
# worker `samspil serve` starts on SQLite). At most this many messages a minute per worker;
# 0: no limit.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MAIL_PER_MINUTE: int = env_int("SAMSPIL_MAIL_PER_MINUTE", 600, minimum=0)
# -- personal data ------------------------------------------------------------------------

# Days after a study closes until its contact data (names, e-mail addresses, personal links,
# message log) are removed, unless the study sets its own date (docs/privacy.md).
RETENTION_DAYS: int = env_int("SAMSPIL_RETENTION_DAYS", 180, minimum=0)

# The accessibility statement (/tilgaengelighed/, linked from every page's footer), in the
# structure Danish public bodies publish: who runs the site, how far it complies
# (full, partial, none), the known problems, when the statement was made, whom to write to.
ACCESSIBILITY: dict[str, str] = {
    "organisation": env_str("SAMSPIL_ACCESSIBILITY_ORGANISATION"),
    "contact": env_str("SAMSPIL_ACCESSIBILITY_CONTACT"),
    "status": env_choice("SAMSPIL_ACCESSIBILITY_STATUS", "partial", ("full", "partial", "none")),
    "known_issues": env_str("SAMSPIL_ACCESSIBILITY_ISSUES"),  # several: separated by |
    "prepared": env_str("SAMSPIL_ACCESSIBILITY_DATE"),
}

# -- limits and security ------------------------------------------------------------------

MAX_UPLOAD_MB: int = env_int("SAMSPIL_MAX_UPLOAD_MB", 5, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Failed personal-link look-ups allowed per client address within the window; after that
# the address gets 429 until the window has passed.
BAD_TOKEN_LIMIT: int = env_int("SAMSPIL_BAD_TOKEN_LIMIT", 20, minimum=1)
BAD_TOKEN_WINDOW: int = env_int("SAMSPIL_BAD_TOKEN_WINDOW", 600, minimum=1)
# Failed log-ins (researchers and coders, the admin pages too) allowed per account and per
# client address within the window; after that the log-in form refuses, with a message.
LOGIN_FAILURE_LIMIT: int = env_int("SAMSPIL_LOGIN_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT: int = env_int("SAMSPIL_LOGIN_ADDRESS_LIMIT", 20, minimum=1)
LOGIN_FAILURE_WINDOW: int = env_int("SAMSPIL_LOGIN_WINDOW", 900, minimum=1)
# The read API (docs/api.md): requests allowed per token (or, without one, per client
# address) within the window; past that the answer is 429 with Retry-After.
API_RATE_LIMIT: int = env_int("SAMSPIL_API_RATE_LIMIT", 600, minimum=1)
API_RATE_WINDOW: int = env_int("SAMSPIL_API_RATE_WINDOW", 60, minimum=1)
# Request header (as in request.META) holding the client address behind a reverse proxy,
# e.g. HTTP_X_FORWARDED_FOR. Empty: use REMOTE_ADDR.
CLIENT_IP_HEADER: str = env_str("SAMSPIL_CLIENT_IP_HEADER")

SECURE_CONTENT_TYPE_NOSNIFF = True
# Personal links must not leak to other sites through Referer. (Not "no-referrer": then
# browsers send "Origin: null" with forms and the CSRF check rejects every POST.)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "samspil.web.views.csrf_failure"
SESSION_COOKIE_AGE = env_int("SAMSPIL_SESSION_HOURS", 12, minimum=1) * 3600

SECURE_SSL_REDIRECT: bool = env_bool("SAMSPIL_SSL_REDIRECT", PRODUCTION)
# Health checks are asked over plain HTTP on loopback by monitoring (docs/deploy.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS: int = env_int("SAMSPIL_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
if env_bool("SAMSPIL_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# -- logging ------------------------------------------------------------------------------

# `samspil serve`'s access log (gunicorn, standard error): off by default; when on, lines
# carry no personal link (redacted, also percent-encoded) and no client address unless
# SAMSPIL_ACCESS_LOG_ADDRESSES=1.
ACCESS_LOG: bool = env_bool("SAMSPIL_ACCESS_LOG", False)
ACCESS_LOG_ADDRESSES: bool = env_bool("SAMSPIL_ACCESS_LOG_ADDRESSES", False)
LOG_LEVEL: str = env_choice(
    "SAMSPIL_LOG_LEVEL", "info", ("debug", "info", "warning", "error")
).upper()
# plain: one line of text per entry; json: one JSON object per line (for a log collector).
# Both go through the same redaction (samspil.web.logfilter).
LOG_FORMAT: str = env_choice("SAMSPIL_LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "samspil.web.logfilter.RedactFilter"}},
    "formatters": {
        "plain": {
            "()": formatter_class(LOG_FORMAT == "json"),
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # At DEBUG these log SQL parameters and whole template contexts, i.e. answers and
        # e-mail addresses: never below INFO, whatever SAMSPIL_LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
        "django.template": {"level": "INFO"},
    },
}
