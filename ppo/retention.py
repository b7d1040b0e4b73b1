"""When each record is due for review under the retention rules, derived from dated history as
status is (ADR 0006): nothing stores "due". See docs/adr/0015-retention-and-erasure.md.

As at day D, a person on a programme (a membership open on D, or starting later) has no
review-by date. Anyone else is reviewed the scheme's retention period (Scheme.retention_years)
after the later of the day they left their last programme (or the day their record was
added, if they were never on one) and the latest thing that happened to them up to D (a
dated event, a referral, a panel decision: settings.RETENTION_ACTIVITY); a later decision
to keep the record moves the date to the one that decision set. A record is due on D when
its review-by date is D or earlier.
"""

from datetime import date

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.http import Http404
from django.utils.module_loading import import_string

from ppo.dates import add_months
from ppo.models import ErasureLog, Event, Offender, ProgrammeMembership, RetentionDecision, Scheme


class AddYears(Func):
    """A date plus a number of years, in SQL, as a date: 29 February plus a year is 28
    February, as ppo.dates.add_months gives."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        day, years = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        years_sql, years_params = compiler.compile(years)
        return (
            f"(({day_sql}) + make_interval(years => {years_sql}))::date",
            (*day_params, *years_params),
        )


def review_by_after(day: date, years: int) -> date:
    """The same arithmetic in Python, for a decision's next review date."""
    return add_months(day, 12 * years)


def events_dated(*, on: date) -> QuerySet:
    """For RETENTION_ACTIVITY: the days of the person's dated history up to `on`."""
    return Event.objects.filter(offender_id=OuterRef("pk"), date__lte=on).values(day=F("date"))


def _latest_activity(on: date):
    """The latest day of any activity settings.RETENTION_ACTIVITY names: each entry is a
    function of `on` giving rows of the outer person (OuterRef("pk")) with a `day` column, up
    to `on`. Apps beyond ppo add theirs there, as ERASURE_STEPS does, since ppo may not read
    them."""
    latest = [
        Subquery(
            import_string(path)(on=on).order_by("-day").values("day")[:1],
            output_field=DateField(),
        )
        for path in settings.RETENTION_ACTIVITY
    ]
    if len(latest) > 1:
        return Greatest(*latest, output_field=DateField())
    return latest[0] if latest else Value(None, output_field=DateField())


def with_review_by(offenders: QuerySet[Offender], *, on: date) -> QuerySet[Offender]:
    """Annotate each offender, as at `on`, with `on_programme`, `left_programmes_on` (the end
    of their last membership, or None), `last_activity` (the latest day of their history,
    referrals and panel decisions up to `on`, or None), `retained_until` (the review date
    their latest retention decision set, or None) and `review_by` (None while on a
    programme). One query however many people."""
    memberships = ProgrammeMembership.objects.filter(offender_id=OuterRef("pk"))
    still_on = memberships.filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
    left_on = memberships.filter(end_date__lte=on).order_by("-end_date").values("end_date")[:1]
    retained = (
        RetentionDecision.objects.filter(offender_id=OuterRef("pk"), decided_on__lte=on)
        .order_by("-review_by")
        .values("review_by")[:1]
    )
    people = offenders.annotate(
        on_programme=Exists(still_on),
        left_programmes_on=Subquery(left_on, output_field=DateField()),
        retained_until=Subquery(retained, output_field=DateField()),
        last_activity=_latest_activity(on),
    )
    # PostgreSQL's GREATEST ignores NULLs: no history or no keep decision simply does not
    # count. The day the record was added counts only for someone never on a programme.
    since = Greatest(
        Coalesce(F("left_programmes_on"), TruncDate("created_at")), F("last_activity"),
        output_field=DateField(),
    )  # fmt: skip
    due = Greatest(AddYears(since, F("scheme__retention_years")), F("retained_until"))
    return people.annotate(
        review_by=Case(
            When(on_programme=True, then=Value(None, output_field=DateField())),
            default=due,
            output_field=DateField(),
        )
    )


def review_by_at(*, offender: Offender, on: date) -> date | None:
    """One person's review-by date as at `on` (None while they are on a programme)."""
    people = with_review_by(Offender.objects.filter(pk=offender.pk), on=on)
    return people.values_list("review_by", flat=True).get()


def records_due(*, scheme: Scheme, on: date) -> QuerySet[Offender]:
    """The scheme's records due for review on `on`, longest overdue first, in one query.

    Every record of the scheme counts, whether or not the reader's agency holds a grant on
    it: the coordinators answer for the scheme's retention. Pages show each person's name
    only where effective access shows their identity."""
    people = with_review_by(Offender.objects.not_erased().filter(scheme=scheme), on=on)
    return people.filter(on_programme=False, review_by__lte=on).order_by("review_by", "local_id")


def due_record(*, scheme: Scheme, pk: int, on: date) -> Offender:
    """One record of the scheme due for review on `on`, or Http404 (missing, another
    scheme's, erased or not due alike)."""
    try:
        return records_due(scheme=scheme, on=on).get(pk=pk)
    except (Offender.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def erasures_of(*, scheme: Scheme, limit: int = 50) -> QuerySet[ErasureLog]:
    """The scheme's latest erasures, newest first, with who erased them."""
    return ErasureLog.objects.filter(scheme=scheme).select_related("erased_by")[:limit]
