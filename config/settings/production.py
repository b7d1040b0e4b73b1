"""Production: everything that varies comes from the environment, and nothing is defaulted
that would be unsafe. A missing SECRET_KEY or DATABASE_URL stops start-up with one line."""

import dj_database_url

from config.env import env_bool, env_int, env_list, env_required, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

SECRET_KEY = env_required("SECRET_KEY")
DATABASES = {
    "default": dj_database_url.parse(
        env_required("DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# collectstatic gathers the built assets here; WhiteNoise serves them with hashed names.
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CELERY_BROKER_URL = CELERY_BROKER_URL or env_required("REDIS_URL")  # noqa: F405

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
        },
    }
}

# The dashboard's cache is shared by every web process (local memory is per process).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_required("REDIS_URL"),
    }
}
