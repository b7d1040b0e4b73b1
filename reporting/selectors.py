from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from reporting.models import BackgroundCheck

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
