"""Every write to case management: conferences and their needs assessments, and the action
plan. Each checks everything first and raises ValidationError by field, writing nothing."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import (
    Action,
    Appointment,
    CaseSettings,
    Conference,
    ConferenceAttendee,
    ContactTarget,
    EnforcementFlag,
    ExitPlan,
    NeedAssessment,
    PartnerReferral,
)
from ppo.access import record_access
from ppo.codes import ActionStatus, ExitDestination, Need, NeedLevel, Pathway
from ppo.models import Agency, Offender, Scheme, User
from ppo.selectors import current_managers
from ppo.services import notify

STALE = (
    "Someone else changed this since you opened it. Their changes are shown below: check them "
    "and make yours again."
)


def conference_schedule(
    *, offender: Offender, kind: str, scheduled_for: date, by: User
) -> Conference:
    errors: dict[str, list[str]] = {}
    if kind not in Conference.Kind.values:
        errors["kind"] = ["Select a case conference or a core group meeting"]
    if scheduled_for is None:
        errors["scheduled_for"] = ["Enter the date of the meeting"]
    if errors:
        raise ValidationError(errors)
    return Conference.objects.create(
        offender=offender, kind=kind, scheduled_for=scheduled_for, created_by=by
    )


@transaction.atomic
def conference_record(
    *,
    conference: Conference,
    version: int,
    held_on: date | None,
    attendees: list[tuple[Agency, str]],
    offender_attended: bool | None,
    offender_comments: str,
    minutes: str,
    needs: dict[str, tuple[str, str]],
    by: User,
    assessable: list[str] | None = None,
) -> Conference:
    """Record what happened at a conference: when, who came (by agency), whether the person
    attended the final part and what they said, the minutes, and (at a case conference) a
    level for every need the recorder may assess (`assessable`, default all: a recorder not
    shown clinical detail cannot assess drug misuse; another agency records it, and what
    they recorded is kept). A save started from an older version is refused."""
    assessable = list(Need.values) if assessable is None else assessable
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date the meeting was held"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["The date it was held cannot be in the future"]
    named = [(agency, name.strip()) for agency, name in attendees if name.strip()]
    if not named:
        errors["attendees"] = ["Add at least one attendee and their agency"]
    scheme_id = conference.offender.scheme_id
    if any(agency.scheme_id not in (None, scheme_id) for agency, _ in named):
        errors["attendees"] = ["Attendees must come from the scheme's agencies"]
    unknown = set(needs) - set(assessable)
    if unknown:
        errors["needs"] = [f"Unknown needs: {', '.join(sorted(unknown))}"]
    bad_levels = [
        need for need, (level, _) in needs.items() if level and level not in NeedLevel.values
    ]
    missing = [Need(need).label for need in assessable if not (needs.get(need) or ("", ""))[0]]
    if conference.kind == Conference.Kind.CONFERENCE and missing:
        errors["needs"] = [f"Assess every need at a case conference: {', '.join(missing)}"]
    if bad_levels:
        errors["needs"] = ["Choose no need, some need or significant need"]
    if errors:
        raise ValidationError(errors)
    changed = Conference.objects.filter(pk=conference.pk, version=version).update(
        held_on=held_on, offender_attended=offender_attended,
        offender_comments=offender_comments.strip(), minutes=minutes.strip(),
        version=F("version") + 1,
    )  # fmt: skip
    if not changed:
        raise ValidationError(STALE)
    conference.attendees.all().delete()
    ConferenceAttendee.objects.bulk_create(
        ConferenceAttendee(conference=conference, agency=agency, name=name)
        for agency, name in named
    )
    conference.needs.filter(need__in=assessable).delete()
    NeedAssessment.objects.bulk_create(
        NeedAssessment(conference=conference, need=need, level=level, note=note.strip())
        for need, (level, note) in needs.items()
        if level
    )
    conference.refresh_from_db()
    return conference


def _lead_problems(offender: Offender, lead_agency, lead_officer: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if lead_agency is None:
        errors["lead_agency"] = ["Select the lead agency"]
    elif lead_agency.scheme_id not in (None, offender.scheme_id):
        errors["lead_agency"] = ["The lead agency must work with this scheme"]
    if not (lead_officer or "").strip():
        errors["lead_officer"] = ["Enter the name of the lead officer"]
    return errors


def action_create(
    *,
    offender: Offender,
    conference: Conference | None,
    pathway: str,
    description: str,
    lead_agency: Agency | None,
    lead_officer: str,
    due_date: date | None,
    by: User,
) -> Action:
    """Add an action to the person's plan, usually as a conference agrees it."""
    errors = _lead_problems(offender, lead_agency, lead_officer)
    if pathway not in Pathway.values:
        errors["pathway"] = ["Select the pathway"]
    if not description.strip():
        errors["description"] = ["Describe the action"]
    if due_date is None:
        errors["due_date"] = ["Enter the date it is due"]
    elif conference is not None:
        agreed = conference.held_on or conference.scheduled_for
        if due_date < agreed:
            errors["due_date"] = [
                f"The due date cannot be before the conference ({date_format(agreed)})"
            ]
    if conference is not None and conference.offender_id != offender.pk:
        errors["__all__"] = ["This conference is about someone else"]
    if errors:
        raise ValidationError(errors)
    return Action.objects.create(
        offender=offender, conference=conference, pathway=pathway,
        description=description.strip(), lead_agency=lead_agency,
        lead_officer=lead_officer.strip(), due_date=due_date, created_by=by, updated_by=by,
    )  # fmt: skip


