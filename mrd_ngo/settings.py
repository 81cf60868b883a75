"""Settings for the MRD NGO cooperation tracker, read from the environment (see README)."""
import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105 (dev only)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from mrd_ngo.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(VAR_DIR / "pgdata")}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# One connection per worker thread, kept between requests (opening one costs more than most
# queries) and checked before reuse, so a restarted database costs one failed check, not a 500.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles queries whose cost it overestimates: 240 ms of a 271 ms count query at
# scale (issue 11). Our queries are short; turn it off for the app's connections.
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = " ".join(filter(None, [_options.get("options", ""), "-c jit=off"]))
# Behind pgbouncer in transaction pooling mode a server-side cursor may not outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tables2",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "ninja",
    "mrd_ngo",
    "agreements",
    "reports",
    "api",
    "desk",
    # After mrd_ngo: its `db_worker` (with the heartbeat) replaces django-tasks-db's.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "mrd_ngo.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mrd_ngo.middleware.KhmerFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mrd_ngo.middleware.IdleSessionMiddleware",
    "mrd_ngo.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mrd_ngo.urls"
WSGI_APPLICATION = "mrd_ngo.wsgi.application"

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
                "mrd_ngo.context_processors.role",
                "desk.context_processors.notifications",
            ],
        },
    },
]
# Form widgets (each <select> option, each checkbox) are rendered with Django's own Jinja2 widget
# templates: the same HTML as the Django template ones, in a third of the time (the filter forms were
# a quarter of a list page's rendering). Pages and forms' layouts stay Django templates.
FORM_RENDERER = "mrd_ngo.form_renderer.WidgetRenderer"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out users before any password check
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"

# Khmer first, English second.
LANGUAGE_CODE = "km"
LANGUAGES = [("km", _("Khmer")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
FORMAT_MODULE_PATH = ["mrd_ngo.formats"]
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
# Uploaded files (signed agreements) are private: no MEDIA_URL serves them, only views that check access.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
WHITENOISE_USE_FINDERS = True  # serve static/ directly when collectstatic has not run (tests, demo)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The semester summaries the web processes have built, shared between them (reports/summary_cache.py).
# Each entry is named by its semester, edition and data fingerprint, so a stale one is never read;
# the fingerprint holds the date, so no entry is of use after a day.
CACHES = {
    # Per process: the HTML of the pages that count thousands of rows (the board, completeness, the
    # summary's sections), kept under the data version or fingerprint of their rows (`cache` blocks
    # in their templates): a changed row makes a new key, so nothing stale is read. At most about
    # 200 fragments of 10-250 KB each.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 200}},
    "summaries": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.path("SUMMARY_CACHE_DIR", default=VAR_DIR / "cache" / "summaries"),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 60},
    },
}
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@mrd.gov.kh")
# The address people open the app at: links in e-mails (invitations, notifications) start with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# An agreement is "expiring" when it ends within this many days.
AGREEMENT_EXPIRY_WINDOW_DAYS = env.int("AGREEMENT_EXPIRY_WINDOW_DAYS", default=90)

# --- Security -------------------------------------------------------------------------------
# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is locked out for the cool-off period. Attempts are kept in the database (admin: Axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy, set AXES_IPWARE_META_PRECEDENCE_ORDER so the client address is used.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])

# Sessions end after SESSION_IDLE_MINUTES without a request (IdleSessionMiddleware moves the expiry at
# most once a minute), and at logout.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Served over HTTPS (TLS at nginx, which sets X-Forwarded-Proto) unless the operator says HTTPS=off:
# secure cookies, HSTS and the redirect to https are the default whenever DEBUG is off.
HTTPS = env.bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content Security Policy: our pages have no inline scripts or styles.
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
    },
}

# --- Background work ------------------------------------------------------------------------
# Django's task framework (django-tasks backport) with the database backend: PostgreSQL is the
# queue. `manage.py db_worker` runs the tasks (summary PDFs and workbooks: reports/tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The worker writes a heartbeat this often; /healthz fails when none is younger than the stale age.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_STALE_SECONDS = env.int("WORKER_STALE_SECONDS", default=60)
# A build still "building" after this long is taken as lost (worker killed): shown failed, retryable.
SUMMARY_BUILD_TIMEOUT_SECONDS = env.int("SUMMARY_BUILD_TIMEOUT_SECONDS", default=15 * 60)
# Health checks from the load balancer may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The JSON API (api/): requests per user and process, and the longest an IATI upload may be.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="120/min")
IATI_UPLOAD_MAX_BYTES = env.int("IATI_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# The ministry's IATI organisation identifier (reporting-org/@ref, the prefix of every activity identifier).
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="KH-GOV-MRD")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Everything goes to stderr (systemd's journal, or the terminal), one line per record with the id
# of the request it belongs to (X-Request-ID from nginx, else made up): gunicorn's access log
# carries the same id. `django.request` logs every server error (500) with its traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mrd_ngo.request_id.RequestIdFilter"}},
    "formatters": {
        "one_line": {
            "()": "mrd_ngo.request_id.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "one_line", "filters": ["request_id"]},
    },
    "loggers": {
        "mrd_ngo": {"handlers": ["console"], "level": "INFO"},
        "agreements": {"handlers": ["console"], "level": "INFO"},
        "reports": {"handlers": ["console"], "level": "INFO"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
