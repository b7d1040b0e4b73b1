"""What erasing a person's record (ppo/erasure.py, settings.ERASURE_STEPS) does to reporting:
the review flags the nightly job recorded for them go (their notifications go with the
register's step, as they link to the record). Submitted returns hold figures, never people,
and stay as filed."""

from ppo.erasure import Erasure
from reporting.models import FlagRecord


def erase_person(*, erasure: Erasure) -> None:
    erasure.delete(FlagRecord.objects.filter(offender=erasure.offender))
