"""The consent ledger's hash chain: how a row's hash is computed and how the chain is checked.

Each row's hash is SHA-256 over the previous row's hash and a canonical JSON of the row's own
content, so changing, removing or reordering any row breaks every hash after it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from sharing.models import ConsentEntry

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


def ledger_verify() -> tuple[int, list[Break]]:
    """Check every row in order. Returns (rows checked, breaks found)."""
    breaks: list[Break] = []
    previous = GENESIS
    count = 0
    for entry in ConsentEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.previous_hash != previous:
            breaks.append(Break(entry.pk, "does not follow the entry before it (a row is missing "
                                          "or out of order)"))  # fmt: skip
        if entry_hash(entry) != entry.hash:
            breaks.append(Break(entry.pk, "its content does not match its hash (it was changed)"))
        previous = entry.hash
    return count, breaks
