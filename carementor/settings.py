"""CareMentor settings: one file, driven by environment variables.

With no environment at all it runs in production mode and refuses to start without
``DJANGO_SECRET_KEY``; ``make run`` sets ``DJANGO_DEBUG=True`` for local development,
where SQLite under ``var/`` and the console e-mail backend need no set-up.
Every variable is documented in ``.env.example``.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CAREMENTOR_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# Without a secret in production mode the app refuses to serve (wsgi.py, asgi.py) and
# `check --deploy` fails with carementor.E001. Settings still load, so commands that sign
# nothing (makemigrations --check, migrate) work.
SECRET_KEY_MISSING = not SECRET_KEY and not (DEBUG or TESTING)
SECRET_KEY_MISSING_MESSAGE = (
    "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
)
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = (os.environ.get("CAREMENTOR_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "CareMentor"

INSTALLED_APPS = [
    "carementor.lib.apps.LibConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "carementor.ops",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "carementor.audit",
    "carementor.accounts",
    "carementor.organizations",
    "carementor.profiles",
    "carementor.credentials",
    "carementor.matching",
    "carementor.programs",
    "carementor.mentorships",
    "carementor.notifications",
    "carementor.evaluations",
    "carementor.learning",
    "carementor.certificates",
    "carementor.wellbeing",
    "carementor.logbooks",
    "carementor.golive",
    "carementor.privacy",
    "carementor.communities",
    "carementor.network",
    "carementor.integrations",
    "carementor.sso",
    "carementor.insights",
    "carementor.dashboard",
    "carementor.demo",
    "carementor.backups",
]

MIDDLEWARE = [
    "carementor.lib.middleware.RequestIdMiddleware",
    "carementor.lib.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compress pages (a 150 KB form is 15 KB on a phone's 3G link); see "Compression" in
    # README for why this is safe against BREACH here. Below WhiteNoise, which serves static
    # files precompressed itself.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "carementor.lib.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carementor.accounts.middleware.UserTimezoneMiddleware",
    "carementor.accounts.middleware.UserLanguageMiddleware",
    "carementor.accounts.middleware.RequireMFAForPrivilegedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "carementor.lib.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "carementor.urls"
WSGI_APPLICATION = "carementor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carementor.lib.context_processors.layout",
                "carementor.dashboard.context_processors.current_organization",
            ],
        },
    }
]

# --- Deployment: production server, shared services, resilience (see README "Deploy") ---
# Persistent connections only under the production server (gunicorn.conf.py sets
# CAREMENTOR_SERVER=gunicorn): its workers are a fixed pool, so each keeps one connection.
# runserver starts a thread per request, and each thread would keep its own connection open.
PRODUCTION_SERVER = os.environ.get("CAREMENTOR_SERVER", "") == "gunicorn"
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 600) if PRODUCTION_SERVER else 0
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'carementor.sqlite3'}",
        conn_max_age=DATABASE_CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
# An optional read replica for reports: code inside `carementor.lib.db_router.replica_reads()`
# reads from it; everything else (and every write) uses the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["carementor.lib.db_router.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files locked in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
    # transaction starts, so concurrent writers queue on the busy timeout instead of failing
    # with "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
# Shared cache: Redis when REDIS_URL is set (login limits, look-up limits and matching pools
# then hold across processes and machines); otherwise the process's own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CAREMENTOR_CACHE_PREFIX", "cm"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Login throttling must hold across processes even without Redis: the database cache
    # (its table is created by the accounts migrations).
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CAREMENTOR_CACHE_PREFIX", "cm") + ":throttle",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "carementor_throttle_cache",
        }
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing dominates test time; production keeps Argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Sessions end after this many seconds without a request.
SESSION_COOKIE_AGE = env_int("CAREMENTOR_SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "carementor.accounts.sessions"  # the expiry written at most every 30 s
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-allauth
# The accounts adapter plus "single sign-on required" and MFA asserted by an organization's
# identity provider (carementor.sso, which builds on carementor.accounts).
ACCOUNT_ADAPTER = "carementor.sso.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CareMentor] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins are limited by carementor.accounts.throttle on the shared cache
    # (per account and per address, progressive, with an unlock link for the owner).
    "login_failed": False,
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Single sign-on per organization (carementor.sso): allauth's apps come from the
# organizations' connections, never from SocialApp rows or settings.
SOCIALACCOUNT_ADAPTER = "carementor.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# Addresses in an organization's own domains are verified by its identity provider.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
SOCIALACCOUNT_PROVIDERS = {
    "saml": {"provider_class": "carementor.sso.saml.OrganizationSAMLProvider"},
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "CareMentor"
# One 30-second step either side (RFC 6238 section 5.2): a code typed as it turns over, or on
# a phone whose clock is a few seconds off, still works; allauth refuses a code used twice.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING
MFA_PASSKEY_LOGIN_ENABLED = False
# Coordinators, reviewers and admins must have MFA, and must still be able to change their
# address; the change waits for the new address to be verified (ACCOUNT_CHANGE_EMAIL).
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Background work (django-tasks). Tests run tasks immediately; with REDIS_URL the RQ backend
# shares the work between any number of workers (`manage.py worker`); without it, the
# database backend needs nothing installed. Failed RQ jobs are retried with backoff
# (CAREMENTOR_TASK_RETRIES) and listed for staff at /admin/rq/.
CAREMENTOR_TASK_RETRIES = env_int("CAREMENTOR_TASK_RETRIES", 3)
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": env_int("CAREMENTOR_TASK_TIMEOUT", 3600),
    }
}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif REDIS_URL:
    TASKS = {"default": {"BACKEND": "carementor.lib.tasks_rq.RetryingRQBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASKS_ON_RQ = TASKS["default"]["BACKEND"].endswith("RQBackend")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")

# E-mail: console in development, SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL") or "CareMentor <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalization: UTC storage, each person's own timezone for display.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("en-in", _("English (India)")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Indian digit grouping (lakh, crore) for Hindi and English (India): carementor/formats.
FORMAT_MODULE_PATH = ["carementor.formats"]
# Django knows no "en-in": name it, or the switcher would list "English" twice.
LANG_INFO["en-in"] = {
    "bidi": False,
    "code": "en-in",
    "name": "English (India)",
    "name_local": "English (India)",
}
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CAREMENTOR_STATIC_ROOT") or VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60 if not (DEBUG or TESTING) else 0
# Uploaded documents (evidence, message attachments, learning documents) live in the
# "private" storage: never at a public URL, served only by authorizing views. Local disk
# outside any web root by default; an S3-compatible bucket when CAREMENTOR_S3_BUCKET is set,
# so that every web node sees every file.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("CAREMENTOR_PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
CAREMENTOR_S3_BUCKET = os.environ.get("CAREMENTOR_S3_BUCKET", "")
CAREMENTOR_S3_ENDPOINT_URL = os.environ.get("CAREMENTOR_S3_ENDPOINT_URL", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves `collectstatic`'s compressed, hashed files through WhiteNoise with
    # far-future caching; development and tests use the plain files (no manifest needed).
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "private": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": CAREMENTOR_S3_BUCKET,
                "endpoint_url": CAREMENTOR_S3_ENDPOINT_URL or None,
                "region_name": os.environ.get("CAREMENTOR_S3_REGION") or None,
                "access_key": os.environ.get("CAREMENTOR_S3_ACCESS_KEY_ID") or None,
                "secret_key": os.environ.get("CAREMENTOR_S3_SECRET_ACCESS_KEY") or None,
                # No ACL header: objects stay private to the bucket owner (buckets with ACLs
                # disabled, the AWS default, refuse any other). Names are random and must
                # never be overwritten; URLs, if ever asked for, are signed and short-lived.
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 60,
                "signature_version": "s3v4",
                # Self-hosted stores (MinIO, Ceph, Garage) answer on one host name.
                "addressing_style": "path" if CAREMENTOR_S3_ENDPOINT_URL else None,
            },
        }
        if CAREMENTOR_S3_BUCKET
        else {"BACKEND": "carementor.lib.private_files.PrivateFileSystemStorage"}
    ),
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

# Content Security Policy with a nonce on every page (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        # Learning videos play in privacy-enhanced players, loaded only when opened.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Security headers; the HTTPS ones apply outside development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # Rate-limit sign-in failures per client, not per proxy: take the client address
        # the one trusted proxy appends to X-Forwarded-For.
        ALLAUTH_TRUSTED_PROXY_COUNT = 1
SILENCED_SYSTEM_CHECKS: list[str] = []

# Organization invitations expire after this many days.
CAREMENTOR_INVITATION_DAYS = env_int("CAREMENTOR_INVITATION_DAYS", 14)

# Logs: one JSON object a line in production (plain text in development), each carrying the
# request id (X-Request-ID, accepted from the proxy or made up) of the request it belongs to.
LOG_FORMAT = os.environ.get("CAREMENTOR_LOG_FORMAT") or ("text" if DEBUG or TESTING else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "carementor.lib.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL") or "INFO"},
    "loggers": {"faker": {"level": "WARNING"}},
}
# Seconds a client is told to wait (Retry-After) when the database is unavailable.
CAREMENTOR_RETRY_AFTER_SECONDS = env_int("CAREMENTOR_RETRY_AFTER_SECONDS", 5)

# Error reporting and tracing, each switched on by its own environment variable.
if not TESTING:
    from carementor.lib.observability import setup_observability

    setup_observability()
