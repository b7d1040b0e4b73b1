"""The re-offending measure (formats.md "The re-offending measure"): for the people who joined
the PPO programme in a window, offences charged in the 12 months before each start against
the 12 months after, with days at liberty, rates per 365 days at liberty and TICs. Three
queries whatever the number of people; the arithmetic is per person in Python."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from ppo.codes import EventKind, Programme
from ppo.dates import add_months
from ppo.models import Event, ProgrammeMembership, Scheme

CUSTODY = {
    EventKind.REMAND_START: EventKind.REMAND_END,
    EventKind.CUSTODY_START: EventKind.RELEASE,
}


def _custody_periods(events: list[tuple[str, date]]) -> list[tuple[date, date | None]]:
    """[start, stop) periods in custody from a person's custody events, by formats.md: a
    period runs from its start up to (not including) the first closing event dated on or
    after it; with none, it is still running (stop None)."""
    periods = []
    for start_kind, end_kind in CUSTODY.items():
        ends = sorted(day for kind, day in events if kind == end_kind)
        for start in sorted(day for kind, day in events if kind == start_kind):
            periods.append((start, next((day for day in ends if day >= start), None)))
    return periods


def _liberty(periods: list[tuple[date, date | None]], low: date, high: date) -> int:
    """Days from `low` up to (not including) `high` not spent in custody."""
    clipped = sorted(
        (max(start, low), min(stop or high, high))
        for start, stop in periods
        if start < high and (stop is None or stop > low)
    )
    in_custody, reached = 0, low
    for start, stop in clipped:  # overlapping periods (a remand within a sentence) once
        start = max(start, reached)
        if stop > start:
            in_custody += (stop - start).days
            reached = stop
    return (high - low).days - in_custody


def _half_up(numerator: int, denominator: int, places: str) -> float:
    """numerator / denominator rounded half up (1.25 to 1.3, not Python's 1.2), exactly."""
    value = Decimal(numerator) / Decimal(denominator)
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _rate(offences: int, days: int) -> float:
    return _half_up(offences * 365, days, "0.01") if days else 0.0


def reoffending(*, scheme: Scheme, entered_from: date, entered_to: date) -> dict:
    return reoffending_detail(scheme=scheme, entered_from=entered_from, entered_to=entered_to)[0]


@dataclass
class PersonWindows:
    """One person's part of the measure: (before, after) pairs."""

    offender_id: int
    start: date
    offences: list[int] = field(default_factory=lambda: [0, 0])
    liberty: list[int] = field(default_factory=lambda: [0, 0])
    tics: list[int] = field(default_factory=lambda: [0, 0])


def reoffending_detail(
    *, scheme: Scheme, entered_from: date, entered_to: date
) -> tuple[dict, dict[str, list[int]], list[PersonWindows]]:
    """The measure; offences before and after by offence category (for the cost of crime);
    and each person's own figures (for coordinators)."""
    starts = list(
        ProgrammeMembership.objects.filter(
            offender__scheme=scheme, programme=Programme.PPO,
            start_date__gte=entered_from, start_date__lte=entered_to,
        ).values_list("offender_id", "start_date")
    )  # fmt: skip
    ids = {offender_id for offender_id, _ in starts}
    # Custody that began long before a window can still be running in it: no lower bound.
    latest = max((add_months(start, 12) for _, start in starts), default=entered_to)
    events: dict[int, list[tuple]] = {}
    categories: dict[int, str] = {}
    # Charges and convictions count by offence date, and are often recorded months after
    # it: no bound on when they were dated. Custody only matters up to the last window.
    wanted = Q(kind__in=[EventKind.CHARGE, EventKind.CONVICTION]) | Q(
        kind__in=[*CUSTODY, *CUSTODY.values()], date__lte=latest
    )
    for pk, offender_id, kind, day, offence_date, tics, category in Event.objects.filter(
        wanted, offender_id__in=ids
    ).values_list("pk", "offender_id", "kind", "date", "offence_date", "tics",
                  "offence_category"):  # fmt: skip
        events.setdefault(offender_id, []).append((kind, day, offence_date, tics, pk))
        categories[pk] = category
    by_category: dict[str, list[int]] = {}
    totals = dict.fromkeys(
        ["offences_before", "offences_after", "days_at_liberty_before", "days_at_liberty_after",
         "tics_before", "tics_after"], 0,
    )  # fmt: skip
    people = []
    for offender_id, start in starts:
        person = PersonWindows(offender_id, start)
        people.append(person)
        before = (add_months(start, -12), start)
        after = (start, add_months(start, 12))
        history = events.get(offender_id, [])
        custody = _custody_periods([(kind, day) for kind, day, *_ in history])
        for index, (label, (low, high)) in enumerate((("before", before), ("after", after))):
            charged = [
                pk for kind, day, offence, _, pk in history
                if kind == EventKind.CHARGE and low <= (offence or day) < high
            ]  # fmt: skip
            totals[f"offences_{label}"] += len(charged)
            person.offences[index] = len(charged)
            for pk in charged:
                by_category.setdefault(categories[pk], [0, 0])[index] += 1
            person.tics[index] = sum(
                tics or 0 for kind, day, offence, tics, _ in history
                if kind == EventKind.CONVICTION and low <= (offence or day) < high
            )  # fmt: skip
            person.liberty[index] = _liberty(custody, low, high)
            totals[f"tics_{label}"] += person.tics[index]
            totals[f"days_at_liberty_{label}"] += person.liberty[index]
    before, after = totals["offences_before"], totals["offences_after"]
    document = {
        "scheme": scheme.slug,
        "entered_from": entered_from.isoformat(),
        "entered_to": entered_to.isoformat(),
        "people": len(starts),
        "offences_before": before,
        "offences_after": after,
        # No offences before: a change from nothing has no percentage.
        "change_pct": _half_up(100 * (after - before), before, "0.1") if before else None,
        "days_at_liberty_before": totals["days_at_liberty_before"],
        "days_at_liberty_after": totals["days_at_liberty_after"],
        "rate_per_365_at_liberty_before": _rate(before, totals["days_at_liberty_before"]),
        "rate_per_365_at_liberty_after": _rate(after, totals["days_at_liberty_after"]),
        "tics_before": totals["tics_before"],
        "tics_after": totals["tics_after"],
    }
    return document, by_category, people
