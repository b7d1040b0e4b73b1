"""The Celery application. Tasks live in each app's tasks.py and are thin wrappers over
services; they are enqueued with transaction.on_commit so a worker never sees a row that
the request's transaction has not yet committed."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("ppo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
