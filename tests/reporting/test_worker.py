"""A real Celery worker process consumes a task from a real Redis server and writes to
PostgreSQL. The test command provides Redis (REDIS_URL) and the database."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from reporting.services import background_check_request

ROOT = Path(settings.BASE_DIR)


@pytest.mark.worker
def test_a_real_worker_completes_a_check_queued_on_commit(celery_worker, service_admin):
    with transaction.atomic():
        check = background_check_request(by=service_admin)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        check.refresh_from_db()
        if check.completed_at is not None:
            break
        assert celery_worker.poll() is None, celery_worker.log.read_text()
        time.sleep(0.2)
    assert check.completed_at is not None, "the worker did not complete the check in 60 s"
    assert check.worker.startswith("test-worker@")
