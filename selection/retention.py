"""What selection adds to the retention rules (ppo/retention.py, settings.RETENTION_ACTIVITY):
a referral or a panel decision about a person keeps their record in use, so someone referred
and not selected is reviewed the retention period after that, not after the day they were
first added."""

from datetime import date

from django.db.models import F, OuterRef, QuerySet
from django.db.models.functions import TruncDate

from selection.models import Decision, Referral


def referrals_made(*, on: date) -> QuerySet:
    return (
        Referral.objects.filter(offender_id=OuterRef("pk"))
        .annotate(day=TruncDate("created_at"))
        .filter(day__lte=on)
        .values("day")
    )


def panel_decisions(*, on: date) -> QuerySet:
    return Decision.objects.filter(offender_id=OuterRef("pk"), meeting__held_on__lte=on).values(
        day=F("meeting__held_on")
    )
