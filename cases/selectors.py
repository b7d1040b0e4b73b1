"""Reads for case management pages and documents."""

from django.db.models import Prefetch, Q, QuerySet

from cases.models import (
    OPEN_ACTION,
    Action,
    Appointment,
    CaseSettings,
    Conference,
    ConferenceAttendee,
    ContactTarget,
    EnforcementFlag,
    ExitPlan,
    PartnerReferral,
)
from ppo.models import Offender, Scheme


def case_settings_for(scheme: Scheme) -> CaseSettings:
    """The scheme's settings, or the defaults (an unsaved row)."""
    try:
        return scheme.case_settings
    except CaseSettings.DoesNotExist:
        return CaseSettings(scheme=scheme)


def carried_forward(*, conference: Conference) -> list[Action]:
    """Actions from before this conference that are still open: they come forward to it.
    (Which were open on the day itself is not kept: an action done since drops off.)"""
    day = conference.held_on or conference.scheduled_for
    before = Q(conference__isnull=True, created_at__date__lt=day) | Q(
        conference__scheduled_for__lt=conference.scheduled_for
    )
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


def partner_referrals_of(*, offender: Offender) -> QuerySet[PartnerReferral]:
    return PartnerReferral.objects.filter(offender=offender).select_related("agency")


def appointments_of(*, offender: Offender) -> QuerySet[Appointment]:
    return Appointment.objects.filter(offender=offender).select_related("agency")


def open_enforcement(*, offender: Offender) -> QuerySet[EnforcementFlag]:
    return EnforcementFlag.objects.filter(offender=offender, followed_up_on__isnull=True)


def contact_target_of(*, offender: Offender) -> int:
    """Contacts a week expected: the person's own target, else the scheme's."""
    own = ContactTarget.objects.filter(offender=offender).first()
    return own.per_week if own else case_settings_for(offender.scheme).contacts_per_week


def exit_plan_of(*, offender: Offender) -> ExitPlan | None:
    return ExitPlan.objects.filter(offender=offender).first()
