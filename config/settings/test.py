"""The test command (`make test`): real PostgreSQL and a real Redis server it provides."""

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-key-not-secret"  # noqa: S105
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DEMO_DATA_ALLOWED = True
# Hashing dominates a test suite that signs many users in; MD5 keeps it quick and is
# never used outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
