"""Partner referrals, appointments with the enforcement flag at its edges, contact targets
and the exit plan: bad input refused, nothing written."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Appointment, EnforcementFlag, ExitPlan, PartnerReferral
from cases.services import (
    appointment_outcome,
    appointment_plan,
    contact_target_set,
    enforcement_follow_up,
    exit_plan_save,
    partner_referral_advance,
    partner_referral_send,
)
from ppo.models import Notification
from ppo.services import offender_access_grant, offender_manager_assign
from selection.flags import review_flags
from tests.factories import OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def ppo(scheme, police_om):
    person = OffenderFactory(scheme=scheme, local_id="S-1")
    offender_access_grant(offenders=[person], agency=police_om.memberships.get().agency, by=None)
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    offender_manager_assign(offender=person, manager=police_om,
                            agency=police_om.memberships.get().agency, by=police_om,
                            on=date(2025, 1, 6))  # fmt: skip
    return person


@pytest.fixture
def agency(police_om):
    return police_om.memberships.get().agency


def test_a_referral_moves_through_its_steps_in_order(ppo, police_om):
    referral = partner_referral_send(
        offender=ppo,
        pathway="accommodation",
        service="Nacro",
        agency=None,
        sent_on=TODAY - timedelta(10),
        by=police_om,
    )
    with pytest.raises(ValidationError, match="can go to accepted or rejected"):
        partner_referral_advance(referral=referral, version=1, to="started", on=TODAY, by=police_om)
    with pytest.raises(ValidationError, match="cannot be before the step before it"):
        partner_referral_advance(referral=referral, version=1, to="accepted",
                                 on=TODAY - timedelta(11), by=police_om)  # fmt: skip
    with pytest.raises(ValidationError, match="cannot be in the future"):
        partner_referral_advance(referral=referral, version=1, to="accepted",
                                 on=TODAY + timedelta(1), by=police_om)  # fmt: skip
    referral = partner_referral_advance(referral=referral, version=1, to="accepted",
                                        on=TODAY - timedelta(5), by=police_om)  # fmt: skip
    referral = partner_referral_advance(referral=referral, version=2, to="started",
                                        on=TODAY - timedelta(4), by=police_om)  # fmt: skip
    referral = partner_referral_advance(referral=referral, version=3, to="completed", on=TODAY,
                                        by=police_om)  # fmt: skip
    assert (referral.state, referral.accepted_on, referral.started_on, referral.finished_on) == (
        "completed", TODAY - timedelta(5), TODAY - timedelta(4), TODAY,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="nothing: it has finished"):
        partner_referral_advance(referral=referral, version=4, to="ended", on=TODAY, by=police_om)


def test_a_rejection_needs_its_reason(ppo, police_om):
    referral = partner_referral_send(offender=ppo, pathway="ete", service="Job Centre",
                                     agency=None, sent_on=TODAY, by=police_om)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        partner_referral_advance(referral=referral, version=1, to="rejected", on=TODAY,
                                 reason="other", detail=" ", by=police_om)  # fmt: skip
    assert set(refused.value.message_dict) == {"detail"}
    referral = partner_referral_advance(referral=referral, version=1, to="rejected", on=TODAY,
                                        reason="no_capacity", by=police_om)  # fmt: skip
    assert (referral.state, referral.reject_reason) == ("rejected", "no_capacity")


def test_a_referral_needs_a_service_a_pathway_and_a_past_date(ppo, police_om):
    with pytest.raises(ValidationError) as refused:
        partner_referral_send(offender=ppo, pathway="x", service=" ", agency=None,
                              sent_on=TODAY + timedelta(1), by=police_om)  # fmt: skip
    assert set(refused.value.message_dict) == {"pathway", "service", "sent_on"}
    assert not PartnerReferral.objects.exists()


def _appointment(ppo, agency, by, day):
    at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return appointment_plan(offender=ppo, agency=agency, kind="supervision", at=at, by=by)


def test_an_outcome_waits_for_the_appointment(ppo, agency, police_om):
    future = _appointment(ppo, agency, police_om, TODAY + timedelta(days=2))
    with pytest.raises(ValidationError, match="has not happened yet"):
        appointment_outcome(appointment=future, outcome="attended", note="", by=police_om)
    future.refresh_from_db()
    assert future.outcome == ""


@pytest.mark.parametrize(("apart", "flagged"), [(27, True), (28, True), (29, False)])
def test_two_failures_within_28_days_raise_an_enforcement_flag(
    ppo, agency, police_om, apart, flagged
):
    first = _appointment(ppo, agency, police_om, TODAY - timedelta(days=apart + 1))
    second = _appointment(ppo, agency, police_om, TODAY - timedelta(days=1))
    assert appointment_outcome(appointment=first, outcome="failed", note="", by=police_om) is None
    flag = appointment_outcome(appointment=second, outcome="failed", note="", by=police_om)
    assert (flag is not None) == flagged
    assert Notification.objects.filter(user=police_om).count() == (3 if flagged else 2)
    codes = {f.code for f in review_flags(scheme=ppo.scheme, on=TODAY)}
    assert ("enforcement_due" in codes) == flagged


def test_acceptable_absences_do_not_count_and_a_follow_up_closes_the_flag(ppo, agency, police_om):
    days = [TODAY - timedelta(days=d) for d in (20, 10, 5)]
    outcomes = ["failed", "acceptable", "failed"]
    appointments = [_appointment(ppo, agency, police_om, day) for day in days]
    results = [
        appointment_outcome(appointment=a, outcome=o, note="", by=police_om)
        for a, o in zip(appointments, outcomes, strict=True)
    ]
    assert results[:2] == [None, None]
    flag = results[2]
    assert (flag.first_absence, flag.second_absence) == (appointments[0], appointments[2])
    with pytest.raises(ValidationError, match="Say what was done"):
        enforcement_follow_up(flag=flag, follow_up=" ", by=police_om)
    enforcement_follow_up(flag=flag, follow_up="Breach proceedings started", by=police_om)
    assert "enforcement_due" not in {f.code for f in review_flags(scheme=ppo.scheme, on=TODAY)}
    # Recording again changes nothing, and tells nobody twice.
    with pytest.raises(ValidationError, match="already recorded"):
        appointment_outcome(appointment=appointments[2], outcome="failed", note="", by=police_om)
    assert EnforcementFlag.objects.count() == 1


def test_contact_targets(ppo):
    with pytest.raises(ValidationError):
        contact_target_set(offender=ppo, per_week=0)
    assert contact_target_set(offender=ppo, per_week=6).per_week == 6
    assert contact_target_set(offender=ppo, per_week=None) is None


def test_the_exit_plan_is_saved_with_optimistic_locking(ppo, police_om, housing_officer):
    with pytest.raises(ValidationError) as refused:
        exit_plan_save(offender=ppo, version=None, removal_criteria=" ", continuing_support="",
                       destination="space", agreed_with_offender_on=TODAY + timedelta(1),
                       by=police_om)  # fmt: skip
    assert set(refused.value.message_dict) == {"removal_criteria", "destination",
                                               "agreed_with_offender_on"}  # fmt: skip
    plan = exit_plan_save(offender=ppo, version=None,
                          removal_criteria="Six months without arrest and stable housing",
                          continuing_support="IOM contact monthly", destination="iom",
                          agreed_with_offender_on=TODAY, by=police_om)  # fmt: skip
    exit_plan_save(offender=ppo, version=plan.version, removal_criteria="Six months",
                   continuing_support="", destination="iom", agreed_with_offender_on=TODAY,
                   by=housing_officer)  # fmt: skip
    with pytest.raises(ValidationError, match="Someone else changed this"):
        exit_plan_save(offender=ppo, version=plan.version, removal_criteria="Mine",
                       continuing_support="", destination="", agreed_with_offender_on=None,
                       by=police_om)  # fmt: skip
    assert ExitPlan.objects.get().removal_criteria == "Six months"
    assert Appointment.objects.count() == 0


def test_a_failed_appointment_reaches_the_notifications_page(client, ppo, agency, police_om,
                                                            housing_officer):  # fmt: skip
    appointment = _appointment(ppo, agency, police_om, TODAY - timedelta(days=1))
    appointment_outcome(appointment=appointment, outcome="failed", note="", by=police_om)
    client.force_login(police_om)
    page = client.get("/notifications/").content.decode()
    assert "Record S-1 failed to attend a supervision appointment on" in page
    assert "New" in page
    assert "New</strong>" not in client.get("/notifications/").content.decode()  # read now
    client.force_login(housing_officer)
    assert "S-1" not in client.get("/notifications/").content.decode()
