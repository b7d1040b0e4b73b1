"""What erasing a person's record (ppo/erasure.py, settings.ERASURE_STEPS) does to the rows
information sharing holds about them. Every table here is an audit record the law asks for,
so nothing is deleted: the rows stay, their personal content goes.

- Consent ledger: each entry's note and evidence file (its stored name can be the name the
  form was uploaded under). The entry keeps its place and hash in the chain; a
  LedgerRedaction records what its remaining content hashes to, for verify_ledger.
- Disclosures without consent: the reason (who, to whom, what, under which gateway stay).
- Access log: page addresses lose their query string, which can carry a name searched for:
  the person's rows, and the other rows of the same requests (the others a search showed).
- Subject access exports: the file (a copy of everything held); one not yet built is failed.
"""

from django.db.models import CharField, Exists, F, Func, OuterRef, Value
from django.utils import timezone

from ppo.erasure import Erasure
from ppo.models import ERASED_TEXT
from sharing.ledger import entry_hash
from sharing.models import (
    AccessLogEntry,
    ConsentEntry,
    Disclosure,
    LedgerRedaction,
    SubjectAccessExport,
)

NOT_BUILT = "The record was erased before the export was built."


def erase_person(*, erasure: Erasure) -> None:
    person = erasure.offender
    entries = list(
        ConsentEntry.objects.filter(offender=person).exclude(
            note="", evidence="", evidence_sha256=""
        )
    )
    redactions = []
    for entry in entries:
        erasure.remove_files([entry.evidence.name])
        entry.note, entry.evidence, entry.evidence_sha256 = "", "", ""
        redactions.append(
            LedgerRedaction(
                entry=entry,
                erasure_id=erasure.reference,
                entry_hash=entry.hash,
                residual_hash=entry_hash(entry),
            )
        )
    erasure.redact(
        ConsentEntry.objects.filter(pk__in=[entry.pk for entry in entries]),
        note="", evidence="", evidence_sha256="",
    )  # fmt: skip
    LedgerRedaction.objects.bulk_create(redactions)

    erasure.redact(Disclosure.objects.filter(offender=person), reason=ERASED_TEXT)
    # The person's own rows and every other row of the same requests (a search that showed
    # them showed others too, under the same address and time).
    same_request = AccessLogEntry.objects.filter(
        offender=person, user=OuterRef("user"), at=OuterRef("at"), path=OuterRef("path")
    )
    erasure.redact(
        AccessLogEntry.objects.filter(Exists(same_request), path__contains="?"),
        path=Func(F("path"), Value("?"), Value(1), function="split_part", output_field=CharField()),
    )

    exports = SubjectAccessExport.objects.filter(offender=person)
    exports.filter(
        state__in=[SubjectAccessExport.State.PENDING, SubjectAccessExport.State.RUNNING]
    ).update(state=SubjectAccessExport.State.FAILED, problem=NOT_BUILT, finished_at=timezone.now())
    erasure.remove_files(exports.exclude(file="").values_list("file", flat=True))
    erasure.redact(exports.exclude(file=""), file="")
