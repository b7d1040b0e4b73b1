"""Every write to selection: matrix versions, the panel's manual scores, scoring runs."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ppo.models import Offender, Scheme, User
from selection.matrix import matrix_problems
from selection.models import ManualScore, Matrix, ScoringRun
from selection.scoring import pool_score


@transaction.atomic
def matrix_save(*, scheme: Scheme, document, by: User | None, note: str = "") -> Matrix:
    """Save `document` (parsed matrix.json) as the scheme's next matrix version. Raises
    ValidationError listing every problem, writing nothing."""
    problems = matrix_problems(document)
    if problems:
        raise ValidationError(problems)
    # Locking the scheme's latest version serialises two saves, so both cannot take the same
    # number (the unique constraint would refuse the second anyway).
    latest = Matrix.objects.select_for_update().filter(scheme=scheme).first()
    return Matrix.objects.create(
        scheme=scheme,
        version=(latest.version + 1) if latest else 1,
        name=document["name"].strip(),
        threshold=document["threshold"],
        criteria=document["criteria"],
        created_by=by,
        note=note,
    )


def manual_score_record(
    *, offender: Offender, matrix: Matrix, key: str, score: int, evidence: str, by: User
) -> ManualScore:
    """The panel's score for a person on one of the matrix's manual criteria."""
    criterion = next(
        (c for c in matrix.criteria if c["type"] == "manual" and c["key"] == key), None
    )
    errors: dict[str, list[str]] = {}
    if criterion is None:
        errors["key"] = [f"This matrix has no panel assessment called {key!r}"]
    elif not 0 <= score <= criterion["max"]:
        errors["score"] = [f"Enter a score from 0 to {criterion['max']}"]
    if not evidence.strip():
        errors["evidence"] = ["Enter the evidence for the score"]
    if errors:
        raise ValidationError(errors)
    return ManualScore.objects.create(
        offender=offender, key=key, score=score, evidence=evidence.strip(), recorded_by=by
    )


def scoring_run_create(*, scheme: Scheme, matrix: Matrix, on: date, by: User | None) -> ScoringRun:
    """Score the pool and keep the result with its date and matrix version."""
    if matrix.scheme_id != scheme.pk:
        raise ValidationError({"matrix": ["This matrix belongs to another scheme"]})
    return ScoringRun.objects.create(
        scheme=scheme, matrix=matrix, as_at=on, run_by=by,
        result=pool_score(scheme=scheme, on=on, matrix=matrix),
    )  # fmt: skip
