"""A real Celery worker process consumes a task from a real Redis server and writes to
PostgreSQL. The test command provides Redis (REDIS_URL) and the database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from reporting.services import background_check_request

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: run the suite with the test command (make test).")
    database = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        # The worker must use the test database that pytest-django created, not the dev one.
        DATABASE_URL=(
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
    )
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--hostname",
             "test-worker@%h"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker.log = log
        yield worker
        worker.terminate()
        worker.wait(timeout=20)


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
