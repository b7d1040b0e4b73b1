"""Conferences, needs and actions: every bad input refused with nothing written, optimistic
locking, carry-forward, and the conference_overdue flag at its edges."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Action, CaseSettings, Conference, NeedAssessment
from cases.selectors import carried_forward
from cases.services import action_create, action_update, conference_record, conference_schedule
from ppo.codes import EventKind, Need
from ppo.dates import add_months
from selection.flags import review_flags
from tests.factories import EventFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EVERY_NEED = dict.fromkeys(Need.values, ("some", ""))


@pytest.fixture
def ppo(scheme):
    person = OffenderFactory(scheme=scheme, local_id="S-1")
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    return person


@pytest.fixture
def agencies(police_om, housing_officer):
    return police_om.memberships.get().agency, housing_officer.memberships.get().agency


def hold(conference, by, agency, *, held_on=TODAY, needs=EVERY_NEED, version=None):
    return conference_record(
        conference=conference, version=version or conference.version, held_on=held_on,
        attendees=[(agency, "PC Lee")], offender_attended=True,
        offender_comments="Wants help with housing", minutes="Agreed the plan", needs=needs,
        by=by,
    )  # fmt: skip


def test_a_conference_is_scheduled_then_held_with_every_need_assessed(ppo, police_om, agencies):
    conference = conference_schedule(
        offender=ppo, kind="conference", scheduled_for=TODAY, by=police_om
    )
    held = hold(conference, police_om, agencies[0],
                needs={**EVERY_NEED, "drugs": ("significant", "Daily heroin use")})  # fmt: skip
    assert (held.held_on, held.version, held.offender_attended) == (TODAY, 2, True)
    assert NeedAssessment.objects.get(conference=held, need="drugs").note == "Daily heroin use"
    assert [a.name for a in held.attendees.all()] == ["PC Lee"]


def test_recording_a_conference_reports_every_problem_and_writes_nothing(
    ppo, police_om, agencies, other_scheme
):
    from tests.factories import AgencyFactory

    conference = conference_schedule(
        offender=ppo, kind="conference", scheduled_for=TODAY, by=police_om
    )
    with pytest.raises(ValidationError) as refused:
        conference_record(
            conference=conference, version=1, held_on=TODAY + timedelta(days=1), attendees=[],
            offender_attended=None, offender_comments="", minutes="",
            needs={"drugs": ("dreadful", "")}, by=police_om,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"held_on", "attendees", "needs"}
    outsider = AgencyFactory(scheme=other_scheme)
    with pytest.raises(ValidationError, match="Assess every need at a case conference: "
                                              "Accommodation"):  # fmt: skip
        hold(conference, police_om, agencies[0], needs={"drugs": ("some", "")})
    with pytest.raises(ValidationError, match="from the scheme's agencies"):
        hold(conference, police_om, outsider)
    conference.refresh_from_db()
    assert (conference.held_on, conference.version, conference.minutes) == (None, 1, "")
    # A core group meeting needs no needs assessment.
    core = conference_schedule(offender=ppo, kind="core_group", scheduled_for=TODAY, by=police_om)
    assert hold(core, police_om, agencies[0], needs={}).held_on == TODAY


def test_a_save_started_from_an_older_version_is_refused(ppo, police_om, agencies):
    conference = conference_schedule(
        offender=ppo, kind="conference", scheduled_for=TODAY, by=police_om
    )
    hold(conference, police_om, agencies[0], version=1)
    with pytest.raises(ValidationError, match="Someone else changed this"):
        hold(conference, police_om, agencies[0], version=1)


def _action(ppo, by, agency, conference=None, **fields):
    values = {
        "pathway": "accommodation",
        "description": "Find supported housing",
        "lead_agency": agency,
        "lead_officer": "Jo Black",
        "due_date": TODAY + timedelta(30),
    }
    return action_create(offender=ppo, conference=conference, by=by, **{**values, **fields})


def test_an_action_needs_a_lead_and_a_due_date_not_before_its_conference(ppo, police_om, agencies):
    conference = conference_schedule(
        offender=ppo, kind="conference", scheduled_for=TODAY, by=police_om
    )
    with pytest.raises(ValidationError) as refused:
        _action(ppo, police_om, None, conference, lead_officer=" ", description="",
                pathway="space", due_date=TODAY - timedelta(days=1))  # fmt: skip
    assert set(refused.value.message_dict) == {"lead_agency", "lead_officer", "description",
                                               "pathway", "due_date"}  # fmt: skip
    assert "cannot be before the conference" in refused.value.message_dict["due_date"][0]
    assert not Action.objects.exists()


def test_two_partners_editing_one_action_the_second_is_told(
    ppo, police_om, housing_officer, agencies
):
    action = _action(ppo, police_om, agencies[1])
    fields = {"due_date": action.due_date, "lead_agency": agencies[1], "lead_officer": "Jo Black"}
    action_update(action=action, version=1, status="in_progress", outcome="", by=housing_officer,
                  **fields)  # fmt: skip
    with pytest.raises(ValidationError, match="Someone else changed this"):
        action_update(action=action, version=1, status="done", outcome="Housed", by=police_om,
                      **fields)  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.version, action.updated_by) == ("in_progress", 2, housing_officer)
    with pytest.raises(ValidationError, match="needs its outcome"):
        action_update(action=action, version=2, status="done", outcome=" ", by=police_om, **fields)


def test_open_actions_carry_forward_to_the_next_conference(ppo, police_om, agencies):
    first = conference_schedule(offender=ppo, kind="conference",
                                scheduled_for=TODAY - timedelta(days=90), by=police_om)  # fmt: skip
    still_open = _action(ppo, police_om, agencies[0], first, due_date=TODAY)
    finished = _action(ppo, police_om, agencies[0], first, description="Register with a GP",
                       pathway="health", due_date=TODAY)  # fmt: skip
    action_update(
        action=finished,
        version=1,
        status="done",
        outcome="Registered",
        due_date=TODAY,
        lead_agency=agencies[0],
        lead_officer="Jo",
        by=police_om,
    )
    second = conference_schedule(offender=ppo, kind="conference", scheduled_for=TODAY, by=police_om)
    assert carried_forward(conference=second) == [still_open]
    assert carried_forward(conference=first) == []


# --- conference_overdue ---------------------------------------------------------------------

DAY = timedelta(days=1)


def overdue(scheme, *days):
    return ["conference_overdue" in {f.code for f in review_flags(scheme=scheme, on=day)}
            for day in days]  # fmt: skip


def test_conference_overdue_after_the_schemes_interval(scheme, ppo, police_om, agencies):
    since = date(2025, 1, 6)
    edge = add_months(since, 3) + DAY  # on the list more than three months
    assert overdue(scheme, edge - DAY, edge, edge + DAY) == [False, True, True]
    conference = conference_schedule(offender=ppo, kind="conference",
                                     scheduled_for=date(2025, 6, 10), by=police_om)  # fmt: skip
    hold(conference, police_om, agencies[0], held_on=date(2025, 6, 10))
    due = date(2025, 9, 10)
    assert overdue(scheme, due - DAY, due, due + DAY) == [False, True, True]
    CaseSettings.objects.create(scheme=scheme, conference_months=6)
    scheme.refresh_from_db()
    assert overdue(scheme, due, date(2025, 12, 10)) == [False, True]


def test_a_held_conference_is_a_case_review_and_core_groups_are_not(
    scheme, ppo, police_om, agencies
):
    core = conference_schedule(offender=ppo, kind="core_group",
                               scheduled_for=date(2025, 6, 10), by=police_om)  # fmt: skip
    hold(core, police_om, agencies[0], held_on=date(2025, 6, 10), needs={})
    codes = {f.code for f in review_flags(scheme=scheme, on=date(2025, 7, 1))}
    assert {"conference_overdue", "quarterly_review_due"} <= codes
    conference = conference_schedule(offender=ppo, kind="conference",
                                     scheduled_for=date(2025, 6, 20), by=police_om)  # fmt: skip
    hold(conference, police_om, agencies[0], held_on=date(2025, 6, 20))
    codes = {f.code for f in review_flags(scheme=scheme, on=date(2025, 7, 1))}
    assert not {"conference_overdue", "quarterly_review_due"} & codes


def test_no_conference_is_due_while_serving_a_long_sentence(scheme, ppo):
    EventFactory(offender=ppo, kind=EventKind.CUSTODY_START, date=date(2025, 3, 1),
                 expected_release=date(2030, 1, 1))  # fmt: skip
    assert overdue(scheme, date(2025, 7, 1)) == [False]


def test_a_booked_conference_is_named_in_the_reason(scheme, ppo, police_om):
    conference_schedule(offender=ppo, kind="conference", scheduled_for=TODAY + timedelta(days=7),
                        by=police_om)  # fmt: skip
    reason = next(f.reason for f in review_flags(scheme=scheme, on=TODAY)
                  if f.code == "conference_overdue")  # fmt: skip
    when = TODAY + timedelta(days=7)
    assert reason == (f"No case conference for 3 months (none held yet). One is booked for "
                      f"{when.day} {when:%B %Y}.")  # fmt: skip
    assert Conference.objects.count() == 1


def test_a_recorder_not_shown_a_need_leaves_it_as_another_agency_recorded_it(
    ppo, police_om, agencies
):
    conference = conference_schedule(offender=ppo, kind="conference", scheduled_for=TODAY,
                                     by=police_om)  # fmt: skip
    hold(conference, police_om, agencies[0], needs={**EVERY_NEED, "drugs": ("significant", "")})
    others = [need for need in Need.values if need != "drugs"]
    conference_record(
        conference=conference, version=2, held_on=TODAY, attendees=[(agencies[0], "PC Lee")],
        offender_attended=None, offender_comments="", minutes="",
        needs=dict.fromkeys(others, ("none", "")), assessable=others, by=police_om,
    )  # fmt: skip
    assert NeedAssessment.objects.get(conference=conference, need="drugs").level == "significant"
    assert NeedAssessment.objects.get(conference=conference, need="ete").level == "none"
