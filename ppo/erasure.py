"""Every write of the retention rules: the scheme's retention period, a decision to keep a
record that is due for review, and erasing one. See docs/adr/0015-retention-and-erasure.md.

Erasing removes the person's personal data from every app in one transaction. Each app
above ppo knows what of its own data is personal, and ppo may not import them, so they are
named in settings.ERASURE_STEPS (as the page sections are, ADR 0012) and called here in
turn; ppo's own step runs last, since the others' rows may point at its rows.
"""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import DateTimeField, Func, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from ppo.models import (
    ERASED_TEXT,
    ErasureLog,
    Event,
    LookupLog,
    Notification,
    Offender,
    OffenderAlias,
    OffenderGroupObjectPermission,
    OffenderManagerAssignment,
    OffenderUserObjectPermission,
    ProgrammeMembership,
    RetentionDecision,
    Scheme,
    User,
)
from ppo.models.register import PERSONAL_FIELDS
from ppo.retention import records_due, review_by_after
from ppo.selectors import agencies_with_access, coordinates_scheme
from ppo.services import offender_access_revoke

RETENTION_YEARS_RANGE = "Enter a number of years from 1 to 20"
RETAIN_REASON_MISSING = "Enter why the record should be kept"
ERASE_REASON_MISSING = "Enter why the record is being erased"
NOT_DUE = "This record is not due for review"
NOT_A_COORDINATOR = "Only the scheme's coordinators can decide what happens to its records"


class TransactionStart(Func):
    """PostgreSQL's now(): when the transaction began, the same for every statement in it
    (Django's Now() is the statement's time on PostgreSQL)."""

    template = "now()"
    output_field = DateTimeField()


logger = logging.getLogger(__name__)

# Letters and digits that cannot be mistaken for one another when read out or copied.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _coordinator_check(*, user: User, scheme: Scheme) -> None:
    if not coordinates_scheme(user=user, scheme=scheme):
        raise ValidationError(NOT_A_COORDINATOR, code="forbidden")


@transaction.atomic
def scheme_retention_set(*, scheme: Scheme, years: int, by: User) -> Scheme:
    """Set how many years after leaving their last programme a person's record is reviewed
    (1 to 20). Only a coordinator of the scheme may; ValidationError otherwise."""
    _coordinator_check(user=by, scheme=scheme)
    if not 1 <= years <= 20:
        raise ValidationError({"retention_years": [RETENTION_YEARS_RANGE]}, code="range")
    Scheme.objects.filter(pk=scheme.pk).update(retention_years=years)
    scheme.retention_years = years
    return scheme


def _locked_due(*, offender: Offender, on: date) -> Offender:
    """The person's row, locked until the transaction ends (no one can add to their record
    meanwhile: a new row's foreign key check waits for the lock), if they are due."""
    person = Offender.objects.select_for_update(of=("self",)).get(pk=offender.pk)
    if not records_due(scheme=person.scheme, on=on).filter(pk=person.pk).exists():
        raise ValidationError(NOT_DUE, code="not_due")
    return person


@transaction.atomic
def offender_retain(
    *, offender: Offender, by: User, reason: str, on: date | None = None
) -> RetentionDecision:
    """Keep a record that is due for review, for another retention period from `on` (today):
    a new decision row, never an edit. Only a coordinator of the person's scheme may, only
    while the record is due, and only with a reason; otherwise ValidationError and nothing
    written."""
    on = on or timezone.localdate()
    _coordinator_check(user=by, scheme=offender.scheme)
    if not reason.strip():
        raise ValidationError({"reason": [RETAIN_REASON_MISSING]}, code="required")
    person = _locked_due(offender=offender, on=on)
    return RetentionDecision.objects.create(
        offender=person,
        decided_on=on,
        review_by=review_by_after(on, person.scheme.retention_years),
        reason=reason.strip(),
        decided_by=by,
    )


@dataclass
class Erasure:
    """What the erasure steps share: the person, the erasure's reference, and the tally of
    what each step removed (rows deleted, rows kept with personal content blanked, files)."""

    offender: Offender
    reference: str
    removed: Counter = field(default_factory=Counter)
    redacted: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)

    def delete(self, rows: QuerySet) -> None:
        """Delete the rows (and whatever cascades from them), counting each kind."""
        _, per_model = rows.delete()
        self.removed.update({label: count for label, count in per_model.items() if count})

    def redact(self, rows: QuerySet, **values) -> None:
        """Blank personal content of rows that are kept (audit rows, the ledger)."""
        if count := rows.update(**values):
            self.redacted[rows.model._meta.label] += count

    def remove_files(self, names) -> None:
        """Delete these stored files once the erasure commits (storage is not transactional:
        deleting them first would lose them if the erasure rolled back)."""
        self.files.extend(name for name in names if name)


