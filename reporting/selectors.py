from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from ppo.access import record_access
from ppo.codes import Programme
from ppo.models import Event, ProgrammeMembership, Scheme
from ppo.selectors import offenders_visible_to
from reporting.models import BackgroundCheck, MonthlyReturn
from reporting.returns import return_rows

# A check not completed within this time suggests no worker is consuming the queue.
STALLED_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class BackgroundStatus:
    last_completed: BackgroundCheck | None
    oldest_waiting: BackgroundCheck | None

    @property
    def stalled(self) -> bool:
        return (
            self.oldest_waiting is not None
            and timezone.now() - self.oldest_waiting.requested_at > STALLED_AFTER
        )


def background_status() -> BackgroundStatus:
    """The newest completed check and the oldest one still waiting for a worker."""
    since_last = BackgroundCheck.objects.filter(completed_at__isnull=False).order_by(
        "-completed_at"
    )
    last_completed = since_last.first()
    waiting = BackgroundCheck.objects.filter(completed_at__isnull=True)
    if last_completed is not None:
        waiting = waiting.filter(requested_at__gt=last_completed.requested_at)
    return BackgroundStatus(
        last_completed=last_completed, oldest_waiting=waiting.order_by("requested_at").first()
    )


def returns_of(*, scheme: Scheme) -> QuerySet[MonthlyReturn]:
    return MonthlyReturn.objects.filter(scheme=scheme).select_related("submitted_by")


def return_differences(*, filed: dict, now: dict) -> list[tuple[str, object, object]]:
    """(figure, as filed, as the history now gives it) for every figure that changed."""
    before, after = dict(return_rows(filed)), dict(return_rows(now))
    return [
        (key, before.get(key), after.get(key))
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    ]


def recorded_since_filing(*, filed: MonthlyReturn, last: date, user) -> list[Event]:
    """Events recorded after the return was submitted but dated in or before its month,
    about people on the PPO list at some time up to its end: the back-dated history that
    changes the figures. Only records the user may open, and events they are shown."""
    listed = ProgrammeMembership.objects.filter(
        programme=Programme.PPO, start_date__lte=last
    ).values("offender_id")
    events = list(
        Event.objects.filter(
            offender__in=offenders_visible_to(user=user).filter(scheme=filed.scheme),
            offender_id__in=listed, recorded_at__gt=filed.submitted_at, date__lte=last,
        )
        .select_related("offender", "recorded_by")
        .order_by("date", "id")
    )  # fmt: skip
    people = {event.offender_id: event.offender for event in events}
    access = record_access(user=user, offenders=list(people.values()), on=timezone.localdate())
    return [event for event in events if access[event.offender_id].shows_event(event.kind)]
