"""Developer machine: `make run`. Never used in production (seed_demo checks for this)."""

from config.env import env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

DEBUG = True
# A fixed key is fine here: local data is synthetic and the server listens on loopback.
SECRET_KEY = env_str("SECRET_KEY", "local-development-key-not-secret")
# Emails are printed by the run command rather than sent.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEMO_DATA_ALLOWED = True

# Without a Redis server the run command uses Kombu's filesystem transport: a real broker
# that the web process, worker and beat share through folders under .local/.
if not CELERY_BROKER_URL:  # noqa: F405
    _broker_dir = BASE_DIR / ".local" / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Without this Kombu writes its control exchange into the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_BEAT_SCHEDULE_FILENAME = str(_broker_dir / "beat-schedule")
