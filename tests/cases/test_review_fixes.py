"""What a review of case management found, each fixed and held by a test: appointments
redacted by kind (and notifications with them), the second editor told before any other
problem, overdue people already booked kept out of today's pack, late absences raising a
new enforcement flag, follow-ups recorded once, read-only roles kept from changing the plan,
and bad query strings answered without a crash."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Appointment, EnforcementFlag
from cases.services import (
    action_create,
    action_update,
    appointment_outcome,
    appointment_plan,
    conference_schedule,
    enforcement_follow_up,
    partner_referral_advance,
    partner_referral_send,
)
from ppo.models import Notification
from ppo.services import offender_access_grant, offender_create, offender_manager_assign
from selection.flags import flag_rules
from sharing.models import ConsentKind
from sharing.services import consent_record
from tests.factories import ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def dean(scheme, police_om, cjit_worker, panel_member, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    for persona in (cjit_worker, panel_member, coordinator):
        offender_access_grant(offenders=[person], agency=persona.memberships.get().agency, by=None)
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    for manager in (police_om, cjit_worker):
        offender_manager_assign(offender=person, manager=manager,
                                agency=manager.memberships.get().agency, by=coordinator,
                                on=date(2025, 1, 6))  # fmt: skip
    return person


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_treatment_appointments_are_treatment_information_not_supervision(
    client, dean, police_om, cjit_worker
):
    cjit = cjit_worker.memberships.get().agency
    missed = appointment_plan(offender=dean, agency=cjit, kind="drug_treatment",
                              at=_at(TODAY - timedelta(days=2)), by=cjit_worker)  # fmt: skip
    consent_record(
        offender=dean, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=["treatment_engagement", "treatment_clinical"], effective_date=TODAY,
        review_date=None, by=police_om,
    )  # fmt: skip
    appointment_outcome(appointment=missed, outcome="failed", note="Relapsed; script stopped",
                        by=cjit_worker)  # fmt: skip
    # The police are shown supervision (s115) but not treatment without consent.
    client.force_login(police_om)
    plan = client.get(reverse("case-plan", args=[dean.pk])).content.decode()
    assert "Drug treatment" not in plan
    assert client.get(reverse("appointment", args=[missed.pk])).status_code == 404
    assert not Notification.objects.filter(user=police_om).exists()
    # The CJIT worker, with consent, sees it, its note, and was told.
    client.force_login(cjit_worker)
    assert (
        "Relapsed; script stopped"
        in client.get(reverse("appointment", args=[missed.pk])).content.decode()
    )
    assert Notification.objects.filter(user=cjit_worker).count() == 1
    rows = client.get(reverse("my-caseload")).context["rows"]
    assert rows[0].last_contact is None  # a missed appointment is not contact


def test_the_second_editor_is_told_before_any_other_problem(dean, police_om, cjit_worker):
    agency = police_om.memberships.get().agency
    action = action_create(offender=dean, conference=None, pathway="attitudes",
                           description="Course", lead_agency=agency, lead_officer="PC Lee",
                           due_date=TODAY, by=police_om)  # fmt: skip
    action_update(action=action, version=1, status="in_progress", outcome="", due_date=TODAY,
                  lead_agency=agency, lead_officer="PC Kaur", by=police_om)  # fmt: skip
    with pytest.raises(ValidationError, match="Someone else changed this"):
        action_update(action=action, version=1, status="done", outcome="", due_date=TODAY,
                      lead_agency=agency, lead_officer="", by=cjit_worker)  # fmt: skip


def test_overdue_people_booked_for_a_later_day_are_not_in_todays_pack(
    client, dean, police_om, coordinator
):
    client.force_login(coordinator)
    url = reverse("conference-pack", args=[dean.scheme.slug])
    assert [e.person.pk for e in client.get(url).context["entries"]] == [dean.pk]
    conference_schedule(offender=dean, kind="conference", by=police_om,
                        scheduled_for=TODAY + timedelta(days=7))  # fmt: skip
    assert client.get(url).context["entries"] == []
    later = (TODAY + timedelta(days=7)).isoformat()
    assert [e.person.pk for e in client.get(url, {"date": later}).context["entries"]] == [dean.pk]
    for silly in ("9999-12-31", "0001-01-01", "yesterday"):
        assert client.get(url, {"date": silly}).status_code == 200


def test_an_absence_recorded_late_raises_a_new_flag(dean, police_om):
    agency = police_om.memberships.get().agency
    made = {days: appointment_plan(offender=dean, agency=agency, kind="supervision",
                                   at=_at(TODAY - timedelta(days=days)), by=police_om)
            for days in (30, 20, 25)}  # fmt: skip
    appointment_outcome(appointment=made[30], outcome="failed", note="", by=police_om)
    first = appointment_outcome(appointment=made[20], outcome="failed", note="", by=police_om)
    enforcement_follow_up(flag=first, follow_up="Warning given", by=police_om)
    late = appointment_outcome(appointment=made[25], outcome="failed", note="", by=police_om)
    assert late is not None
    assert late.pk != first.pk
    assert (late.followed_up_on, late.raised_on) == (None, TODAY)
    assert EnforcementFlag.objects.filter(followed_up_on__isnull=True).count() == 1


def test_a_follow_up_is_recorded_once_even_from_two_open_pages(dean, police_om, cjit_worker):
    agency = police_om.memberships.get().agency
    for days in (10, 5):
        missed = appointment_plan(offender=dean, agency=agency, kind="supervision",
                                  at=_at(TODAY - timedelta(days=days)), by=police_om)  # fmt: skip
        flag = appointment_outcome(appointment=missed, outcome="failed", note="", by=police_om)
    stale_copy = EnforcementFlag.objects.get(pk=flag.pk)
    enforcement_follow_up(flag=flag, follow_up="Breach", by=police_om)
    with pytest.raises(ValidationError, match="already recorded"):
        enforcement_follow_up(flag=stale_copy, follow_up="Recall", by=cjit_worker)
    assert EnforcementFlag.objects.get().follow_up == "Breach"


def test_read_only_roles_in_the_lead_agency_cannot_change_the_plan(
    client, dean, police_om, panel_member
):
    probation = panel_member.memberships.get().agency
    action = action_create(offender=dean, conference=None, pathway="attitudes",
                           description="Course", lead_agency=probation, lead_officer="Sam",
                           due_date=TODAY, by=police_om)  # fmt: skip
    referral = partner_referral_send(offender=dean, pathway="attitudes", service="Programme",
                                     agency=probation, sent_on=TODAY, by=police_om)  # fmt: skip
    missed = appointment_plan(offender=dean, agency=probation, kind="supervision",
                              at=_at(TODAY - timedelta(days=1)), by=police_om)  # fmt: skip
    client.force_login(panel_member)
    for url in (reverse("action-edit", args=[action.pk]),
                reverse("appointment", args=[missed.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404 or response.context["form"] is None, url
    assert client.post(reverse("partner-referral", args=[referral.pk]), {"to": "accepted",
                       "version": 1}).status_code == 404  # fmt: skip
    assert Appointment.objects.get(pk=missed.pk).outcome == ""


def test_a_referral_moved_on_meanwhile_says_so(client, dean, police_om):
    referral = partner_referral_send(offender=dean, pathway="attitudes", service="Programme",
                                     agency=None, sent_on=TODAY, by=police_om)  # fmt: skip
    partner_referral_advance(referral=referral, version=1, to="rejected", on=TODAY,
                             reason="no_capacity", by=police_om)  # fmt: skip
    client.force_login(police_om)
    day = {"on_day": TODAY.day, "on_month": TODAY.month, "on_year": TODAY.year}
    response = client.post(reverse("partner-referral", args=[referral.pk]),
                           {**day, "to": "accepted", "version": 1})  # fmt: skip
    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()


def test_bad_query_strings_do_not_crash(client, dean, police_om):
    client.force_login(police_om)
    assert (
        client.get(reverse("action-new", args=[dean.pk]), {"conference": "abc"}).status_code == 200
    )


def test_the_overdue_conference_flag_counts_as_custody_information():
    assert flag_rules()["conference_overdue"].categories == frozenset({"custody"})


def test_every_appointment_kind_has_a_category():
    from sharing.categories import APPOINTMENT_CATEGORIES

    assert set(APPOINTMENT_CATEGORIES) == set(Appointment.Kind.values)
