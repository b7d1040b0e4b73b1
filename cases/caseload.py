"""Caseloads: for each person, today's status, next appointment, overdue actions, open review
flags and last contact, redacted for the reader, in a fixed number of queries however many
people (the budget is 15 for 100 PPOs)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import OPEN_ACTION, Action, Appointment
from ppo.access import record_access
from ppo.models import Offender, User
from selection.flags import Flag
from selection.sections import register_flags

# How far either side of now the caseload looks for the next appointment and last contact.
CONTACT_LOOKBACK = timedelta(days=90)


def _name(row) -> tuple:
    """Sort by name only where the reader is shown it; by reference otherwise, so the order
    cannot give a withheld name away."""
    if row.access.shows_field("last_name"):
        return (0, row.person.last_name.lower(), row.person.first_name.lower())
    return (1, row.person.local_id, "")


SORTS = {
    "name": _name,
    "status": lambda row: (row.status_label or "~", _name(row)),
    "next_appointment": lambda row: (row.next_appointment is None, row.next_appointment or 0),
    "overdue": lambda row: (-row.overdue, _name(row)),
    "flags": lambda row: (-len(row.flags), _name(row)),
    "last_contact": lambda row: (row.last_contact is not None, row.last_contact or 0),
}


@dataclass
class CaseloadRow:
    person: Offender
    access: object
    status_label: str = ""
    next_appointment: object = None
    last_contact: object = None
    overdue: int = 0
    flags: list[Flag] = field(default_factory=list)


def caseload_rows(*, user: User, people: QuerySet[Offender], on: date) -> list[CaseloadRow]:
    """`people` comes from register_search (status, programmes and managers prefetched)."""
    now = timezone.now()
    people = list(people)
    access = record_access(user=user, offenders=people, on=on)
    # Appointments near today, so each person's next one and last contact can be chosen
    # among the kinds the reader is shown (a drug treatment appointment is not supervision).
    appointments: dict[int, list[tuple]] = {}
    for offender_id, at, kind, outcome in Appointment.objects.filter(
        offender__in=people, at__gte=now - CONTACT_LOOKBACK, at__lte=now + CONTACT_LOOKBACK
    ).values_list("offender_id", "at", "kind", "outcome"):
        appointments.setdefault(offender_id, []).append((at, kind, outcome))
    overdue: dict[int, list[str]] = {}
    for offender_id, pathway in Action.objects.filter(
        OPEN_ACTION, offender__in=people, due_date__lt=on
    ).values_list("offender_id", "pathway"):
        overdue.setdefault(offender_id, []).append(pathway)
    flags = register_flags(user=user, offenders=people, access=access, on=on)
    rows = []
    for person in people:
        reader = access[person.pk]
        shown = [
            (at, outcome)
            for at, kind, outcome in appointments.get(person.pk, [])
            if reader.shows_appointment(kind)
        ]
        coming = [at for at, _ in shown if at >= now]
        attended = [at for at, outcome in shown if at < now and outcome == "attended"]
        rows.append(
            CaseloadRow(
                person=person,
                access=reader,
                status_label=person.status if reader.shows_status else "",
                next_appointment=min(coming, default=None),
                last_contact=max(attended, default=None),
                overdue=sum(1 for p in overdue.get(person.pk, []) if reader.shows_pathway(p)),
                flags=flags.get(person.pk, []),
            )
        )
    return rows


def sort_rows(rows: list[CaseloadRow], sort: str, descending: bool) -> list[CaseloadRow]:
    key = SORTS.get(sort, SORTS["name"])
    return sorted(rows, key=key, reverse=descending)
