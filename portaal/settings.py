"""Settings, read from the environment (12-factor); with nothing set: SQLite, DEBUG, console mail."""
import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG mag niet aan staan in productie.")

_DEV_SECRET_KEY = "django-insecure-dev-only-competentiechecks"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("Zet SECRET_KEY op een lange, willekeurige waarde (min. 50 tekens).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Zet ALLOWED_HOSTS (komma-gescheiden hostnamen).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public address used in e-mailed links; falls back to the request's host.
PORTAAL_URL = os.environ.get("PORTAAL_URL", "").rstrip("/")

INSTALLED_APPS = [
    "portaal.apps.PortaalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "axes",
    "localflavor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "medewerkers",
    "verkenning",
    "kbo",
    "berichten",
    "registraties",
    "partnerschappen",
    # After berichten: its `db_worker` (with heartbeat and recovery) replaces the library's.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body or the database: refuse what no page of ours accepts
    # (files, odd charsets, NUL, huge bodies) and answer a database outage with a Dutch 503.
    "portaal.middleware.RequestGuardMiddleware",
    "portaal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portaal.middleware.PortaalCSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portaal.urls"
WSGI_APPLICATION = "portaal.wsgi.application"

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
                "portaal.context_processors.contact",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked" under concurrent submissions.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Shared by every process and machine (rate limits, throttles): never one process's memory.
    # `migrate` creates the table (registraties.apps).
    # Room for the limits' counters (a few per client address): Django's default of 300
    # entries would make it drop live counters under load.
    CACHES = {"default": {"BACKEND": "portaal.cache.DatabaseCache",
                          "LOCATION": "portaal_cache", "OPTIONS": {"MAX_ENTRIES": 100_000}}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Public pages rendered once per version of what they show (portaal/pagecache.py): this
# process's own memory on purpose, since every key names that version.
CACHES["pagina"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "pagina", "TIMEOUT": 24 * 3600, "OPTIONS": {"MAX_ENTRIES": 200}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Nederlands"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Outside production whitenoise serves straight from the finders; no collected folder.
_static_root = os.environ.get("STATIC_ROOT") or (BASE_DIR / "staticfiles" if PRODUCTION else None)
STATIC_ROOT = Path(_static_root) if _static_root else None
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The address the public is told to write to (pages, error pages, refusals, mails): read from
# here everywhere, templates through portaal.context_processors.contact.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "competentiechecks@esf-agentschap.be")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"ESF&DO competentiechecks <{CONTACT_EMAIL}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mailbox of ESF&DO that is told about every new registration.
ESFDO_MAILBOX = os.environ.get("ESFDO_MAILBOX", CONTACT_EMAIL)
# Every mail is a row (berichten.Bericht) sent by the worker. When the mail server fails, the
# worker tries again after these many seconds, one wait per retry; then the mail has failed.
BERICHTEN_WACHTTIJDEN = [int(seconds) for seconds in env_list(
    "BERICHTEN_WACHTTIJDEN", "60,300,900,3600,14400,43200")]

# A worker holds a job (a mail, an Excel import) for this many seconds and renews the claim
# every WERKER_HARTSLAG_SECONDEN while it runs; every WERKER_HERSTEL_SECONDEN each worker takes
# up what a dead worker left (berichten/worker.py). Recovery takes at most claim + sweep.
WERKER_CLAIM_SECONDEN = float(os.environ.get("WERKER_CLAIM_SECONDEN", "60"))
WERKER_HARTSLAG_SECONDEN = float(os.environ.get("WERKER_HARTSLAG_SECONDEN", "15"))
WERKER_HERSTEL_SECONDEN = float(os.environ.get("WERKER_HERSTEL_SECONDEN", "30"))

# Background work (mails, Excel imports, clean-up) goes to a queue in the database, run by
# `manage.py db_worker` processes on any machine that reaches the same database.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    },
}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
# Lock the pair: five typos behind the office's shared IP must not lock out every colleague,
# and nobody elsewhere can lock a named account out by guessing.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
if env_bool("BEHIND_PROXY"):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Limits per client address on the public POSTs and the register lookup (a sliding window,
# portaal/ratelimits.py), counted in the default cache so that every process and machine
# shares them. Off only for load tests on a private machine: RATELIMIT_ENABLE=false.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)

# ALTCHA proof of work on the public form (registraties/spamcontrole.py): PBKDF2 iterations
# per attempt; a browser needs on average 256 attempts (about a second), a server one.
ALTCHA_HMAC_KEY = os.environ.get("ALTCHA_HMAC_KEY", "") or SECRET_KEY
ALTCHA_COST = int(os.environ.get("ALTCHA_COST", "5000"))

# Bodies: the public form is a few kilobytes of text; staff upload Excel files up to 5 MB
# (files are not counted here). Public URLs are capped harder in portaal/middleware.py.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
CSRF_FAILURE_VIEW = "portaal.views.csrf_failure"

LOGIN_URL = "admin:login"
# After logging in without a (safe) `next`: the staff index, never /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"

# Two factors (TOTP app + backup codes) for every staff login: required in production,
# off by default elsewhere so the demo accounts of `make run` log in with a password.
TWO_FACTOR_VERPLICHT = env_bool("TWO_FACTOR_VERPLICHT", default=PRODUCTION)
if PRODUCTION and not TWO_FACTOR_VERPLICHT:
    raise ImproperlyConfigured("TWO_FACTOR_VERPLICHT moet aan staan in productie: "
                               "medewerkers melden zich aan met een tweede factor.")
# The portal's own admin site decides (portaal/admin.py); no monkeypatching of AdminSite.
TWO_FACTOR_PATCH_ADMIN = False
OTP_TOTP_ISSUER = "ESF&DO competentiechecks"
TWO_FACTOR_LOGIN_TIMEOUT = 600

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes the health check over plain HTTP on the internal network.
    SECURE_REDIRECT_EXEMPT = [r"^gezondheid/(werker/)?$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: every script, style, font, image and worker comes from the portal
# itself; nothing inline on the public pages. Only the staff pages (/beheer/) add
# 'unsafe-inline' to style-src while the Django admin needs it (portaal/middleware.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The ALTCHA widget solves its proof of work in web workers served from static/.
        "worker-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
