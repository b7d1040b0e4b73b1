"""Writes for reporting: background checks (which prove the queue, worker and scheduler
work) and monthly returns (built as drafts, submitted and frozen)."""

import hashlib
import json
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ppo.access import record_access
from ppo.models import Offender, Scheme, User
from ppo.selectors import current_managers, police_contacts, scheme_coordinators_of
from ppo.services import notify
from reporting.models import BackgroundCheck, FlagRecord, MonthlyReturn, UnitCost
from reporting.returns import monthly_return
from selection.flags import review_flags
from selection.sections import visible

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
    # The row exists before it is locked (INSERT ... ON CONFLICT DO NOTHING), so two builds
    # at once (the job on the 1st and a coordinator submitting) queue on the same lock.
    MonthlyReturn.objects.bulk_create(
        [MonthlyReturn(scheme=scheme, month=first, draft={}, computed_at=timezone.now())],
        ignore_conflicts=True,
    )
    existing = MonthlyReturn.objects.select_for_update().get(scheme=scheme, month=first)
    document = monthly_return(scheme=scheme, first=first, last=last)
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
    built.filed, built.checksum = text, return_checksum(built.draft)
    built.submitted_by, built.submitted_at = by, timezone.now()
    built.save(update_fields=["state", "filed", "checksum", "submitted_by", "submitted_at"])
    return built


# --- the nightly review job -------------------------------------------------------------------


@transaction.atomic
def review_flags_record(*, scheme: Scheme, on: date) -> tuple[int, int]:
    """Open a record for each flag that fired today and had none open, notify who is
    responsible (once: the notification is keyed by the record), and close the records of
    flags that no longer fire. Safe to run again: returns (opened, closed) by this run."""
    fired = {(f.offender_id, f.code): f for f in review_flags(scheme=scheme, on=on)}
    still_open = {
        (r.offender_id, r.code): r
        for r in FlagRecord.objects.select_for_update().filter(
            scheme=scheme, closed_on__isnull=True
        )
    }
    opened = [
        FlagRecord.objects.create(
            scheme=scheme, offender_id=offender_id, code=code, reason=flag.reason[:500],
            opened_on=on,
        )
        for (offender_id, code), flag in fired.items()
        if (offender_id, code) not in still_open
    ]  # fmt: skip
    closed = [r.pk for key, r in still_open.items() if key not in fired]
    FlagRecord.objects.filter(pk__in=closed).update(closed_on=on)
    for record in opened:
        _notify_flag(record, fired[(record.offender_id, record.code)], on)
    return len(opened), len(closed)


def _notify_flag(record: FlagRecord, flag, on: date) -> None:
    """The person's offender managers who may see what the flag reveals, else the scheme's
    coordinators; for a release within 30 days, the police."""
    offender = Offender.objects.select_related("scheme").get(pk=record.offender_id)

    def shown(users):
        return [
            user for user in users
            if visible(flag, record_access(user=user, offenders=[offender], on=on)[offender.pk])
        ]  # fmt: skip

    first = police_contacts if flag.code == "release_notification" else current_managers
    # Those responsible and shown what the flag says; failing them the coordinators, and
    # failing them the police (shown offending and intelligence under s115).
    people = (
        shown(first(offender=offender, on=on))
        or shown(scheme_coordinators_of(scheme=offender.scheme))
        or shown(police_contacts(offender=offender, on=on))
    )
    text = f"Record {offender.local_id}: {flag.label}. {flag.reason}"
    for user in people:
        notify(user=user, key=f"flag:{record.pk}", text=text,
               url=reverse("offender-detail", args=[offender.pk]))  # fmt: skip


def unit_cost_set(*, scheme: Scheme, by: User, values: dict) -> UnitCost:
    """A scheme's own cost of one offence of a category from a date (`values`: the outcomes
    page's offence category, pounds and date), taking over from the national default."""
    return UnitCost.objects.create(
        scheme=scheme, created_by=by, source=f"Set by {by.full_name} for {scheme.name}",
        **values,
    )  # fmt: skip
