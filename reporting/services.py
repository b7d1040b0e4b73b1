"""Writes for reporting: background checks (which prove the queue, worker and scheduler
work) and monthly returns (built as drafts, submitted and frozen)."""

import hashlib
import json
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ppo.models import Scheme, User
from reporting.models import BackgroundCheck, MonthlyReturn
from reporting.returns import monthly_return

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


# --- monthly returns -------------------------------------------------------------------------


def return_text(document: dict) -> str:
    """The JSON of a return as filed: the same bytes monthly_return --format json prints."""
    return json.dumps(document, indent=2) + "\n"


def return_checksum(document: dict) -> str:
    return hashlib.sha256(return_text(document).encode()).hexdigest()


@transaction.atomic
def return_build(*, scheme: Scheme, first: date, last: date) -> MonthlyReturn:
    """Compute the month's return and keep it as the draft, unless it was submitted (then
    it is left as filed). One transaction: a worker killed half way leaves nothing; run
    again, it gives the same draft."""
    document = monthly_return(scheme=scheme, first=first, last=last)
    existing = MonthlyReturn.objects.select_for_update().filter(scheme=scheme, month=first).first()
    if existing is None:
        return MonthlyReturn.objects.create(
            scheme=scheme, month=first, draft=document, computed_at=timezone.now()
        )
    if existing.state == MonthlyReturn.State.DRAFT:
        existing.draft, existing.computed_at = document, timezone.now()
        existing.save(update_fields=["draft", "computed_at"])
    return existing


@transaction.atomic
def return_submit(
    *, scheme: Scheme, first: date, last: date, reviewed: str, by: User
) -> MonthlyReturn:
    """File the return as the coordinator reviewed it. `reviewed` is the checksum of the
    figures they were shown: if the history changed since, the figures did too, and they
    are asked to look again rather than file something they did not see."""
    built = return_build(scheme=scheme, first=first, last=last)
    if built.state == MonthlyReturn.State.SUBMITTED:
        raise ValidationError("This return has already been submitted")
    if return_checksum(built.draft) != reviewed:
        raise ValidationError(
            "The figures changed since you opened the page (history was recorded for the "
            "month meanwhile). Check them again before submitting."
        )
    text = return_text(built.draft)
    built.state = MonthlyReturn.State.SUBMITTED
    built.filed, built.checksum = text, hashlib.sha256(text.encode()).hexdigest()
    built.submitted_by, built.submitted_at = by, timezone.now()
    built.save(update_fields=["state", "filed", "checksum", "submitted_by", "submitted_at"])
    return built
