"""AtlasOS settings: every value comes from the environment (django-environ).

The defaults are the embedded, zero-setup mode: SQLite under ./var, in-process tasks,
local-memory cache, files under ./var/media, email printed to the console.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Every link the product emails starts with this. `make run` derives it from HOST and PORT;
# in production set the public https address.
SITE_URL = env.str("SITE_URL", default="") or "http://127.0.0.1:8000"
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).hostname:
    raise ImproperlyConfigured(
        f"SITE_URL must be an absolute http(s) address such as https://atlas.example.com, "
        f"not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Floor by floor, from the core up (docs/architecture.md): an app imports only those
    # listed before it.
    "atlasos",
    "atlasos.tenancy",
    "atlasos.accounts",
    "notifications",
    "clients",
    "templates_engine",
    "tasks",
    "documents",
    "portal",
    "inbox",
    "reconciliation",
    "reporting",
    "demo",
    # Inbound webhooks of the email providers (the Smart Inbox's first way in).
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "atlasos.tenancy.middleware.PracticeContextMiddleware",
    "atlasos.accounts.middleware.RequirePracticeMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "atlasos.urls"
WSGI_APPLICATION = "atlasos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atlasos.context_processors.navigation",
                "notifications.context_processors.notifications",
                "inbox.context_processors.inbox",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atlasos.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] in (
    "django.db.backends.postgresql",
    "django.db.backends.postgresql_psycopg2",
):
    # A thin wrapper that syncs the row-level security setting before every cursor.
    DATABASES["default"]["ENGINE"] = "atlasos.tenancy.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and jobs -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# CACHE_URL chooses another cache than Redis, e.g. dbcache://atlasos_cache (a table made by
# `manage.py createcachetable`).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "atlasos",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The sign-in rate limits (failed logins, emailed sign-in links) count in the cache. A cache in
# one process's memory lets every web process count on its own: two gunicorn workers let 8
# failed logins and 10 sign-in links through against limits of 5. So production, which runs
# several processes, refuses such a cache. ATLASOS_SINGLE_PROCESS=true says that one process
# serves everything (the test suite, a build step), where a process's memory is shared enough.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if (
    not DEBUG
    and CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES
    and not env.bool("ATLASOS_SINGLE_PROCESS", default=False)
):
    raise ImproperlyConfigured(
        "With DEBUG off, AtlasOS needs a cache shared by all its processes: the sign-in rate "
        "limits are counted there, and a per-process cache multiplies them by the number of "
        "workers. Set REDIS_URL (redis://host:6379/0), or CACHE_URL=dbcache://atlasos_cache "
        "and run `manage.py createcachetable` (see docs/operations.md)."
    )

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Our longest task (a large CSV import or a PDF render) finishes well inside an hour; a message
# not acknowledged within this window is redelivered to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
# Periodic work is a beat job that queries what is due; never a long countdown.
CELERY_BEAT_SCHEDULE = {
    "create-due-packs": {
        "task": "tasks.create_due_packs",
        "schedule": 60 * 60,
    },
    "raise-overdue-alerts": {
        "task": "tasks.raise_overdue_alerts",
        "schedule": 15 * 60,
    },
    "send-notification-digests": {
        "task": "notifications.send_daily_digests",
        "schedule": 60 * 60,
    },
    "purge-deleted-documents": {
        "task": "documents.purge_deleted_documents",
        "schedule": 24 * 60 * 60,
    },
    "send-document-reminders": {
        "task": "portal.send_reminders",
        "schedule": 60 * 60,
    },
    "inbox-poll-mailboxes": {
        "task": "inbox.poll_mailboxes",
        "schedule": 5 * 60,
    },
    "inbox-sweep-stuck-messages": {
        "task": "inbox.sweep_stuck_messages",
        "schedule": 10 * 60,
    },
    "purge-stale-client-imports": {
        "task": "clients.tasks.purge_stale_imports",
        "schedule": 60 * 60,
    },
}

# --- files ----------------------------------------------------------------------------------
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="AtlasOS <no-reply@atlasos.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "atlasos.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Failed logins: 10 a minute from one IP address, 5 in 15 minutes against one account. The
# counters live in the shared cache (Redis in production), so every web process sees them.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/15m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "AtlasOS"
USERSESSIONS_TRACK_ACTIVITY = False

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, never from the cookie

# --- security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- locale ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- application ----------------------------------------------------------------------------
ATLASOS_INVITATION_DAYS = env.int("ATLASOS_INVITATION_DAYS", default=7)
ATLASOS_CLIENT_IMPORT_MAX_BYTES = env.int(
    "ATLASOS_CLIENT_IMPORT_MAX_BYTES", default=10 * 1024 * 1024
)
ATLASOS_CLIENT_IMPORT_MAX_ROWS = env.int("ATLASOS_CLIENT_IMPORT_MAX_ROWS", default=50_000)
# Largest file a staff member or a client contact may upload to the document store.
ATLAS_UPLOAD_MAX_BYTES = env.int("ATLAS_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
# --- Smart Inbox ----------------------------------------------------------------------------
# The practice's inbound address is <practice-slug>@ATLAS_INBOX_DOMAIN and each client's
# <practice-slug>+<token>@ATLAS_INBOX_DOMAIN.
ATLAS_INBOX_DOMAIN = env.str("ATLAS_INBOX_DOMAIN", default="inbox.atlasos.localhost").lower()
# The receiving servers whose Authentication-Results header counts (RFC 8601 authserv-ids),
# besides ATLAS_INBOX_DOMAIN (what the webhooks write) and mx.<ATLAS_INBOX_DOMAIN>: your MTA's
# in front of the SMTP listener, or the polled mailbox's (e.g. mx.google.com). A header any
# other server, or the sender, wrote is ignored: a contact's address then only suggests.
ATLAS_INBOX_AUTHSERV_IDS = [a.lower() for a in env.list("ATLAS_INBOX_AUTHSERV_IDS", default=[])]
# Caps on one inbound message: over any of them it is kept, marked rejected with the reason.
ATLAS_INBOX_MAX_BYTES = env.int("ATLAS_INBOX_MAX_BYTES", default=30 * 1024 * 1024)
ATLAS_INBOX_MAX_ATTACHMENTS = env.int("ATLAS_INBOX_MAX_ATTACHMENTS", default=100)
ATLAS_INBOX_MAX_PARTS = env.int("ATLAS_INBOX_MAX_PARTS", default=500)
ATLAS_INBOX_MAX_DEPTH = env.int("ATLAS_INBOX_MAX_DEPTH", default=10)
# Parsing runs in a worker task with this soft time limit (seconds).
ATLAS_INBOX_PARSE_SECONDS = env.int("ATLAS_INBOX_PARSE_SECONDS", default=60)
# A message received or claimed this long ago and still not processed is picked up again.
ATLAS_INBOX_STUCK_MINUTES = env.int("ATLAS_INBOX_STUCK_MINUTES", default=15)
# A rotated client address keeps working this many days.
ATLAS_INBOX_RETIRED_DAYS = env.int("ATLAS_INBOX_RETIRED_DAYS", default=30)
# Encrypts IMAP passwords at rest (a Fernet key: `python -c "from cryptography.fernet import
# Fernet; print(Fernet.generate_key().decode())"`); without it, a key derived from SECRET_KEY.
ATLAS_INBOX_SECRET_KEY = env.str("ATLAS_INBOX_SECRET_KEY", default="")
# Provider webhooks (django-anymail): the basic-auth pair every provider's URL carries
# ("user:password"), and each provider's own signing secret where it signs.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="") or None,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default="") or None,
    "POSTMARK_WEBHOOK_SECRET": None,
}
ANYMAIL = {key: value for key, value in ANYMAIL.items() if value is not None}
# A provider posts a whole message (its attachments base64 or JSON-encoded, about 4/3 of the
# raw size) in one request body: Django's default 2.5 MB cap refused any email with a 2 MB
# PDF. Cap request bodies in the reverse proxy (docs/operations.md) for every other path.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * ATLAS_INBOX_MAX_BYTES
)

# Notification emails carry a Message-ID derived from their row: <notification-<code>@domain>.
NOTIFICATION_MESSAGE_ID_DOMAIN = env.str(
    "NOTIFICATION_MESSAGE_ID_DOMAIN", default=urlsplit(SITE_URL).hostname or "atlasos.local"
)
# An email claimed this long ago and still not marked sent is taken to be lost with its worker:
# the next run sends it again, with the same Message-ID.
NOTIFICATION_CLAIM_TIMEOUT_MINUTES = env.int("NOTIFICATION_CLAIM_TIMEOUT_MINUTES", default=10)
# The daily digest goes out at the first run at or after this hour, in the practice's timezone.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"practice": {"()": "atlasos.tenancy.logging.PracticeLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s practice=%(practice_id)s %(message)s"
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["practice"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every render at INFO.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
