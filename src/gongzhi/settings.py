"""Gongzhi settings: one file, driven by environment variables (see README, "Configuration")."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """A variable's value, or the content of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("GONGZHI_DATA_DIR", "var")).resolve()
DEMO_MODE = envbool("GONGZHI_DEMO")
DEBUG = envbool("DEBUG")
TESTING = envbool("GONGZHI_TESTING")


def _secret_key() -> tuple[str, bool]:
    """The key and whether it was configured (env or demo file) rather than made up."""
    configured = env("SECRET_KEY")
    if configured:
        return configured, True
    key_file = DATA_DIR / "secret_key"
    if DEMO_MODE:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip(), True
    # Commands such as `gongzhi migrate` or the test suite do not sign anything that
    # outlives the process; `gongzhi serve` refuses to start with this placeholder.
    return "insecure-placeholder-" + secrets.token_urlsafe(16), False


SECRET_KEY, SECRET_KEY_CONFIGURED = _secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "*" if DEBUG or DEMO_MODE else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "treebeard",
    "django_htmx",
    "axes",
    "gongzhi.core",
    "gongzhi.places",
    "gongzhi.accounts",
    "gongzhi.web",
    "gongzhi.api",
    "gongzhi.cases",
    "gongzhi.open311",
    "gongzhi.analytics",
    "gongzhi.consultation",
    "gongzhi.duty",
    "gongzhi.fund",
    "gongzhi.publicity",
    "gongzhi.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # first, so refusals below carry its headers
    "gongzhi.api.middleware.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongzhi.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.web.context_processors.site",
            ],
        },
    }
]

# Database: DATABASE_URL, or an embedded SQLite file in the data directory (WAL mode).
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'gongzhi.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work together; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["TEST"] = {"NAME": env("GONGZHI_TEST_DB_NAME") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and TESTING:
    # A file, not shared-cache memory, so tests with real concurrent transactions can run.
    DATABASES["default"]["TEST"]["NAME"] = str(DATA_DIR / "test.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gongzhi.accounts.backends.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Password rules: 等保 (MLPS) level 2 by default — at least 8 characters of three kinds.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "gongzhi.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": envint("PASSWORD_MIN_CLASSES", 3)},
    },
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Lockout: AXES_FAILURE_LIMIT failures for one username from one address lock it for
# AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL = envbool("SECURE_SSL", default=not DEBUG and not DEMO_MODE and not TESTING)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = (
    Path(env("GONGZHI_STATIC_ROOT")) if env("GONGZHI_STATIC_ROOT") else DATA_DIR / "static"
)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("GONGZHI_MEDIA_ROOT")) if env("GONGZHI_MEDIA_ROOT") else DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gongzhi.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "gongzhi.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "gongzhi.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "gongzhi.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["gongzhi.api.throttling.ApiRateThrottle"],
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongzhi 共治 API",
    "DESCRIPTION": "REST API of the Gongzhi community co-governance platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names ("state", "role", "kind") more than one app uses.
    "ENUM_NAME_OVERRIDES": {
        # Existing names kept as they were before duty's "state", "role" and "kind" came.
        "StateEnum": "gongzhi.cases.choices.CaseState",
        "RoleEnum": "gongzhi.accounts.choices.Role",
        "KindEnum": "gongzhi.accounts.choices.UnitKind",
        "QuestionStateEnum": "gongzhi.consultation.choices.QuestionState",
        "NoticeStateEnum": "gongzhi.publicity.choices.NoticeState",
        "ProgrammeKindEnum": "gongzhi.publicity.choices.ProgrammeKind",
        "ExpenseStateEnum": "gongzhi.fund.choices.ExpenseState",
        **{
            f"{name}Enum": f"gongzhi.duty.choices.{name}"
            for name in ("DutyRole", "SwapState", "ServiceState", "VolunteerKind")
        },
    },
    # 3.1: a nullable object is oneOf [its schema, null], which validators read one way only
    # (3.0's `nullable` beside `allOf` is ambiguous, and strict validators reject null there).
    "OAS_VERSION": "3.1.0",
}