def action_update(
    *,
    action: Action,
    version: int,
    status: str,
    outcome: str,
    due_date: date | None,
    lead_agency: Agency | None,
    lead_officer: str,
    by: User,
) -> Action:
    """Change an action's progress, outcome, due date or lead. Two partners editing the same
    action: the second save (started from the older version) is refused, not merged; that
    is said first, before any other problem, so the second partner sees the change."""
    if not Action.objects.filter(pk=action.pk, version=version).exists():
        raise ValidationError(STALE)
    errors = _lead_problems(action.offender, lead_agency, lead_officer)
    if status not in ActionStatus.values:
        errors["status"] = ["Select the status"]
    finished = status in (ActionStatus.DONE, ActionStatus.NOT_DONE)
    if finished and not outcome.strip():
        errors["outcome"] = [
            "Say what happened: an action that is done or not done needs its outcome"
        ]
    if due_date is None:
        errors["due_date"] = ["Enter the date it is due"]
    elif action.conference is not None and due_date < (
        action.conference.held_on or action.conference.scheduled_for
    ):
        errors["due_date"] = ["The due date cannot be before the conference that agreed it"]
    if errors:
        raise ValidationError(errors)
    changed = Action.objects.filter(pk=action.pk, version=version).update(
        status=status, outcome=outcome.strip(), due_date=due_date, lead_agency=lead_agency,
        lead_officer=lead_officer.strip(), updated_by=by, updated_at=timezone.now(),
        version=F("version") + 1,
    )  # fmt: skip
    if not changed:
        raise ValidationError(STALE)
    action.refresh_from_db()
    return action


# --- partner referrals ---------------------------------------------------------------------

# Where a referral may go next, and the date field each step sets.
NEXT_STATES = {
    PartnerReferral.State.SENT: {"accepted": "accepted_on", "rejected": "rejected_on"},
    PartnerReferral.State.ACCEPTED: {"started": "started_on"},
    PartnerReferral.State.STARTED: {"completed": "finished_on", "ended": "finished_on"},
}


def partner_referral_send(
    *, offender: Offender, pathway: str, service: str, agency: Agency | None, sent_on: date | None,
    by: User,
) -> PartnerReferral:  # fmt: skip
    errors: dict[str, list[str]] = {}
    if pathway not in Pathway.values:
        errors["pathway"] = ["Select the pathway"]
    if not service.strip():
        errors["service"] = ["Enter the name of the service"]
    if sent_on is None:
        errors["sent_on"] = ["Enter the date it was sent"]
    elif sent_on > timezone.localdate():
        errors["sent_on"] = ["The date it was sent cannot be in the future"]
    if agency is not None and agency.scheme_id not in (None, offender.scheme_id):
        errors["agency"] = ["The partner agency must work with this scheme"]
    if errors:
        raise ValidationError(errors)
    return PartnerReferral.objects.create(
        offender=offender, pathway=pathway, service=service.strip(), agency=agency,
        sent_on=sent_on, created_by=by,
    )  # fmt: skip


