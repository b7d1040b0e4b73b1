"""Every write to case management: conferences and their needs assessments, and the action
plan. Each checks everything first and raises ValidationError by field, writing nothing."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Action, Conference, ConferenceAttendee, NeedAssessment
from ppo.codes import ActionStatus, Need, NeedLevel, Pathway
from ppo.models import Agency, Offender, User

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
    action: the second save (started from the older version) is refused, not merged."""
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
