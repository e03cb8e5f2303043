"""HomeGym settings.

Everything an operator may change comes from the environment; the defaults are safe for a
lifter running the app on their own machine (SQLite under ``var/``, a local Redis).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from homegym.redis_breaker import BreakerConnection

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOMEGYM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server as ``url`` but another logical database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-homegym-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "django_celery_beat",
    "core",
    "ml_coach",
    "workers",
    "web",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "homegym.urls"
WSGI_APPLICATION = "homegym.wsgi.application"
ASGI_APPLICATION = "homegym.asgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'homegym.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker threads and the web process share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Worker processes write concurrently: a deferred transaction that upgrades from read to
    # write gets "database is locked" at once instead of waiting; IMMEDIATE takes the write
    # lock at BEGIN, so writers queue up within the timeout.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "de")
# German is the default; English when the browser asks for it (Accept-Language) or the
# lifter chose it in the settings (web.middleware.ProfileLanguageMiddleware).
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
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

# Upload limits: a real multi-year export is a few MB; refuse anything absurd early.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# --- ML coach -------------------------------------------------------------------------
# Model artifacts are private: never below STATIC_ROOT or any web-served folder.
ML_MODEL_ROOT = Path(os.environ.get("ML_MODEL_ROOT", VAR_DIR / "ml_models"))
ML_MIN_SAMPLES = env_int("ML_MIN_SAMPLES", 10)
ML_RETRAIN_DEBOUNCE_SECONDS = env_int("ML_RETRAIN_DEBOUNCE_SECONDS", 120)
ML_RETRAIN_MIN_NEW_SETS = env_int("ML_RETRAIN_MIN_NEW_SETS", 3)
ML_PREDICTION_CACHE_SECONDS = env_int("ML_PREDICTION_CACHE_SECONDS", 3600)
ML_ALGORITHM = os.environ.get("ML_ALGORITHM", "coach")
ML_RF_N_ESTIMATORS = env_int("ML_RF_N_ESTIMATORS", 50)
ML_RF_MAX_DEPTH = env_int("ML_RF_MAX_DEPTH", 10)
ML_MODEL_LRU_SIZE = env_int("ML_MODEL_LRU_SIZE", 64)
ML_STALE_OUTDATED_DAYS = env_int("ML_STALE_OUTDATED_DAYS", 30)
# The instance's own population model replaces the shipped prior from this many lifters on
# (docs/ml.md: below it, the prior judged on held-out lifters was as good or better).
ML_OWN_POPULATION_MIN_LIFTERS = env_int("ML_OWN_POPULATION_MIN_LIFTERS", 30)

# --- Redis: broker, cache and results each on their own logical database ------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", redis_db_url(REDIS_URL, 1))
RESULT_REDIS_URL = os.environ.get("RESULT_REDIS_URL", redis_db_url(REDIS_URL, 2))
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1"))

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "homegym"),
        "TIMEOUT": ML_PREDICTION_CACHE_SECONDS,
        "OPTIONS": {
            # A dead cache must degrade to computing, never to an error page; the breaker
            # keeps a hung Redis from costing every call the socket timeout.
            "CLIENT_CLASS": "homegym.redis_breaker.BreakerClient",
            "CONNECTION_POOL_KWARGS": {"connection_class": BreakerConnection},
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        },
    }
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
# The breaker logs the outage once; a trace per ignored call would flood the log.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

# --- Celery ---------------------------------------------------------------------------------
# Broker on REDIS_URL's database, results on their own database, the cache on a third one.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", RESULT_REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Long ML tasks: acknowledge after the work, one message per process at a time, and give a
# message back when its worker dies. The redelivery is bounded per task id
# (WORKERS_MAX_DELIVERIES, counted in Redis by workers.tasks) so a task that kills its worker
# cannot loop forever.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 200)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
WORKERS_MAX_DELIVERIES = env_int("WORKERS_MAX_DELIVERIES", 3)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
# A row still TRAINING this long after it started belongs to a dead worker.
ML_TRAINING_STALE_SECONDS = env_int("ML_TRAINING_STALE_SECONDS", CELERY_TASK_TIME_LIMIT + 60)
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "workers.tasks.retrain_model": {"queue": "ml"},
    "workers.tasks.retrain_user_models": {"queue": "ml"},
    "workers.tasks.retrain_population_model": {"queue": "ml"},
    "workers.tasks.population_run_start": {"queue": "ml"},
    "workers.tasks.population_run_piece": {"queue": "ml"},
    "workers.tasks.population_run_assemble": {"queue": "ml"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest task (hard limit) plus the retrain debounce countdown: an ETA message
    # a worker holds unacknowledged must not be handed to a second worker meanwhile.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + ML_RETRAIN_DEBOUNCE_SECONDS + 600,
    # A hung broker must not hang a web request: fail fast, the caller logs and moves on.
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
    "health_check_interval": 25,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # Default is 20 reconnects (~19 s): an API request would hang that long on a dead Redis.
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
}
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Saves last_run_at as soon as an entry is sent (no duplicate nightly run after a crash).
CELERY_BEAT_SCHEDULER = "workers.beat:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Nightly fan-out: one task per user, users read from the database in batches of this size.
ML_NIGHTLY_CHUNK_SIZE = env_int("ML_NIGHTLY_CHUNK_SIZE", 100)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"ml_train": os.environ.get("ML_TRAIN_RATE", "10/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HomeGym API",
    "DESCRIPTION": "ML coach: recommendations and training jobs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Security (production values come from the environment) ---------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_redis": {"level": "ERROR"},
    },
}