@transaction.atomic
def offender_erase(
    *, offender: Offender, by: User, reason: str, on: date | None = None
) -> ErasureLog:
    """Erase a record due for review: every app's personal data about the person goes, in one
    transaction, and an ErasureLog row without personal data records it (who, when, why, what
    was removed). The person's row stays, blanked, so the append-only audit tables still
    point somewhere; nobody holds a grant on it any more.

    Only a coordinator of the person's scheme may, only while the record is due and with a
    reason; otherwise ValidationError and nothing written. Not idempotent by design: an
    erased record is no longer due, so a second call is refused.
    """
    on = on or timezone.localdate()
    _coordinator_check(user=by, scheme=offender.scheme)
    if not reason.strip():
        raise ValidationError({"reason": [ERASE_REASON_MISSING]}, code="required")
    person = _locked_due(offender=offender, on=on)
    erasure = Erasure(offender=person, reference=_new_reference())
    # The append-only tables' trigger lets this transaction blank this person's personal
    # columns, and only theirs (ppo migration 0005); reset below so nothing later in an
    # enclosing transaction inherits it.
    _erasing(person.pk)
    for path in settings.ERASURE_STEPS:
        import_string(path)(erasure=erasure)
    _erase_register(erasure, by=by)
    _erasing(None)
    log = ErasureLog.objects.create(
        reference=erasure.reference,
        offender=person,
        scheme=person.scheme,
        erased_by=by,
        at=TransactionStart(),
        reason=reason.strip(),
        removed=dict(sorted(erasure.removed.items())),
        redacted=dict(sorted(erasure.redacted.items())),
        files_removed=len(erasure.files),
    )
    log.refresh_from_db(fields=["at"])
    names = list(erasure.files)
    transaction.on_commit(lambda: _delete_files(log.reference, names))
    return log


def _new_reference() -> str:
    return "ER-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


def _erasing(offender_id: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('ppo.erasing_offender', %s, true)",
            [str(offender_id) if offender_id else ""],
        )


def _delete_files(reference: str, names: list[str]) -> None:
    """After the commit: the erasure stands whatever happens here, so a file that cannot be
    removed is logged for the service's operators to remove by hand, and the rest are still
    tried, rather than the coordinator being shown an error for an erasure that was made."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Erasure %s: could not remove the file %s", reference, name)


def _erase_register(erasure: Erasure, *, by: User) -> None:
    """ppo's own step: the register's rows about the person, then the person's details.

    Removed: aliases, events, programme memberships, offender manager assignments,
    notifications about the record (they link to it), grants (each revoke audited as any
    other). Kept, blanked: what custody lookups that found the person were asked (name, date
    of birth, PNC ID), the reasons of retention decisions. Kept as they are: grant changes
    and the lookups' who and when, which hold no personal data once the record is blank.
    """
    person = erasure.offender
    for agency in agencies_with_access(offender=person):
        offender_access_revoke(offender=person, agency=agency, by=by)
        erasure.removed[OffenderGroupObjectPermission._meta.label] += 1
    erasure.delete(OffenderUserObjectPermission.objects.filter(content_object=person))
    erasure.delete(
        Notification.objects.filter(url__startswith=reverse("offender-detail", args=[person.pk]))
    )
    erasure.redact(LookupLog.objects.filter(matches=person), pnc_id="", name="", date_of_birth=None)
    for model in (OffenderAlias, Event, ProgrammeMembership, OffenderManagerAssignment):
        erasure.delete(model.objects.filter(offender=person))
    erasure.redact(RetentionDecision.objects.filter(offender=person), reason=ERASED_TEXT)
    blank = dict.fromkeys(PERSONAL_FIELDS, "") | {"date_of_birth": None}
    Offender.objects.filter(pk=person.pk).update(
        **blank,
        local_id=erasure.reference,
        erased_at=TransactionStart(),
        version=person.version + 1,
        updated_at=TransactionStart(),
    )
