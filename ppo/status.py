"""Status at a date, derived from recorded history exactly as formats.md "Status at a date"
and "Dates and periods" define it. Every function builds SQL: a person's status, or
thousands of people's, costs one query.

A period opened by one event and closed by another is open on day D when it started on or
before D and no closing event is dated from its start up to D inclusive, so someone released
on D is not in custody on D.
"""

from datetime import date

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, IsNull

from ppo.codes import EventKind, OrderType, Programme, Status
from ppo.models import Event, Offender, ProgrammeMembership


def _closers(on: date) -> QuerySet[Event]:
    """Events of the same person as the outer event, dated from its date up to `on`."""
    return Event.objects.filter(
        offender_id=OuterRef("offender_id"), date__gte=OuterRef("date"), date__lte=on
    )


def _latest(kind: EventKind, on: date) -> Subquery:
    """The date of the outer offender's latest event of `kind` on or before `on` (or NULL)."""
    latest = Event.objects.filter(offender_id=OuterRef("pk"), kind=kind, date__lte=on)
    return Subquery(latest.order_by("-date").values("date")[:1])


def period_open(start: EventKind, end: EventKind, on: date) -> GreaterThan:
    """Whether a remand or custodial sentence is open on `on` for the outer offender.

    A period is open when some start has no closing event from its date up to `on`. That
    holds exactly when the latest start on or before `on` is after the latest close on or
    before `on` (a close dated on or after the latest start closes it). Comparing two
    index-backed maxima keeps PostgreSQL from scanning every person's history.
    """
    return GreaterThan(_latest(start, on), Coalesce(_latest(end, on), Value(date.min)))


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


def _any(events: QuerySet[Event]) -> IsNull:
    """Whether the correlated queryset has a row, as a LIMIT 1 scalar subquery.

    Unlike EXISTS, PostgreSQL cannot turn this into a hashed subplan over everyone's history,
    so each person costs a few index probes on (offender, kind, date).
    """
    return IsNull(Subquery(events.values("pk")[:1]), False)


def status_expression(on: date) -> Case:
    """Status on `on` for the offender of the query it annotates; first match wins."""
    return Case(
        When(
            period_open(EventKind.REMAND_START, EventKind.REMAND_END, on),
            then=Value(Status.CUSTODY_REMAND),
        ),
        When(
            period_open(EventKind.CUSTODY_START, EventKind.RELEASE, on),
            then=Value(Status.CUSTODY_SENTENCED),
        ),
        When(_any(open_court_cases(on)), then=Value(Status.IN_COURT_PROCESS)),
        When(
            Q(_any(running_orders(on))) | Q(_any(running_licences(on))),
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
    """Rows with start_date/end_date (programme memberships, offender manager assignments)
    open on `on`: started on or before it, not ended on or before it."""
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))


def on_programme(programme: Programme, on: date) -> QuerySet[ProgrammeMembership]:
    """Memberships of a programme open on `on`, for the offender of the outer query."""
    return ProgrammeMembership.objects.filter(
        memberships_open_on(on), offender_id=OuterRef("pk"), programme=programme
    )