def partner_referral_advance(
    *, referral: PartnerReferral, version: int, to: str, on: date | None, by: User,
    reason: str = "", detail: str = "", note: str = "",
) -> PartnerReferral:  # fmt: skip
    """Move a referral to its next step on a date: never out of order, never before the
    step it follows, never in the future; a rejection needs its reason ("other" its text)."""
    errors: dict[str, list[str]] = {}
    allowed = NEXT_STATES.get(referral.state, {})
    if to not in allowed:
        steps = " or ".join(allowed) or "nothing: it has finished"
        errors["to"] = [
            f"A referral that is {referral.get_state_display().lower()} can go to {steps}"
        ]
    previous = max(
        day for day in (referral.sent_on, referral.accepted_on, referral.started_on) if day
    )
    if on is None:
        errors["on"] = ["Enter the date"]
    elif on > timezone.localdate():
        errors["on"] = ["The date cannot be in the future"]
    elif on < previous:
        errors["on"] = [f"The date cannot be before the step before it ({date_format(previous)})"]
    if to == "rejected":
        if reason not in PartnerReferral.RejectReason.values:
            errors["reason"] = ["Select why it was rejected"]
        elif reason == PartnerReferral.RejectReason.OTHER and not detail.strip():
            errors["detail"] = ["Say why it was rejected"]
    if errors:
        raise ValidationError(errors)
    fields = {
        "state": to, allowed[to]: on, "version": F("version") + 1,
        "reject_reason": reason if to == "rejected" else referral.reject_reason,
        "reject_detail": detail.strip() if to == "rejected" else referral.reject_detail,
        "note": note.strip() or referral.note,
    }  # fmt: skip
    if not PartnerReferral.objects.filter(pk=referral.pk, version=version).update(**fields):
        raise ValidationError(STALE)
    referral.refresh_from_db()
    return referral


# --- appointments, contact and enforcement ---------------------------------------------------

ENFORCEMENT_DAYS = 28


def appointment_plan(
    *, offender: Offender, agency: Agency | None, kind: str, at, by: User
) -> Appointment:
    errors: dict[str, list[str]] = {}
    if agency is None:
        errors["agency"] = ["Select the agency"]
    elif agency.scheme_id not in (None, offender.scheme_id):
        errors["agency"] = ["The agency must work with this scheme"]
    if kind not in Appointment.Kind.values:
        errors["kind"] = ["Select the kind of appointment"]
    if at is None:
        errors["at"] = ["Enter the date and time"]
    if errors:
        raise ValidationError(errors)
    return Appointment.objects.create(
        offender=offender, agency=agency, kind=kind, at=at, created_by=by
    )


@transaction.atomic
def appointment_outcome(
    *, appointment: Appointment, outcome: str, note: str, by: User
) -> EnforcementFlag | None:
    """Record whether the person came. A failure alerts the offender managers shown that
    kind of appointment; a failure within 28 days of another raises an enforcement flag
    (consider breach or recall), alerting those shown the case record. Returns the flag
    raised, if any."""
    # The person's row is locked first: outcomes for one person are recorded one at a time,
    # so two failures recorded at once cannot both miss the 28-day rule, and one appointment
    # cannot get two outcomes.
    Offender.objects.select_for_update().get(pk=appointment.offender_id)
    appointment = Appointment.objects.select_related("offender").get(pk=appointment.pk)
    errors: dict[str, list[str]] = {}
    if outcome not in Appointment.Outcome.values:
        errors["outcome"] = ["Select what happened"]
    if appointment.at > timezone.now():
        errors["outcome"] = ["The appointment has not happened yet"]
    if appointment.outcome:
        errors["outcome"] = ["This appointment's outcome is already recorded"]
    if errors:
        raise ValidationError(errors)
    appointment.outcome, appointment.outcome_note = outcome, note.strip()
    appointment.outcome_by = by
    appointment.save(update_fields=["outcome", "outcome_note", "outcome_by"])
    if outcome != Appointment.Outcome.FAILED:
        return None
    offender = appointment.offender
    day = timezone.localtime(appointment.at).date()
    _notify_managers(
        offender, lambda access: access.shows_appointment(appointment.kind),
        key=f"appointment-failed:{appointment.pk}",
        text=f"Record {offender.local_id} failed to attend a "
             f"{appointment.get_kind_display().lower()} appointment on {date_format(day)}.",
    )  # fmt: skip
    window = timedelta(days=ENFORCEMENT_DAYS)
    nearest = (
        Appointment.objects.filter(
            offender=offender, outcome=Appointment.Outcome.FAILED,
            # By calendar day in UK time: a clock change must not move the 28 days' edge.
            at__date__gte=day - window, at__date__lte=day + window,
        )
        .exclude(pk=appointment.pk)
        .order_by("-at")
        .first()
    )  # fmt: skip
    if nearest is None:
        return None
    # The flag belongs to the absence whose recording raised it (so recording a missed
    # appointment late raises a new flag rather than finding one already followed up).
    flag = EnforcementFlag.objects.create(
        offender=offender, first_absence=nearest, second_absence=appointment,
        raised_on=timezone.localdate(),
    )  # fmt: skip
    _notify_managers(
        offender, lambda access: access.shows_case_record, key=f"enforcement:{flag.pk}",
        text=f"Record {offender.local_id} has missed two appointments within "
             f"{ENFORCEMENT_DAYS} days: consider breach or recall.",
    )  # fmt: skip
    return flag


