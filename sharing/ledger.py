"""The consent ledger's hash chain: how a row's hash is computed and how the chain is checked.

Each row's hash is SHA-256 over the previous row's hash and a canonical JSON of the row's own
content (including the evidence file's checksum), so changing, removing or reordering any row
breaks every hash after it. Checkpoints of the head (see LedgerCheckpoint) catch what a chain
cannot: the newest rows removed, or every hash recomputed after an edit.

Erasing a person's record (ppo/erasure.py) blanks their entries' note and evidence but keeps
each entry's hash, so the chain and checkpoints still hold. What is left of a redacted entry
is checked against the hash its LedgerRedaction recorded, which must belong to a logged
erasure of that entry's person (ADR 0015).
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction

from sharing.models import ConsentEntry, LedgerCheckpoint, LedgerRedaction

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


def entry_content(entry: ConsentEntry) -> str:
    return json.dumps(
        {
            "offender": entry.offender_id,
            "kind": entry.kind,
            "agency_types": sorted(entry.agency_types),
            "agency_ids": sorted(entry.agency_ids),
            "categories": sorted(entry.categories),
            "effective_date": entry.effective_date.isoformat(),
            "review_date": entry.review_date.isoformat() if entry.review_date else None,
            "recorded_by": entry.recorded_by_id,
            "recorded_at": entry.recorded_at.astimezone(UTC).isoformat(),
            "note": entry.note,
            "evidence": entry.evidence.name or "",
            "evidence_sha256": entry.evidence_sha256,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def entry_hash(entry: ConsentEntry) -> str:
    return hashlib.sha256((entry.previous_hash + entry_content(entry)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    entry_id: int
    problem: str

    def __str__(self) -> str:
        return f"entry {self.entry_id}: {self.problem}"


def ledger_verify(*, head: str = "") -> tuple[int, list[Break]]:
    """Check every row in order, each evidence file against its checksum, every checkpoint,
    and (if given) that `head`, a hash recorded outside the database, is still in the chain.
    Returns (rows checked, breaks found)."""
    breaks: list[Break] = []
    previous = GENESIS
    count = 0
    position = {}  # entry id -> (its place in the chain, its hash)
    redactions = {
        redaction.entry_id: redaction
        for redaction in LedgerRedaction.objects.select_related("erasure")
    }
    for entry in ConsentEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.previous_hash != previous:
            breaks.append(Break(entry.pk, "does not follow the entry before it (a row is missing "
                                          "or out of order)"))  # fmt: skip
        if entry.pk in redactions:
            if (problem := _redaction_problem(entry, redactions[entry.pk])) is not None:
                breaks.append(Break(entry.pk, problem))
        elif entry_hash(entry) != entry.hash:
            breaks.append(Break(entry.pk, "its content does not match its hash (it was changed)"))
        if entry.evidence and (problem := _evidence_problem(entry)):
            breaks.append(Break(entry.pk, problem))
        previous = entry.hash
        position[entry.pk] = (count, entry.hash)
    for checkpoint in LedgerCheckpoint.objects.order_by("id"):
        if (problem := _checkpoint_problem(checkpoint, position)) is not None:
            breaks.append(Break(checkpoint.last_entry_id, problem))
    if head and head not in {entry_hash for _, entry_hash in position.values()}:
        breaks.append(Break(0, f"the head hash {head} recorded outside the database is not in "
                               "the ledger (entries were removed or rewritten)"))  # fmt: skip
    return count, breaks


def _redaction_problem(entry: ConsentEntry, redaction: LedgerRedaction) -> str | None:
    """A redacted entry's remaining content cannot reproduce its hash in the chain; it must
    match what it hashed to when redacted, by an erasure logged for the entry's person."""
    if redaction.erasure.offender_id != entry.offender_id:
        return (
            f"it is marked as redacted by erasure {redaction.erasure_id}, which erased "
            "someone else's record"
        )
    if redaction.entry_hash != entry.hash:
        return "its hash differs from the one it had when it was redacted (it was changed)"
    if entry.note or entry.evidence or entry.evidence_sha256:
        # Redaction only removes: whatever note or evidence a redacted entry shows was put
        # there afterwards, whatever its residual hash says.
        return "it is marked as redacted but still has a note or evidence"
    if entry_hash(entry) != redaction.residual_hash:
        return "its content does not match what was left when it was redacted (it was changed)"
    return None


def _evidence_problem(entry: ConsentEntry) -> str | None:
    try:
        with entry.evidence.open("rb") as evidence:
            digest = hashlib.file_digest(evidence, "sha256").hexdigest()
    except OSError:
        return f"its evidence file {entry.evidence.name} is missing"
    if digest != entry.evidence_sha256:
        return f"its evidence file {entry.evidence.name} was changed after it was recorded"
    return None


def _checkpoint_problem(checkpoint: LedgerCheckpoint, position: dict) -> str | None:
    when = f"{checkpoint.at:%Y-%m-%d %H:%M} UTC"
    if checkpoint.last_entry_id not in position:
        return f"the newest entry at the checkpoint of {when} is gone (rows were removed)"
    place, current_hash = position[checkpoint.last_entry_id]
    if place != checkpoint.entry_count:
        return (
            f"the ledger held {checkpoint.entry_count} entries up to here at the checkpoint "
            f"of {when}; it now holds {place} (rows were removed)"
        )
    if current_hash != checkpoint.head_hash:
        return f"its hash differs from the checkpoint of {when} (the chain was recomputed)"
    return None


def ledger_checkpoint() -> LedgerCheckpoint | None:
    """Record the ledger's head now, unless nothing was added since the last checkpoint, and
    log it, so a copy lives outside the database. Returns the new checkpoint, if any."""
    with transaction.atomic():
        newest = ConsentEntry.objects.order_by("-id").first()
        last = LedgerCheckpoint.objects.order_by("-id").first()
        if newest is None or (last and last.last_entry_id == newest.pk):
            return None
        checkpoint = LedgerCheckpoint.objects.create(
            last_entry_id=newest.pk,
            entry_count=ConsentEntry.objects.filter(id__lte=newest.pk).count(),
            head_hash=newest.hash,
        )
    logger.info(
        "Consent ledger head: %s entries up to entry %s, hash %s",
        checkpoint.entry_count, checkpoint.last_entry_id, checkpoint.head_hash,
    )  # fmt: skip
    return checkpoint
