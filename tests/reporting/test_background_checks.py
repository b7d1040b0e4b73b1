from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from reporting.models import BackgroundCheck
from reporting.selectors import background_status
from reporting.services import background_check_complete, background_check_request

pytestmark = pytest.mark.django_db


def test_completing_a_check_is_idempotent(service_admin):
    check = background_check_request(by=service_admin)
    assert background_check_complete(check_id=check.pk, worker="celery@one") is True
    assert background_check_complete(check_id=check.pk, worker="celery@two") is False
    check.refresh_from_db()
    assert check.worker == "celery@one"


def test_completing_a_missing_check_does_nothing():
    assert background_check_complete(check_id=987654, worker="celery@one") is False


def test_status_reports_a_stalled_queue():
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        background_check_request(by=None)
    assert background_status().stalled


def test_status_is_healthy_once_a_worker_completes():
    check = background_check_request(by=None)
    background_check_complete(check_id=check.pk, worker="celery@one")
    status = background_status()
    assert status.last_completed == BackgroundCheck.objects.get(pk=check.pk)
    assert status.oldest_waiting is None
    assert not status.stalled


def test_old_checks_are_pruned_when_a_new_one_is_requested():
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        old = background_check_request(by=None)
    background_check_request(by=None)
    assert not BackgroundCheck.objects.filter(pk=old.pk).exists()
    assert BackgroundCheck.objects.count() == 1
