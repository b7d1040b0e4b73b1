"""Settings shared by every environment. Environments differ only through the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from config.env import env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework.authtoken",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Domain apps, in dependency order: each may import only those above it.
    "ppo",
    "sharing",
    "selection",
    "cases",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ppo.middleware.SessionLimitsMiddleware",
    "ppo.middleware.LoginRequiredMiddleware",
    "ppo.middleware.SecondFactorRequiredMiddleware",
    "ppo.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "ppo.context_processors.service",
                "reporting.context_processors.navigation",
            ],
        },
    },
]


def _database_url() -> str | None:
    """DATABASE_URL, else the embedded PostgreSQL that `make run` / `make test` started.

    The embedded server writes its URL to .local/postgres/database_url, so a developer's
    `manage.py shell` reaches the same database as the running app.
    """
    url = env_str("DATABASE_URL")
    if url:
        return url
    embedded = BASE_DIR / ".local" / "postgres" / "database_url"
    return embedded.read_text().strip() if embedded.exists() else None


DATABASE_URL = _database_url()
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.postgresql"}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "ppo.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Staff accounts only: nobody is ever represented by guardian's anonymous user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# Content Security Policy: everything from the service itself, nothing inline, no frames.
# (The API's Swagger page is allowed inline styles: ppo/apis.py / config/api_urls.py.)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Official - Sensitive data: a session ends when the browser closes, after 30 minutes idle
# and 12 hours after sign-in (ppo.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"

# Lockout (django-axes): five failed sign-ins for a username from one address lock that pair
# for 15 minutes, so an attacker elsewhere cannot lock the person out for good.
# Two-factor sign-in: the name authenticator apps show for this service's codes.
OTP_TOTP_ISSUER = "PPO case management"
# The admin never shows an app's secret key or QR code: whoever holds it makes codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Accounts sign in by email, entered in the form's "username" field.
AXES_USERNAME_CALLABLE = "ppo.views.sign_in_name"
AXES_LOCKOUT_CALLABLE = "ppo.views.locked_out"

# Argon2id for every new or changed password; older hashes are upgraded at sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates as GOV.UK writes them ("22 November 2026"): see config/formats and the
# govuk_datetime filter in ppo/templatetags/ppo_tags.py.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
# static/dist is built from node_modules by `make install` (scripts/build-assets.mjs).
STATICFILES_DIRS = [BASE_DIR / "static" / "dist", BASE_DIR / "static" / "app"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ppo.authentication.VerifiedSessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON only: form encodings cannot tell null from an empty field, nor send an empty list,
    # so a schema for them would differ from JSON's. Tests send what clients send.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PPO case management API",
    "DESCRIPTION": "The register, sharing, selection, case and reporting operations as JSON.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The docs page's Swagger UI is served from this app's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components: answers carry read-only fields and nulls for
    # withheld information that requests may not send.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.allow_empty_query_values",
    ],
}

# Celery: Redis in production and tests; `make run` may use the filesystem broker instead.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "background-check": {
        "task": "reporting.tasks.background_check_scheduled",
        "schedule": crontab(minute="*/10"),
    },
    "review-flags": {
        "task": "reporting.tasks.review_flags_scheduled",
        "schedule": crontab(hour=1, minute=0),
    },
    "monthly-returns": {
        "task": "reporting.tasks.monthly_returns_scheduled",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    "ledger-checkpoint": {
        "task": "sharing.tasks.ledger_checkpoint_scheduled",
        "schedule": crontab(hour=1, minute=30),
    },
}

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ppo-case-management@localhost")

SERVICE_NAME = "Priority offender case management"
# The reduction in offences after joining the list that the dashboard measures against.
REOFFENDING_TARGET_PCT = env_int("REOFFENDING_TARGET_PCT", 10)
# Where the service is reached, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and the font library it uses report every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# What a user may see inside a record they can open (ppo/access.py): the information sharing
# rules, handed in by name because the register app may not import the sharing app.
RECORD_ACCESS_POLICY = "sharing.access.record_access"
ACCESS_LOG_WRITER = "sharing.services.access_log_record"
# What higher apps add to the register's pages (ppo/extensions.py).
RECORD_SECTIONS = ["selection.sections.record_section", "cases.sections.record_section"]
REGISTER_FLAGS = ["selection.sections.register_flags"]
# Review flags that apps above selection add (selection/flags.py FlagExtension).
REVIEW_FLAG_EXTENSIONS = ["cases.flags.CONFERENCES", "cases.flags.ENFORCEMENT"]
# What apps above selection add to its letters (selection/letters.py).
LETTER_CONTEXT = ["cases.letters.exit_plan_context"]
# What keeps a record in use for retention (ppo/retention.py): the latest of these up to the
# day counts as well as leaving the last programme.
RETENTION_ACTIVITY = [
    "ppo.retention.events_dated",
    "selection.retention.referrals_made",
    "selection.retention.panel_decisions",
]
# Each app's part of erasing a person's record (ppo/erasure.py), the highest app first: their
# rows may point at rows below. ppo's own step always runs last.
ERASURE_STEPS = [
    "reporting.erasure.erase_person",
    "cases.erasure.erase_person",
    "selection.erasure.erase_person",
    "sharing.erasure.erase_person",
]

# Only local and test settings may load synthetic demo people (seed_demo refuses otherwise).
DEMO_DATA_ALLOWED = False
