"""Settings for ilo_tracker, read from the environment.

SQLite under var/ is the default so a fresh clone just works; PostgreSQL (production) via
DATABASE_URL. Production mode whenever DEBUG is off.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_tasks_db",
    "simple_history",
    "axes",
    "outcomes",
    "measures",
    "reports",
    "api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ilo_tracker.audit.AuditMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into its page
]
# The audit trail (ilo_tracker/audit.py) is read, never replayed: a revert would be an edit
# that skips the forms' checks.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

ROOT_URLCONF = "ilo_tracker.urls"
WSGI_APPLICATION = "ilo_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

VAR_DIR = BASE_DIR / "var"  # git-ignored: the SQLite database and uploaded files
VAR_DIR.mkdir(exist_ok=True)
# CONN_MAX_AGE > 0 keeps a connection per worker process (gunicorn: e.g. 60); keep it 0 under
# runserver, which opens one per request thread and would exhaust PostgreSQL's connections.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'ilo_tracker.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the app's short queries for longer than they run.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is for development and small installs; PostgreSQL is the production database.
    # Writers take the lock when their transaction begins and wait for it up to 20 s, so
    # concurrent saves queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
# Each process keeps its own. `{% cache %}` uses "template_fragments" (its name in Django):
# parts of pages that depend on their key alone (the navigation, the language list, the plan
# page's links and forms without errors), kept apart so that they never push out the API's
# rate-limit counts.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Covering indexes (INCLUDE) are for PostgreSQL; SQLite builds them without the extra column.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "ilo_tracker.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (ilo_tracker/login_throttle.py): per account and, separately, per address.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ilo_tracker.login_throttle.locked_out"
# The address counted: REMOTE_ADDR, which a client cannot forge. Behind a reverse proxy, name
# the header it sets (e.g. CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR) and its count of proxies.
AXES_IPWARE_META_PRECEDENCE_ORDER = [os.environ.get("CLIENT_IP_HEADER", "REMOTE_ADDR")]
AXES_IPWARE_PROXY_COUNT = envint("CLIENT_IP_PROXY_COUNT", 0) or None
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Zurich"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Third-party front-end files come from npm (package.json), installed by `make setup`.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
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
# Uploads waiting for import and rendered PDFs. With several app servers or task workers, this
# folder must be shared by all of them (a volume, NFS).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Heavy work (large PDFs, imports) runs as a task on the database queue; the worker is
# `manage.py db_worker`, started by `make run`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running task beats every quarter of this; one silent for longer lost its worker and is
# retried once (renders) or failed with a message (measures.heartbeat).
TASK_LEASE_SECONDS = envint("TASK_LEASE_SECONDS", 60)
# A PDF over either budget is refused with a message instead of laid out for ever.
PDF_MAX_PAGES = envint("PDF_MAX_PAGES", 2000)
PDF_MAX_SECONDS = envint("PDF_MAX_SECONDS", 600)
# `manage.py cleanup_files` deletes rendered PDFs older than this.
RENDER_KEEP_DAYS = envint("RENDER_KEEP_DAYS", 7)

# Password-reset mail and digests go to the console in development, to SMTP (EMAIL_HOST...)
# otherwise.
mail_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": mail_backend}}
if mail_backend.endswith(".smtp.EmailBackend"):
    # Django 6.1's mailers read the SMTP server from OPTIONS, no longer from EMAIL_HOST...
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "false"),
        "use_ssl": envbool("EMAIL_USE_SSL", "false"),
        "timeout": envint("EMAIL_TIMEOUT", 30),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ilo-tracker@localhost")

# Limits of the Excel importer; refused files name the limit they broke.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 20_000)
# Cells written in the sheets' XML, empty or not; text to the right of the last column is
# left out with a warning.
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 1_000_000)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 50)

# Weekly digests (`manage.py send_reminders`) list lines due within this many days.
REMINDER_DUE_DAYS = envint("REMINDER_DUE_DAYS", 14)

# Where the app is served: absolute links in files made outside a request (IATI exports).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Requests per period for each API token and each signed-in browser (Django's cache).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
}

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    # Load balancers and container health checks call it over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# In development and tests WhiteNoise serves straight from the app and npm folders.
WHITENOISE_USE_FINDERS = DEBUG