def _notify_managers(offender: Offender, shown, *, key: str, text: str) -> None:
    """Notify the person's offender managers who are shown what the notice is about."""
    today = timezone.localdate()
    url = reverse("case-plan", args=[offender.pk])
    for manager in current_managers(offender=offender, on=today):
        access = record_access(user=manager, offenders=[offender], on=today)[offender.pk]
        if shown(access):
            notify(user=manager, key=key, text=text, url=url)


def enforcement_follow_up(*, flag: EnforcementFlag, follow_up: str, by: User) -> EnforcementFlag:
    if not follow_up.strip():
        raise ValidationError(
            {"follow_up": ["Say what was done: breach, recall, warning or other"]}
        )
    # Written only if no one has recorded the follow-up since the page was opened.
    recorded = EnforcementFlag.objects.filter(pk=flag.pk, followed_up_on__isnull=True).update(
        follow_up=follow_up.strip(), followed_up_by=by, followed_up_on=timezone.localdate()
    )
    if not recorded:
        raise ValidationError({"follow_up": ["The follow-up is already recorded"]})
    flag.refresh_from_db()
    return flag


def contact_target_set(*, offender: Offender, per_week: int | None) -> ContactTarget | None:
    """The person's own weekly contact target, or the scheme's again when None."""
    if per_week is None:
        ContactTarget.objects.filter(offender=offender).delete()
        return None
    if not 0 < per_week <= 21:
        raise ValidationError({"per_week": ["Enter a number of contacts a week from 1 to 21"]})
    target, _ = ContactTarget.objects.update_or_create(
        offender=offender, defaults={"per_week": per_week}
    )
    return target


# --- the exit plan ---------------------------------------------------------------------------


def exit_plan_save(
    *, offender: Offender, version: int | None, removal_criteria: str, continuing_support: str,
    destination: str, agreed_with_offender_on: date | None, by: User,
) -> ExitPlan:  # fmt: skip
    """Write the exit plan; a save started from an older version is refused."""
    errors: dict[str, list[str]] = {}
    if not removal_criteria.strip():
        errors["removal_criteria"] = ["Say what gets them off the list, as agreed with them"]
    if destination and destination not in ExitDestination.values:
        errors["destination"] = ["Select where they go next"]
    if agreed_with_offender_on and agreed_with_offender_on > timezone.localdate():
        errors["agreed_with_offender_on"] = ["The date it was agreed cannot be in the future"]
    if errors:
        raise ValidationError(errors)
    fields = {
        "removal_criteria": removal_criteria.strip(),
        "continuing_support": continuing_support.strip(), "destination": destination,
        "agreed_with_offender_on": agreed_with_offender_on, "updated_by": by,
    }  # fmt: skip
    if version is None:
        plan, created = ExitPlan.objects.get_or_create(offender=offender, defaults=fields)
        if created:
            return plan
        raise ValidationError(STALE)
    updated = ExitPlan.objects.filter(offender=offender, version=version).update(
        **fields, updated_at=timezone.now(), version=F("version") + 1
    )
    if not updated:
        raise ValidationError(STALE)
    return ExitPlan.objects.get(offender=offender)


def case_settings_save(
    *, scheme: Scheme, conference_months: int, contacts_per_week: int
) -> CaseSettings:
    """Set the scheme's months between case conferences and contacts a week (the page checks
    the ranges; the database holds the interval to 3-6 months)."""
    settings, _ = CaseSettings.objects.update_or_create(
        scheme=scheme,
        defaults={"conference_months": conference_months, "contacts_per_week": contacts_per_week},
    )
    return settings
