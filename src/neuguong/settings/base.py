"""Settings shared by every environment. Values that differ per deployment come from env.py."""

import datetime as dt
from pathlib import Path
from typing import Any

import bootstrap as bootstrap_assets

from .env import database_config, env_bool, env_int, env_list, env_str, replica_database_config

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src" / "neuguong"

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "neuguong.core",
    "neuguong.audit",
    "neuguong.organizations",
    "neuguong.people",
    "neuguong.access",
    "neuguong.notifications",
    "neuguong.dataio",
    "neuguong.docengine",
    "neuguong.documents",
    "neuguong.commitments",
    "neuguong.reports",
    "neuguong.inspections",
    "neuguong.study",
    "neuguong.meetings",
    "neuguong.targets",
    "neuguong.plans",
    "neuguong.evaluation",
    "neuguong.consultation",
    "neuguong.portal",
    # After neuguong.access, whose locale/ holds the Vietnamese for axes' labels and messages.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "neuguong.core.dbrouter.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "neuguong.access.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A POST resent by the load balancer (its app server died) is carried out once (core/idempotency.py).
    "neuguong.core.idempotency.IdempotentPostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a throttled login (from any login form) into the Vietnamese 429 page.
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's error first (messages and request.htmx are ready).
    "neuguong.core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "neuguong.urls"
WSGI_APPLICATION = "neuguong.wsgi.application"

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
                "django.template.context_processors.csp",
                "neuguong.access.context_processors.navigation",
                "neuguong.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

DATABASES = {"default": database_config(BASE_DIR)}
# A read replica (DATABASE_REPLICA_URL): dashboards, reports and exports read from it (core/dbrouter.py),
# except for a user who wrote in the last READ_YOUR_WRITES_SECONDS (they read the primary).
if replica := replica_database_config():
    DATABASES["replica"] = replica
DATABASE_READ_REPLICA = "replica" if "replica" in DATABASES else ""
DATABASE_ROUTERS = ["neuguong.core.dbrouter.ReadReplicaRouter"]
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 10)
# GET pages that may read the replica (URL names): dashboards, report pages and files, exports.
DATABASE_REPLICA_VIEWS = frozenset(
    {
        "reports:dashboard",
        "reports:panel",
        "reports:dashboard_charts",
        "reports:detail",
        "reports:download",
        "commitments:board_export",
        "dataio:export_people",
        "dataio:export_organizations",
        "dataio:quality_xlsx",
        "study:campaign_list_xlsx",
        "study:campaign_xlsx",
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every app server (stateless servers): the database is the only shared state.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The status tallies' covering index (INCLUDE columns) is a PostgreSQL feature; SQLite builds the same
# index without them, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
SESSION_ENGINE = "django.contrib.sessions.backends.db"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Wherever a password is set (access/passwords.py): 12 characters or more, not common, not name-based.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "neuguong.access.passwords.LengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "neuguong.access.passwords.NameBasedValidator"},
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "access:login"
# Login throttling (access/throttle.py on django-axes' tables; README "Bảo mật"). Per username and client
# address: LOGIN_FAILURE_LIMIT failures are free, then each attempt waits LOGIN_DELAY_SECONDS, doubled with
# every further failure up to LOGIN_DELAY_MAX_MINUTES; never a lock that someone else can set off. Per client
# address (all usernames): LOGIN_ADDRESS_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_MINUTES.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_DELAY_SECONDS = env_int("LOGIN_DELAY_SECONDS", 60)
LOGIN_DELAY_MAX_MINUTES = env_int("LOGIN_DELAY_MAX_MINUTES", 60)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; empty: REMOTE_ADDR only.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
# API bearer tokens end after this many days (access/services.py); revoked earlier by their owner (account
# page), by `manage.py revoke_api_token USERNAME`, or when the owner's password changes.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "neuguong.access.throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "neuguong.access.throttle.client_ip"
AXES_USERNAME_CALLABLE = "neuguong.access.throttle.normalized_username"
AXES_LOCKOUT_CALLABLE = "neuguong.access.views.lockout_response"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
# How long failures are remembered after the last one (then a username at an address starts afresh).
AXES_COOLOFF_TIME = dt.timedelta(hours=env_int("LOGIN_FAILURE_MEMORY_HOURS", 24))
AXES_RESET_ON_SUCCESS = False  # the handler clears only that username at that address
AXES_COOLOFF_MESSAGE = "Đăng nhập sai nhiều lần: vui lòng chờ ít phút rồi thử lại."
AXES_PERMALOCK_MESSAGE = AXES_COOLOFF_MESSAGE
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
FORMAT_MODULE_PATH = ["neuguong.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [("bootstrap", Path(bootstrap_assets.__path__[0]))]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if env_str("S3_BUCKET", ""):
    # Any S3-compatible object store (MinIO, Viettel/VNPT cloud, AWS): uploads are shared by all servers.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "access_key": env_str("S3_ACCESS_KEY", ""),
            "secret_key": env_str("S3_SECRET_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Uploaded evidence: what is accepted, and how large (bytes).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Imports (core/xlsx_guard.py): at most this many rows per file (a province is ~200,000 members), and the
# uncompressed size of each part of an XLSX (worksheets are streamed; other parts are read whole).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 500_000)
IMPORT_MAX_SHEET_MB = env_int("IMPORT_MAX_SHEET_MB", 512)
IMPORT_MAX_PART_MB = env_int("IMPORT_MAX_PART_MB", 64)
# Days the one-time passwords of an account batch are kept when its file is not downloaded (dataio.accounts).
ACCOUNT_PASSWORD_DAYS = env_int("ACCOUNT_PASSWORD_DAYS", 7)
# Days an uploaded import file is kept after its import run finished (the run record itself is kept).
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 90)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {"host": env_str("EMAIL_HOST", "localhost"), "port": env_int("EMAIL_PORT", 25)}
        if env_str("EMAIL_BACKEND", "").endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "neuguong@localhost")
# The site's address, put before the links in e-mails (https://neuguong.example.vn); empty: relative links.
SITE_URL = env_str("SITE_URL", "")

# Content Security Policy (Django's built-in middleware): only our own assets, no inline script.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
# A refused form (stale or missing CSRF token) gets the site's Vietnamese page, not Django's English one.
CSRF_FAILURE_VIEW = "neuguong.core.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Deployment-facing text (the place name printed on generated documents).
DOCUMENT_PLACE_NAME = env_str("DOCUMENT_PLACE_NAME", "Nghệ An")

# Seconds for which report figures (dashboard, reports, annex, API) are reused from the shared cache; 0 = live.
# Large trees (a province and up) should set e.g. 300: every consumer then reads the same snapshot.
REPORTS_FIGURES_CACHE_SECONDS = env_int("REPORTS_FIGURES_CACHE_SECONDS", 0)
