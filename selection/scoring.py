"""Scoring a scheme's pool with a matrix version as at a date (formats.md "Scoring a pool").

Set-based: one query fetches every person's counts (each criterion a correlated count over
the (offender, kind, date) index), one fetches the panel's manual scores; points, ranking and
the document are worked out in Python from those rows.
"""

from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ppo.codes import DrugTestResult, EventKind, Programme, Substance
from ppo.dates import months_before
from ppo.models import Event, Offender, Scheme
from ppo.status import on_programme, period_open
from selection.matrix import criterion_key
from selection.models import ManualScore, Matrix

CLASS_A = [Substance.OPIATES, Substance.COCAINE, Substance.BOTH]
OFFENDING = [EventKind.ARREST, EventKind.CHARGE, EventKind.CONVICTION]
# What each event-counting criterion counts.
COUNTED = {
    "convictions": Q(kind=EventKind.CONVICTION),
    "arrests": Q(kind=EventKind.ARREST),
    "intelligence": Q(kind=EventKind.INTELLIGENCE),
    "class_a_positive": Q(
        kind=EventKind.DRUG_TEST, result=DrugTestResult.POSITIVE, substance__in=CLASS_A
    ),
}


def _events(on: date, months: int, condition: Q):
    """The outer person's events matching `condition` in the last `months` months."""
    return Event.objects.filter(
        condition, offender_id=OuterRef("pk"), date__gt=months_before(on, months), date__lte=on
    ).order_by()


def _aggregate(events, aggregate) -> Coalesce:
    return Coalesce(
        Subquery(events.values("offender_id").annotate(value=aggregate).values("value")),
        Value(0),
        output_field=IntegerField(),
    )


def _annotations(criteria: list[dict], on: date) -> dict:
    """A column per criterion (c0, c1, ...) holding what it counts, or whether it applies."""
    columns = {}
    for number, criterion in enumerate(criteria):
        name, kind = f"c{number}", criterion["type"]
        if kind in COUNTED:
            events = _events(on, criterion["window_months"], COUNTED[kind])
            columns[name] = _aggregate(events, Count("pk"))
        elif kind == "offence_weight":
            weights = criterion["weights"]
            charges = _events(
                on,
                criterion["window_months"],
                Q(kind=EventKind.CHARGE, offence_category__in=list(weights)),
            )
            weight = Case(
                *(When(offence_category=code, then=Value(n)) for code, n in weights.items()),
                default=Value(0),
            )
            columns[name] = _aggregate(charges, Count("pk"))
            columns[f"{name}_sum"] = _aggregate(charges, Sum(weight))
        elif kind == "release_within":
            # The expected release of the sentence being served on `on`, if any.
            sentence = Event.objects.filter(
                offender_id=OuterRef("pk"), kind=EventKind.CUSTODY_START, date__lte=on
            ).order_by("-date", "-id")
            columns[name] = Case(
                When(
                    period_open(EventKind.CUSTODY_START, EventKind.RELEASE, on),
                    then=Subquery(sentence.values("expected_release")[:1]),
                ),
                default=Value(None),
                output_field=DateField(),
            )
        elif kind == "cjit_caseload":
            columns[name] = Exists(on_programme(Programme.CJIT, on))
    return columns


def _latest_offending(on: date) -> Subquery:
    """The outer person's latest arrest, charge or conviction on or before `on`: the first
    tie-break of the ranking."""
    latest = Event.objects.filter(offender_id=OuterRef("pk"), kind__in=OFFENDING, date__lte=on)
    return Subquery(latest.order_by("-date").values("date")[:1])


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _manual_scores(scheme: Scheme, keys: list[str], on: date) -> dict[tuple[int, str], int]:
    """The latest panel score per (person, key) recorded on or before `on`."""
    if not keys:
        return {}
    rows = (
        ManualScore.objects.filter(offender__scheme=scheme, key__in=keys, recorded_at__date__lte=on)
        .order_by("offender_id", "key", "-recorded_at", "-id")
        .distinct("offender_id", "key")
        .values_list("offender_id", "key", "score")
    )
    return {(offender_id, key): score for offender_id, key, score in rows}


