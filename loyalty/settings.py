"""
Settings for the loyalty platform, read from the environment (django-environ).

Every variable is documented in README.md ("Configuration") and .env.example.
Production defaults are safe: DEBUG is off and SECRET_KEY is required unless
DEBUG is on.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "loyalty",
    "ledger",
    "participants",
    "rewards",
    "events",
]

MIDDLEWARE = [
    "loyalty.logging.RequestLogMiddleware",
    "loyalty.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loyalty.urls"
APPEND_SLASH = False

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
            ],
        },
    },
]

WSGI_APPLICATION = "loyalty.wsgi.application"

# --- Database -----------------------------------------------------------------
# PostgreSQL is the production and test database (DATABASE_URL). Without
# DATABASE_URL the app runs on an embedded SQLite file in the project folder so
# that a newcomer can start it with one command. SQLite runs every transaction
# as BEGIN IMMEDIATE (one writer at a time, so read-then-write transactions
# serialize) with WAL so readers do not block the writer.
SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}"),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3" and not DEBUG and not env.bool("ALLOW_SQLITE_IN_PRODUCTION", default=False):
    # On SQLite the ledger's guards (triggers, deferred balance checks) do not exist.
    raise ImproperlyConfigured(
        "DEBUG is off and DATABASE_URL is not a PostgreSQL URL: the embedded SQLite database is for "
        "development (the ledger's database guards exist only on PostgreSQL). Set DATABASE_URL, or "
        "ALLOW_SQLITE_IN_PRODUCTION=true if SQLite with DEBUG off is really meant (e.g. the SQLite test run)."
    )
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
else:
    _db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})
    # A stuck row lock or a runaway statement answers 503 instead of hanging a
    # worker: the server aborts the statement and the transaction rolls back.
    _db["OPTIONS"].setdefault(
        "options",
        "-c lock_timeout={} -c statement_timeout={}".format(
            env.int("DB_LOCK_TIMEOUT_MS", default=5000),
            env.int("DB_STATEMENT_TIMEOUT_MS", default=30000),
        ),
    )
    # Server-side binding: parameters travel apart from the SQL, so the same
    # statement text repeats, and psycopg prepares it after DB_PREPARE_THRESHOLD
    # runs on a connection (parsed and planned once: about half the database CPU
    # of a redemption, docs/benchmarks.md). Django's default prepares nothing.
    _db["OPTIONS"].setdefault("server_side_binding", env.bool("DB_SERVER_SIDE_BINDING", default=True))
    _db["OPTIONS"].setdefault("prepare_threshold", env.int("DB_PREPARE_THRESHOLD", default=5) or None)
    _db.setdefault("TEST", {})
    _db["TEST"].setdefault("NAME", "test_" + _db["NAME"])

# A streaming replica for reporting reads (optional). The operator dashboard,
# the admin's change lists, trial_balance and reconcile --replica choose it
# through loyalty.replicas (which falls back to the primary when it does not
# answer); API answers never read it, so integrators read their own writes.
# No database router: a read that may lag says so by naming the alias.
_replica_url = env.str("DATABASE_REPLICA_URL", default="")
if _replica_url:
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    _replica = environ.Env.db_url_config(_replica_url)
    _replica["CONN_MAX_AGE"] = _db["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
    # The primary's options (timeouts, binding), and a short connect timeout: a
    # replica that does not answer costs a page at most this long, then is skipped.
    _replica["OPTIONS"] = {**_db["OPTIONS"], "connect_timeout": 2, **_replica.get("OPTIONS", {})}
    _replica["TEST"] = {"MIRROR": "default"}  # a test run has no replica of its test database
    DATABASES["replica"] = _replica

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Static files (the admin's, the interactive API docs' from drf-spectacular-sidecar)
# are served by the app itself through WhiteNoise: no CDN, no extra server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps; collectstatic is optional
WHITENOISE_AUTOREFRESH = DEBUG

# --- Request limits -------------------------------------------------------------
# The contract's body limit: a larger body is answered 413 payload_too_large.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=64 * 1024)
# POST /rewards/{id}/codes only: 10,000 codes of up to 100 characters (4 bytes each in UTF-8) fit.
MAX_CODES_BODY_BYTES = env.int("MAX_CODES_BODY_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_CODES_BODY_BYTES  # the middleware caps each route first

# --- API ------------------------------------------------------------------------
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="6000/min")
# Failed authentications per client address (a flood of bad keys answers 429
# before any database lookup). The client address is REMOTE_ADDR, or, behind
# TRUSTED_PROXY_HOPS proxies that append to X-Forwarded-For, the address the
# outermost of them saw (loyalty.ratelimit.client_address).
AUTH_FAILURE_RATE_LIMIT = env.str("AUTH_FAILURE_RATE_LIMIT", default="60/min")
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# The rate limits count in this cache (loyalty.ratelimit). Production needs a
# shared one, so that every worker and node counts the same key together:
# Redis (CACHE_URL=redis://host:6379/0, Django's own RedisCache) or the
# database (dbcache://rate_limit_cache, after `manage.py createcachetable`).
# The default, locmemcache://, counts per process: four workers would give a
# key four times its limit, so with DEBUG off it must be asked for with
# RATE_LIMIT_PER_PROCESS=true.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":  # django-environ's pick if that is installed
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that does not answer must not hold a request up: the limit fails open.
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
_SHARED_CACHES = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
if (
    not DEBUG
    and CACHES["default"]["BACKEND"] not in _SHARED_CACHES
    and not env.bool("RATE_LIMIT_PER_PROCESS", default=False)
):
    raise ImproperlyConfigured(
        f"DEBUG is off and CACHE_URL is a per-process cache ({CACHES['default']['BACKEND']}): every worker "
        "would count the rate limits on its own. Set CACHE_URL=redis://host:6379/0 (or a database cache), or "
        "RATE_LIMIT_PER_PROCESS=true if per-process limits are really meant."
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["loyalty.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["loyalty.auth.HasApiKey"],
    "DEFAULT_THROTTLE_CLASSES": ["loyalty.auth.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": API_RATE_LIMIT},
    "DEFAULT_PARSER_CLASSES": ["loyalty.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "loyalty.api.pagination.NewestFirstPagination",
    "EXCEPTION_HANDLER": "loyalty.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "STRICT_JSON": True,
    "UNICODE_JSON": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Loyalty API",
    "VERSION": "1.0.0",
    # One postprocessing hook (loyalty.api.schema_hook) applies the rules every operation follows: enum
    # components (query parameters included, response enums extensible), the shared ErrorResponse as every
    # operation's default answer, Retry-After, /healthz and the API's description.
    # The schema and the docs are public: no key, and served from the installed packages (no CDN).
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "loyalty.models.Program.Status",
        "RewardTypeEnum": "rewards.models.Reward.Type",
        "RewardStatusEnum": "rewards.models.Reward.Status",
        "RewardFulfilmentEnum": "rewards.models.Reward.Fulfilment",
        "RedemptionStatusEnum": "rewards.models.Redemption.Status",
        "JournalEntryKindEnum": "ledger.models.JournalEntry.Kind",
        "AccountTypeEnum": "ledger.models.Account.Type",
        "LineDirectionEnum": "ledger.models.JournalLine.Direction",
        "AccrualStatusEnum": "participants.models.Accrual.Status",
        "ErrorCode": "loyalty.errors.ErrorCode",
        "EventTypeEnum": "events.types.EVENT_TYPE_CHOICES",
        "SubscribedEventTypeEnum": "events.types.SUBSCRIBABLE_CHOICES",
        "DeliveryStatusEnum": "events.models.Delivery.Status",
        "AuditActorTypeEnum": "loyalty.models.AuditEvent.ActorType",
    },
    "POSTPROCESSING_HOOKS": ["loyalty.api.schema_hook.postprocess_schema"],
    "TAGS": [
        {"name": "programs", "description": "Loyalty programs (creating one needs an all-programs key)."},
        {"name": "assets", "description": "What a program counts in (POINTS, ...), with its points policy (pending_days, validity_days)."},
        {"name": "participants", "description": "Participants, their enrolments, balances and accruals."},
        {"name": "rewards", "description": "The reward catalog."},
        {"name": "redemptions", "description": "Catalog and direct redemptions, and their reversals."},
        {"name": "journal-entries", "description": "The ledger: balanced, immutable journal entries."},
        {"name": "service", "description": "Public service endpoints."},
    ],
}

# --- Security (production) --------------------------------------------------------


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` or ``X-Forwarded-Proto,https`` -> ``("HTTP_X_FORWARDED_PROTO", "https")``."""
    if not value.strip():
        return None
    name, _, expected = value.partition(",")
    name = name.strip().upper().replace("-", "_")
    return (name if name.startswith("HTTP_") else f"HTTP_{name}", expected.strip() or "https")


# Off unless set: only a TLS proxy that sets this header (and drops a client's
# own) may say that a request came over HTTPS. Without it a client talking to
# gunicorn directly could claim HTTPS with the header alone.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env.str("SECURE_PROXY_SSL_HEADER", default=""))
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Off unless set: includeSubDomains forces HTTPS on every host under the domain
# (including ones this app does not own), and preload is a promise to the
# browsers' lists that takes months to undo. Django's deploy check warns
# about both (W005, W021); that choice is made here, so those two are silenced.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True

# Webhooks and events (README "Events and webhooks"). The two ALLOW_ switches are for development and
# tests only: plain http, and hosts that are or resolve to loopback, private, link-local, multicast or
# unspecified addresses.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=60)
EVENT_RETENTION_DAYS = max(env.int("EVENT_RETENTION_DAYS", default=90), 30)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "loyalty.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": env.str("LOG_FORMAT", default="json")},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "INFO"},
        # One line per webhook request is the deliveries' own business (their status is in the database).
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
