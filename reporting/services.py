"""Writes for reporting. Background checks prove the queue, worker and scheduler work."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ppo.models import User
from reporting.models import BackgroundCheck

CHECK_RETENTION = timedelta(days=30)


@transaction.atomic
def background_check_request(*, by: User | None) -> BackgroundCheck:
    """Record a check and queue it for a worker once this transaction commits.

    Also prunes checks older than CHECK_RETENTION, so the table stays small.
    """
    from reporting.tasks import background_check_complete

    BackgroundCheck.objects.filter(requested_at__lt=timezone.now() - CHECK_RETENTION).delete()
    check = BackgroundCheck.objects.create(requested_by=by)
    transaction.on_commit(lambda: background_check_complete.delay(check.pk))
    return check


def background_check_complete(*, check_id: int, worker: str) -> bool:
    """Mark the check done by this worker. Idempotent: a redelivered task changes nothing.

    Returns True if this call completed it, False if it was already complete or is gone.
    """
    claimed = BackgroundCheck.objects.filter(pk=check_id, completed_at__isnull=True).update(
        completed_at=timezone.now(), worker=worker
    )
    return claimed == 1
