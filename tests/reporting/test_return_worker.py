"""A real worker killed in the middle of building a return leaves nothing half-written, and
building it again gives the same return. The test holds the draft row's lock so the worker
is caught mid-job (computed, waiting to write), then kills it with SIGKILL."""

import time
from datetime import date

import pytest
from django.db import connection, transaction

from reporting.models import MonthlyReturn
from reporting.returns import monthly_return
from reporting.services import return_build
from reporting.tasks import monthly_return_build
from tests.factories import OffenderFactory, ProgrammeMembershipFactory

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


def _worker_waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Activity statistics are a snapshot per transaction, and this runs inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def _wait(condition, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, worker.log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting; worker log:\n{worker.log.read_text()}")


@pytest.mark.worker
def test_a_worker_killed_mid_return_leaves_nothing_and_a_rerun_gives_the_same(
    celery_worker,
    scheme,
):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=date(2026, 1, 5))
    before = return_build(scheme=scheme, first=FIRST, last=LAST)
    with transaction.atomic():
        MonthlyReturn.objects.select_for_update().get(pk=before.pk)
        monthly_return_build.delay(scheme.pk, FIRST.isoformat())
        _wait(_worker_waiting_for_a_lock, celery_worker)
        celery_worker.kill()
        celery_worker.wait(timeout=20)
    after_kill = MonthlyReturn.objects.get(pk=before.pk)
    assert (after_kill.draft, after_kill.computed_at) == (before.draft, before.computed_at)
    # Built again (as a redelivery would): the same return as from the history directly.
    monthly_return_build.run(scheme.pk, FIRST.isoformat())
    rebuilt = MonthlyReturn.objects.get(pk=before.pk)
    assert rebuilt.computed_at > before.computed_at
    assert rebuilt.draft == monthly_return(scheme=scheme, first=FIRST, last=LAST)
    assert rebuilt.draft == before.draft
