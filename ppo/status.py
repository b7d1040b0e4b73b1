"""Status at a date, derived from recorded history exactly as formats.md "Status at a date"
and "Dates and periods" define it. Every function builds SQL: a person's status, or
thousands of people's, costs one query.

A period opened by one event and closed by another is open on day D when it started on or
before D and no closing event is dated from its start up to D inclusive, so someone released
on D is not in custody on D.
"""

from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When

from ppo.codes import EventKind, OrderType, Programme, Status
from ppo.models import Event, Offender, ProgrammeMembership


def _closers(on: date) -> QuerySet[Event]:
    """Events of the same person as the outer event, dated from its date up to `on`."""
    return Event.objects.filter(
        offender_id=OuterRef("offender_id"), date__gte=OuterRef("date"), date__lte=on
    )


def open_period_starts(start: EventKind, end: EventKind, on: date) -> QuerySet[Event]:
    """Start events (remand_start, custody_start) of periods still open on `on`, for the
    offender of the outer query."""
    return Event.objects.filter(offender_id=OuterRef("pk"), kind=start, date__lte=on).filter(
        ~Exists(_closers(on).filter(kind=end))
    )


def open_court_cases(on: date) -> QuerySet[Event]:
    """Charges whose case is still open on `on`: not closed by a conviction or case_closed
    with the same case_ref, nor by a conviction without case_ref (which closes every case
    charged on or before its date)."""
    closes_this_case = (
        Q(kind__in=[EventKind.CONVICTION, EventKind.CASE_CLOSED])
        & Q(case_ref=OuterRef("case_ref"))
        & ~Q(case_ref="")
    )
    closes_every_case = Q(kind=EventKind.CONVICTION, case_ref="")
    return Event.objects.filter(
        offender_id=OuterRef("pk"), kind=EventKind.CHARGE, date__lte=on
    ).filter(~Exists(_closers(on).filter(closes_this_case | closes_every_case)))


def running_orders(on: date) -> QuerySet[Event]:
    """Orders running on `on`: from start to end_date inclusive, unless an order_end of the
    same type dated from the start up to `on` closed it."""
    ended_early = _closers(on).filter(kind=EventKind.ORDER_END, order_type=OuterRef("order_type"))
    return Event.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        offender_id=OuterRef("pk"),
        kind=EventKind.ORDER_START,
        date__lte=on,
    ).filter(~Exists(ended_early))


def running_licences(on: date) -> QuerySet[Event]:
    """Releases whose licence runs on `on` (release date to licence_end inclusive), unless an
    order_end for a licence closed it."""
    ended_early = _closers(on).filter(kind=EventKind.ORDER_END, order_type=OrderType.LICENCE)
    return Event.objects.filter(
        offender_id=OuterRef("pk"),
        kind=EventKind.RELEASE,
        date__lte=on,
        licence_end__gte=on,
    ).filter(~Exists(ended_early))


def status_expression(on: date) -> Case:
    """Status on `on` for the offender of the query it annotates; first match wins."""
    return Case(
        When(
            Exists(open_period_starts(EventKind.REMAND_START, EventKind.REMAND_END, on)),
            then=Value(Status.CUSTODY_REMAND),
        ),
        When(
            Exists(open_period_starts(EventKind.CUSTODY_START, EventKind.RELEASE, on)),
            then=Value(Status.CUSTODY_SENTENCED),
        ),
        When(Exists(open_court_cases(on)), then=Value(Status.IN_COURT_PROCESS)),
        When(
            Exists(running_orders(on)) | Exists(running_licences(on)),
            then=Value(Status.COMMUNITY_STATUTORY),
        ),
        default=Value(Status.COMMUNITY_NON_STATUTORY),
        output_field=CharField(),
    )


def with_status(offenders: QuerySet[Offender], *, on: date) -> QuerySet[Offender]:
    """Annotate each offender with `status` on `on` (one query however many people)."""
    return offenders.annotate(status=status_expression(on))


def status_at(*, offender: Offender, on: date) -> Status:
    """One person's status on `on`."""
    status = with_status(Offender.objects.filter(pk=offender.pk), on=on)
    return Status(status.values_list("status", flat=True).get())


def statuses_at(*, offenders: QuerySet[Offender], on: date) -> dict[int, Status]:
    """Status on `on` of every offender in the queryset, by offender id, in one query."""
    rows = with_status(offenders, on=on).values_list("pk", "status")
    return {pk: Status(status) for pk, status in rows}


def memberships_open_on(on: date) -> Q:
    """Programme memberships open on `on`: started on or before it, not ended on or before."""
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))


def on_programme(programme: Programme, on: date) -> QuerySet[ProgrammeMembership]:
    """Memberships of a programme open on `on`, for the offender of the outer query."""
    return ProgrammeMembership.objects.filter(
        memberships_open_on(on), offender_id=OuterRef("pk"), programme=programme
    )