# Audit log: rows are kept at least this many days (`gongzhi audit purge` removes older ones).
AUDIT_RETENTION_DAYS = max(180, envint("AUDIT_RETENTION_DAYS", 180))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Uploads: photos are checked by content and re-encoded; this caps each file.
MAX_UPLOAD_BYTES = envint("GONGZHI_MAX_UPLOAD_MB", 10) * 1_000_000
# Form fields of one request, files excepted (Django's limit; over it: 413 on the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("GONGZHI_MAX_FORM_MB", 5) * 1_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1_000_000
# Courtyard fund expenses of at least this many fen need two distinct approvers (default ¥5,000).
FUND_SECOND_APPROVAL_FROM = envint("GONGZHI_FUND_SECOND_APPROVAL_FROM", 500_000)
# Cases: a case returned this many times goes to the supervisor's list.
CASE_MAX_RETURNS = envint("GONGZHI_CASE_MAX_RETURNS", 2)
# Cases: a resolved case nobody rates within this many days closes as "no response".
CASE_FOLLOW_UP_DAYS = envint("GONGZHI_CASE_FOLLOW_UP_DAYS", 7)
# Cases: reminders go out when this share of the time to resolve is left.
CASE_REMIND_AT_REMAINING = 0.25
# Definitions of the three rates and of the participation rate, as JSON objects: cities define
# them differently (see cases/rates.py and analytics/participation.py for the keys).
THREE_RATES = json.loads(env("GONGZHI_THREE_RATES") or "{}")
PARTICIPATION = json.loads(env("GONGZHI_PARTICIPATION") or "{}")
# Consultation: a question nobody answers within this many working days (same time of day)
# goes to the community workers.
CONSULTATION_ESCALATE_WORKDAYS = envint("GONGZHI_CONSULTATION_ESCALATE_WORKDAYS", 1)
# Publicity: a notice's default period (公示期) and whether it counts calendar or working days.
GONGZHI_NOTICE_PERIOD_DAYS = envint("GONGZHI_NOTICE_PERIOD_DAYS", 7)
GONGZHI_NOTICE_PERIOD_UNIT = env("GONGZHI_NOTICE_PERIOD_UNIT", "calendar_days")

# Background tasks: django-tasks with its database backend, run by `gongzhi worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Notifications: e-mail through Django's mail framework; SMS and WeChat through these backends.
EMAIL_BACKEND = env("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE or DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gongzhi@localhost")
GONGZHI_SITE_URL = env("GONGZHI_SITE_URL", "http://127.0.0.1:8000")
GONGZHI_NOTIFY_BACKENDS = {
    "email": "gongzhi.core.channels.EmailBackend",
    "sms": env("GONGZHI_SMS_BACKEND", "gongzhi.core.channels.ConsoleSMSBackend"),
    "wechat": env("GONGZHI_WECHAT_BACKEND", "gongzhi.core.channels.ConsoleWeChatBackend"),
}

# Cache shared by every process (rate limits): the database table gongzhi_cache by default
# (`gongzhi migrate` creates it), Redis when REDIS_URL is set (needs the `redis` package).
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongzhi_cache"}
    )
}

# Open311 GeoReport v2 at /open311/v2/ (see README, "Open311").
GONGZHI_OPEN311_JURISDICTION = env("GONGZHI_OPEN311_JURISDICTION", "chengdu.gov.cn")
GONGZHI_OPEN311_CONTACT = env("GONGZHI_OPEN311_CONTACT")
# Requests per window ("N/SECONDS"; empty or 0: no limit): per API key, and per IP address for
# requests without a valid key.
GONGZHI_OPEN311_RATE_KEY = env("GONGZHI_OPEN311_RATE_KEY", "600/60")
GONGZHI_OPEN311_RATE_IP = env("GONGZHI_OPEN311_RATE_IP", "120/60")
# The nature given to requests filed through Open311 (the spec has no such field).
GONGZHI_OPEN311_NATURE = env("GONGZHI_OPEN311_NATURE", "help")
# Natures never published by the Open311 GETs (tip-offs name people and places).
GONGZHI_PUBLIC_HIDDEN_NATURES = envlist("GONGZHI_PUBLIC_HIDDEN_NATURES", "tip_off")

# REST API (/api/v1/) and Open311 (/open311/v2/): see README, "API limits and CORS".
# Requests per window ("N/SECONDS"; empty or 0: no limit): per user (token or session), per IP
# address without credentials, and writes (POST/PUT/PATCH/DELETE) per user or address besides.
GONGZHI_API_RATE_USER = env("GONGZHI_API_RATE_USER", "600/60")
GONGZHI_API_RATE_ANON = env("GONGZHI_API_RATE_ANON", "120/60")
GONGZHI_API_RATE_WRITE = env("GONGZHI_API_RATE_WRITE", "60/60")
# Seconds an app server remembers whose an API token is (api/authentication.py); 0: ask the
# database on every request. A revoked token stops working in the other processes after this.
GONGZHI_API_TOKEN_CACHE_SECONDS = envint("GONGZHI_API_TOKEN_CACHE_SECONDS", 10)
# Days a queued report's row is kept after it was registered or rejected (cases/intake.py).
GONGZHI_INTAKE_KEEP_DAYS = envint("GONGZHI_INTAKE_KEEP_DAYS", 30)
# The largest body of one request (JSON, form or multipart with photos): 413 above it.
GONGZHI_API_MAX_BODY_BYTES = envint("GONGZHI_API_MAX_BODY_MB", 50) * 1_000_000
# CORS: origins whose browser pages may call the API and Open311 (none by default).
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(api/v1|open311/v2)/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 3600
