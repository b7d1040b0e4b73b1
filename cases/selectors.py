"""Reads for case management pages and documents."""

from django.db.models import Prefetch, Q, QuerySet

from cases.models import OPEN_ACTION, Action, CaseSettings, Conference, ConferenceAttendee
from ppo.models import Offender, Scheme


def case_settings_for(scheme: Scheme) -> CaseSettings:
    """The scheme's settings, or the defaults (an unsaved row)."""
    try:
        return scheme.case_settings
    except CaseSettings.DoesNotExist:
        return CaseSettings(scheme=scheme)


def carried_forward(*, conference: Conference) -> list[Action]:
    """Actions still open from before this conference: they come forward to it."""
    before = Q(conference__isnull=True) | Q(conference__scheduled_for__lt=conference.scheduled_for)
    return list(
        Action.objects.filter(before, OPEN_ACTION, offender_id=conference.offender_id)
        .exclude(conference=conference)
        .select_related("lead_agency")
    )


def conferences_of(*, offender: Offender) -> QuerySet[Conference]:
    """The person's conferences, newest first, with attendees and needs."""
    return (
        Conference.objects.filter(offender=offender)
        .prefetch_related(
            "needs",
            Prefetch("attendees", queryset=ConferenceAttendee.objects.select_related("agency")),
        )
        .order_by("-scheduled_for", "-id")
    )


def plan_actions(*, offender: Offender) -> QuerySet[Action]:
    """The plan's actions: every open one, and those finished, by pathway then due date."""
    return (
        Action.objects.filter(offender=offender)
        .select_related("lead_agency", "conference")
        .order_by("pathway", "due_date", "id")
    )