def _breakdown(criteria: list[dict], row: dict, on: date, manual: dict) -> dict[str, dict]:
    """Each criterion's count (for counting types) and points for one person's row."""
    breakdown = {}
    for number, criterion in enumerate(criteria):
        kind, value = criterion["type"], row.get(f"c{number}")
        if kind in COUNTED:
            points = min(criterion["cap"], value * criterion["points_each"])
            entry = {"count": value, "points": points}
        elif kind == "offence_weight":
            entry = {"count": value, "points": min(criterion["cap"], row[f"c{number}_sum"])}
        elif kind == "release_within":
            soon = value is not None and value <= on + timedelta(days=criterion["days"])
            entry = {"points": criterion["points"] if soon else 0}
        elif kind == "age_under":
            young = _age(row["date_of_birth"], on) < criterion["years"]
            entry = {"points": criterion["points"] if young else 0}
        elif kind == "cjit_caseload":
            entry = {"points": criterion["points"] if value else 0}
        else:  # manual: as entered, never above the matrix's maximum
            entered = manual.get((row["id"], criterion["key"]), 0)
            entry = {"points": min(criterion["max"], entered)}
        breakdown[criterion_key(criterion)] = entry
    return breakdown


def _scored_rows(people, on: date, matrix: Matrix, manual: dict):
    """(row, breakdown, score) for each of `people`."""
    columns = _annotations(matrix.criteria, on)
    rows = people.annotate(
        **columns,
        on_list=Exists(on_programme(Programme.PPO, on)),
        latest_offending=_latest_offending(on),
    ).values("id", "local_id", "date_of_birth", "on_list", "latest_offending", *columns)
    for row in rows:
        breakdown = _breakdown(matrix.criteria, row, on, manual)
        yield row, breakdown, sum(entry["points"] for entry in breakdown.values())


def _manual_keys(matrix: Matrix) -> list[str]:
    return [c["key"] for c in matrix.criteria if c["type"] == "manual"]


def person_score(*, offender: Offender, on: date, matrix: Matrix) -> tuple[int, dict]:
    """One person's score and breakdown, as pool_score would give them (for letters)."""
    manual = _manual_scores(offender.scheme, _manual_keys(matrix), on)
    manual = {key: value for key, value in manual.items() if key[0] == offender.pk}
    people = Offender.objects.filter(pk=offender.pk)
    _, breakdown, score = next(_scored_rows(people, on, matrix, manual))
    return score, breakdown


def pool_score(*, scheme: Scheme, on: date, matrix: Matrix) -> dict:
    """The score_pool document: everyone in the scheme on the PPO list on `on` or scoring at
    least 1, ranked by score, then latest arrest/charge/conviction (recent first), then
    local_id."""
    manual = _manual_scores(scheme, _manual_keys(matrix), on)
    pool, on_list = [], 0
    for row, breakdown, score in _scored_rows(
        Offender.objects.not_erased().filter(scheme=scheme), on, matrix, manual
    ):
        on_list += row["on_list"]
        if row["on_list"] or score >= 1:
            latest = row["latest_offending"]
            pool.append((score, latest, row["local_id"], row["on_list"], breakdown))
    # Score high first, then the latest offending recent first (none last), then local_id.
    pool.sort(key=lambda item: (-item[0], -(item[1] or date.min).toordinal(), item[2]))
    return {
        "scheme": scheme.slug,
        "as_at": on.isoformat(),
        "matrix_version": matrix.version,
        "threshold": matrix.threshold,
        "capacity": {"min": scheme.capacity_min, "max": scheme.capacity_max, "on_list": on_list},
        "ranking": [
            {
                "rank": rank,
                "local_id": local_id,
                "score": score,
                "on_ppo_list": listed,
                "above_threshold": score >= matrix.threshold,
                "breakdown": breakdown,
            }
            for rank, (score, _, local_id, listed, breakdown) in enumerate(pool, start=1)
        ],
    }
