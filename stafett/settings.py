"""Settings for Stafettlogg, all read from the environment (see README, "Production").

Defaults suit development; with STAFETT_DEBUG off (the default) a SECRET_KEY is
required and the secure production defaults apply.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from stafett.env import env_bool, env_int, env_list, env_str

# Django's generic classes (ModelAdmin[Log], ModelForm[Log] …) as the type checker sees them
# must also be subscriptable when the code runs.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STAFETT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("STAFETT_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "The environment variable SECRET_KEY is required (at least 50 characters) "
            "when STAFETT_DEBUG is off."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its index expressions (a trigram operator class, accounts migration 0003); on SQLite
    # it adds nothing.
    "django.contrib.postgres",
    "django.forms",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "common",
    "audit",
    "accounts",
    "organisations",
    "logs",
    "notes",
    "notifications",
    "meetings",
    "staff",
    "stats",
    "oidc",
    "exports",
    "archive",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "common.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "oidc.middleware.EndSessionFormActionMiddleware",
    "accounts.middleware.SecondFactorDeviceMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "organisations.middleware.ActiveRoleMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stafett.urls"
WSGI_APPLICATION = "stafett.wsgi.application"

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
                "common.context_processors.site",
                "organisations.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stafett.sqlite3'}"),
        conn_max_age=env_int("STAFETT_DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the e-mail worker write to one SQLite file at once. WAL lets them read
    # while the other writes; IMMEDIATE takes the write lock when a transaction begins, so
    # a transaction that read first never fails at its first write ("database is locked")
    # but waits its turn, for up to the busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("STAFETT_SQLITE_TIMEOUT", 30, minimum=1),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "STAFETT_DB_PREPARED_STATEMENTS", True
):
    # Planning a query cost PostgreSQL nearly as much as running it: a third of its CPU on the
    # benchmark's mixed load (issue 9). Parameters bound on the server let psycopg prepare a
    # statement the fifth time a connection sends it, and PostgreSQL then keeps its plan.
    # Behind PgBouncer in transaction mode this needs its max_prepared_statements (1.21+),
    # or STAFETT_DB_PREPARED_STATEMENTS=false.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": env_int("STAFETT_DB_PREPARE_THRESHOLD", 5, minimum=0),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the person's roles and second factor in the same query
    # (accounts/backends.py). Changing this path signs everyone out once.
    "organisations.backends.RoleBackend",
]
# Our Argon2 replaces Django's (both are "argon2"): see accounts/hashers.py.
PASSWORD_HASHERS = [
    "accounts.hashers.StafettArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Second factor (TOTP) for staff roles; the demo may switch it off, and says so on login.
STAFETT_REQUIRE_2FA = env_bool("STAFETT_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = env_str("STAFETT_OTP_ISSUER", "Stafettlogg")

# Lockout: 5 failures on the same username from the same address → 15 minutes.
AXES_FAILURE_LIMIT = env_int("STAFETT_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("STAFETT_LOCKOUT_SECONDS", 15 * 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("STAFETT_PROXY_COUNT", 0, minimum=0) or None
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions: idle time-out (R-GEN-03) and an absolute lifetime.
STAFETT_IDLE_TIMEOUT = env_int("STAFETT_IDLE_TIMEOUT", 20 * 60, minimum=30)
# WCAG 2.2.1: the warning must give at least 20 seconds to ask for more time.
STAFETT_IDLE_WARNING = env_int("STAFETT_IDLE_WARNING", 2 * 60, minimum=20)
if STAFETT_IDLE_WARNING >= STAFETT_IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        f"The environment variable STAFETT_IDLE_WARNING ({STAFETT_IDLE_WARNING}) must be "
        f"shorter than STAFETT_IDLE_TIMEOUT ({STAFETT_IDLE_TIMEOUT})."
    )
STAFETT_SESSION_MAX_AGE = env_int("STAFETT_SESSION_MAX_AGE", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = STAFETT_SESSION_MAX_AGE
# Django's database sessions, read with SQL compiled once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("STAFETT_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = "Lax"

# Security headers.
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("STAFETT_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("STAFETT_HSTS_PRELOAD", False)
# Preloading binds every subdomain of the municipality's domain for years: the domain owner's
# decision (STAFETT_HSTS_PRELOAD), not a default of ours.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_SSL_REDIRECT = not DEBUG and env_bool("STAFETT_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("STAFETT_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Designsystemet draws its icons with data: URIs; the TOTP QR code is one too.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Internationalisation: bokmål is the source language of the UI text.
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norsk bokmål")),
    ("nn", _("Norsk nynorsk")),
    ("en", _("English")),
]
# Ours first; then the Django admin's strings that Django's own nb/nn catalogues lack (kept by
# hand, not by makemessages: see the note at the top of each file).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STAFETT_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads (consent PDFs) live outside the web root and are served only through views.
MEDIA_ROOT = Path(env_str("STAFETT_MEDIA_ROOT", str(VAR_DIR / "uploads")))

# E-mail.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
# For the file backend (`make run`): one file per e-mail in this folder.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Stafettlogg <ikke-svar@stafettlogg.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# National ID numbers must never reach the application logs: log no request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("STAFETT_LOG_LEVEL", "WARNING")},
    # Django's own logger has a console handler of its own (in development): without this,
    # each of its lines would be printed twice, once more through the root logger.
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": "INFO" if DEBUG else env_str("STAFETT_LOG_LEVEL", "WARNING"),
            "propagate": False,
        }
    },
}

# From this age a young person can consent for themself (R-LOG-02); 15 or 16 in most places.
STAFETT_SELF_CONSENT_AGE = env_int("STAFETT_SELF_CONSENT_AGE", 15, minimum=12)

# Background work: the database backend, so that a task is enqueued in the same transaction
# as the change that causes it (R-SEC-04). Worker: `manage.py run_worker`. When one worker
# reading the database is not enough, STAFETT_TASK_QUEUE=redis puts the queue in Redis (RQ,
# workers: `manage.py rqworker`); the outbox row stays the durable record, and a task is
# queued once its transaction commits (notifications.tasks.enqueue). See docs/deployment.md.
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Redis, shared by every app server: the cache, the sessions (read from the cache, written
# through to the database) and, if chosen, the task queue. Without it, sessions live in the
# database and the cache in each process's memory, which nothing relies on across requests.
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("STAFETT_CACHE_PREFIX", "stafett"),
        }
    }
    SESSION_ENGINE = "accounts.cached_sessions"
else:
    # Django's default keeps 300 entries a process: enough for the benchmark's mix (about 60),
    # not for a city, where the kept parts of thousands of logs' pages and of every person's
    # Min side would push each other out long before their ten minutes. A kept part is about
    # 8 kB (40 kB at most): 5,000 of them are some 40 MB a worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("STAFETT_CACHE_ENTRIES", 5000, minimum=100)},
        }
    }
TASK_QUEUE = env_str("STAFETT_TASK_QUEUE", "database")
if TASK_QUEUE not in ("database", "redis"):
    raise ImproperlyConfigured(
        f"The environment variable STAFETT_TASK_QUEUE must be database or redis, not "
        f"{TASK_QUEUE!r}."
    )
if TASK_QUEUE == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured(
            "The environment variable STAFETT_TASK_QUEUE=redis needs REDIS_URL as well."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

# The address people reach the site at; links in e-mails and letters start with it.
# Required in production: a letter or e-mail with a wrong address strands the reader.
STAFETT_SITE_URL = env_str("STAFETT_SITE_URL", "http://127.0.0.1:8000" if DEBUG else None).rstrip(
    "/"
)

# Shown on the login page of a demo installation.
STAFETT_DEMO = env_bool("STAFETT_DEMO", False)

# The archive hand-over of a passive log (R-ARCH-01): the backend (a dotted path to an
# archive.backends.ArchiveBackend) and the folder the default backend writes packages to.
STAFETT_ARCHIVE_BACKEND = env_str("STAFETT_ARCHIVE_BACKEND", "archive.backends.FolderBackend")
STAFETT_ARCHIVE_FOLDER = env_str("STAFETT_ARCHIVE_FOLDER", str(VAR_DIR / "archive"))

FORM_RENDERER = "common.forms.DesignsystemetRenderer"

# Sign-in through ID-porten (R-SEC-02, R-SEC-08), as this installation is registered with it;
# no issuer, no button. The municipality's own providers for employees are set in the admin.
STAFETT_IDPORTEN_ISSUER = env_str("STAFETT_IDPORTEN_ISSUER", "")
STAFETT_IDPORTEN_CLIENT_ID = env_str("STAFETT_IDPORTEN_CLIENT_ID", "")
# client_secret_basic, client_secret_post or private_key_jwt, as the registration says.
STAFETT_IDPORTEN_AUTH_METHOD = env_str("STAFETT_IDPORTEN_AUTH_METHOD", "client_secret_basic")
STAFETT_IDPORTEN_CLIENT_SECRET = env_str("STAFETT_IDPORTEN_CLIENT_SECRET", "")
# For private_key_jwt: the private key (PEM or JWK), or a file that holds it.
_idporten_key = env_str("STAFETT_IDPORTEN_PRIVATE_KEY", "")
STAFETT_IDPORTEN_PRIVATE_KEY = (
    Path(_idporten_key).read_text()
    if _idporten_key and "-----BEGIN" not in _idporten_key and Path(_idporten_key).is_file()
    else _idporten_key
)
STAFETT_IDPORTEN_ACR = env_str("STAFETT_IDPORTEN_ACR", "idporten-loa-substantial")
if STAFETT_IDPORTEN_ACR not in ("idporten-loa-substantial", "idporten-loa-high"):
    raise ImproperlyConfigured(
        "STAFETT_IDPORTEN_ACR must be idporten-loa-substantial or idporten-loa-high."
    )
# Seconds to wait for an identity provider before showing the person a page saying so.
STAFETT_OIDC_TIMEOUT = env_int("STAFETT_OIDC_TIMEOUT", 8, minimum=1)
