"""Case pages: the plan, conferences and actions, with the personas who must be refused,
redaction of needs and pathways, and the plan PDF read back."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Action, Conference
from cases.services import action_create, conference_record, conference_schedule
from ppo.codes import Need
from ppo.services import offender_access_grant, offender_create
from sharing.models import ConsentKind
from sharing.services import consent_record
from tests.factories import ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def dean(scheme, police_om, housing_officer, panel_member):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    for persona in (housing_officer, panel_member):
        offender_access_grant(offenders=[person], agency=persona.memberships.get().agency, by=None)
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    return person


@pytest.fixture
def conference(dean, police_om):
    conference = conference_schedule(offender=dean, kind="conference", scheduled_for=TODAY,
                                     by=police_om)  # fmt: skip
    return conference_record(
        conference=conference, version=1, held_on=TODAY,
        attendees=[(police_om.memberships.get().agency, "PC Lee")], offender_attended=True,
        offender_comments="", minutes="Plan agreed",
        needs={**dict.fromkeys(Need.values, ("some", "")), "drugs": ("significant", "Heroin")},
        by=police_om,
    )  # fmt: skip


@pytest.fixture
def actions(dean, conference, police_om, housing_officer):
    housing = housing_officer.memberships.get().agency
    police = police_om.memberships.get().agency
    made = {}
    for pathway, text, agency, officer in [
        ("accommodation", "Find supported housing", housing, "Jo Black"),
        ("drugs", "Attend the DRR every week", police, "PC Lee"),
        ("attitudes", "Thinking skills programme", police, "PC Lee"),
    ]:
        made[pathway] = action_create(
            offender=dean, conference=conference, pathway=pathway, description=text,
            lead_agency=agency, lead_officer=officer, due_date=TODAY + timedelta(days=30),
            by=police_om,
        )  # fmt: skip
    return made


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _urls(dean, conference, actions):
    return [
        reverse("case-plan", args=[dean.pk]),
        reverse("plan-pdf", args=[dean.pk]),
        reverse("conference-new", args=[dean.pk]),
        reverse("action-new", args=[dean.pk]),
        reverse("conference-detail", args=[conference.pk]),
        reverse("action-edit", args=[actions["accommodation"].pk]),
    ]


def test_people_without_a_grant_are_refused_everywhere(
    client, dean, conference, actions, cjit_worker, steering_viewer, custody_officer, no_role_user
):
    urls = _urls(dean, conference, actions)
    for persona in (cjit_worker, steering_viewer, custody_officer, no_role_user):
        client.force_login(persona)
        assert [client.get(url).status_code for url in urls] == [404] * len(urls), persona
        assert client.post(urls[2], {}).status_code == 404


def test_readers_who_do_not_run_the_plan_cannot_change_it(
    client, dean, conference, actions, panel_member
):
    urls = _urls(dean, conference, actions)
    client.force_login(panel_member)
    assert client.get(urls[0]).status_code == 200
    assert [client.get(url).status_code for url in (urls[2], urls[3], urls[5])] == [404] * 3
    assert client.post(urls[4], {"version": 2}).status_code == 404


def test_the_plan_shows_each_reader_only_what_they_may_see(
    client, dean, conference, actions, police_om, housing_officer
):
    police = get(client, police_om, reverse("case-plan", args=[dean.pk])).content.decode()
    assert "Thinking skills programme" in police  # risk: shared between police (s115)
    assert "Find supported housing" not in police  # accommodation needs consent
    assert "Heroin" not in police  # drug misuse as a need is clinical
    housing = get(client, housing_officer, reverse("case-plan", args=[dean.pk])).content.decode()
    assert "Find supported housing" not in housing
    consent_record(
        offender=dean, kind=ConsentKind.GIVEN, agency_types=["housing", "police"], agencies=[],
        categories=["accommodation"], effective_date=TODAY, review_date=None, by=police_om,
    )  # fmt: skip
    housing = get(client, housing_officer, reverse("case-plan", args=[dean.pk])).content.decode()
    assert "Find supported housing" in housing
    assert "Attend the DRR every week" not in housing
    assert "Actions on some pathways are withheld" in housing


def test_the_plan_pdf_is_redacted_like_the_page(client, dean, conference, actions, police_om):
    response = get(client, police_om, reverse("plan-pdf", args=[dean.pk]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "PPO plan: Dean Smith" in text
    assert "Thinking skills programme" in text
    assert "PC Lee" in text
    assert "Find supported housing" not in text
    assert "Heroin" not in text


def test_booking_and_recording_a_conference(client, dean, police_om):
    client.force_login(police_om)
    response = client.post(reverse("conference-new", args=[dean.pk]), {
        "kind": "conference", "scheduled_for_day": TODAY.day,
        "scheduled_for_month": TODAY.month, "scheduled_for_year": TODAY.year,
    })  # fmt: skip
    conference = Conference.objects.get()
    assert response.url == reverse("conference-detail", args=[conference.pk])
    url = reverse("conference-detail", args=[conference.pk])
    day = {"held_on_day": TODAY.day, "held_on_month": TODAY.month, "held_on_year": TODAY.year}
    response = client.post(url, {**day, "version": 1})
    content = response.content.decode()
    assert "Add at least one attendee and their agency" in content
    assert "Assess every need at a case conference" in content
    agency = police_om.memberships.get().agency
    # The police assess the needs they are shown without consent: lifestyle and associates
    # (offending), thinking and behaviour, attitudes (risk). The rest wait for consent or
    # for an agency shown them.
    shown = response.context["form"].need_codes
    assert shown == ["lifestyle", "thinking", "attitudes"]
    needs = {f"need_{n}": "none" for n in shown}
    response = client.post(url, {**day, **needs, "version": 1, "attendee_0_name": "PC Lee",
                                 "attendee_0_agency": agency.pk, "offender_attended": "yes",
                                 "minutes": "All well"})  # fmt: skip
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.held_on, conference.offender_attended, conference.needs.count()) == (
        TODAY, True, 3,
    )  # fmt: skip


def test_the_lead_agency_updates_its_action_and_a_stale_save_is_told(
    client, dean, actions, police_om, housing_officer
):
    consent_record(
        offender=dean, kind=ConsentKind.GIVEN, agency_types=["housing"], agencies=[],
        categories=["accommodation"], effective_date=TODAY, review_date=None, by=police_om,
    )  # fmt: skip
    action = actions["accommodation"]
    url = reverse("action-edit", args=[action.pk])
    fields = {
        "status": "in_progress",
        "outcome": "",
        "lead_agency": action.lead_agency_id,
        "lead_officer": "Jo Black",
        "due_date_day": action.due_date.day,
        "due_date_month": action.due_date.month,
        "due_date_year": action.due_date.year,
    }
    client.force_login(housing_officer)
    assert client.post(url, {**fields, "version": 1}).status_code == 302
    client.force_login(police_om)
    consent_record(
        offender=dean, kind=ConsentKind.GIVEN, agency_types=["police"], agencies=[],
        categories=["accommodation"], effective_date=TODAY, review_date=None, by=police_om,
    )  # fmt: skip
    response = client.post(url, {**fields, "status": "done", "outcome": "Housed", "version": 1})
    content = response.content.decode()
    assert "Someone else changed this since you opened it" in content
    assert response.context["form"]["version"].value() == 2
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert (
        client.post(
            url, {**fields, "status": "done", "outcome": "Housed", "version": 2}
        ).status_code
        == 302
    )
    assert Action.objects.get(pk=action.pk).status == "done"


def _consent_all(dean, by):
    from ppo.models import AgencyType
    from sharing.categories import Category

    consent_record(
        offender=dean, kind=ConsentKind.GIVEN, agency_types=list(AgencyType.values), agencies=[],
        categories=list(Category.values), effective_date=TODAY, review_date=None, by=by,
    )  # fmt: skip


def test_partner_referrals_appointments_enforcement_and_exit_plan_pages(
    client, dean, police_om, housing_officer, cjit_worker
):
    from cases.models import Appointment, EnforcementFlag, ExitPlan, PartnerReferral

    _consent_all(dean, police_om)
    client.force_login(police_om)
    housing = housing_officer.memberships.get().agency
    response = client.post(reverse("partner-referral-new", args=[dean.pk]), {
        "pathway": "accommodation", "service": "Nacro supported housing", "agency": housing.pk,
        "sent_on_day": TODAY.day, "sent_on_month": TODAY.month, "sent_on_year": TODAY.year,
    })  # fmt: skip
    assert response.status_code == 302
    referral = PartnerReferral.objects.get()
    # The partner (housing) accepts it from its own login.
    step = reverse("partner-referral", args=[referral.pk])
    client.force_login(housing_officer)
    day = {"on_day": TODAY.day, "on_month": TODAY.month, "on_year": TODAY.year}
    response = client.post(step, {**day, "to": "started", "version": 1})
    assert "Select a valid choice" in response.content.decode()  # out of order
    assert client.post(step, {**day, "to": "accepted", "version": 1}).status_code == 302
    assert PartnerReferral.objects.get().state == "accepted"
    client.force_login(cjit_worker)  # no grant on the record
    assert client.get(step).status_code == 404

    client.force_login(police_om)
    yesterday = TODAY - timedelta(days=1)
    police = police_om.memberships.get().agency
    for days_ago in (10, 1):
        when = TODAY - timedelta(days=days_ago)
        client.post(reverse("appointment-new", args=[dean.pk]), {
            "kind": "supervision", "agency": police.pk, "day_day": when.day,
            "day_month": when.month, "day_year": when.year, "time": "10:00",
        })  # fmt: skip
    assert Appointment.objects.count() == 2
    for appointment in Appointment.objects.order_by("at"):
        response = client.post(reverse("appointment", args=[appointment.pk]),
                               {"outcome": "failed"}, follow=True)  # fmt: skip
    assert "consider breach or recall" in response.content.decode()
    flag = EnforcementFlag.objects.get()
    plan = client.get(reverse("case-plan", args=[dean.pk])).content.decode()
    assert "Two appointments missed within 28 days" in plan
    response = client.post(reverse("enforcement", args=[flag.pk]), {"follow_up": " "})
    assert "This field is required" in response.content.decode()
    client.post(reverse("enforcement", args=[flag.pk]), {"follow_up": "Warning letter sent"})
    assert EnforcementFlag.objects.get().followed_up_on == TODAY
    assert yesterday < TODAY

    response = client.post(reverse("exit-plan", args=[dean.pk]), {
        "removal_criteria": "Six months without arrest, and a tenancy kept",
        "continuing_support": "Monthly IOM contact", "destination": "iom",
    })  # fmt: skip
    assert response.status_code == 302
    assert ExitPlan.objects.get().destination == "iom"
    plan = client.get(reverse("case-plan", args=[dean.pk])).content.decode()
    assert "Six months without arrest, and a tenancy kept" in plan


def test_the_case_pages_refuse_people_without_a_grant(client, dean, police_om, cjit_worker):
    from cases.services import appointment_plan, partner_referral_send

    _consent_all(dean, police_om)
    referral = partner_referral_send(offender=dean, pathway="ete", service="College",
                                     agency=None, sent_on=TODAY, by=police_om)  # fmt: skip
    appointment = appointment_plan(offender=dean, agency=police_om.memberships.get().agency,
                                   kind="supervision", at=timezone.now(), by=police_om)  # fmt: skip
    from cases.models import EnforcementFlag

    flag = EnforcementFlag.objects.create(
        offender=dean, first_absence=appointment, second_absence=appointment, raised_on=TODAY
    )
    client.force_login(cjit_worker)
    for url in (reverse("enforcement", args=[flag.pk]),
                reverse("partner-referral-new", args=[dean.pk]),
                reverse("partner-referral", args=[referral.pk]),
                reverse("appointment-new", args=[dean.pk]),
                reverse("appointment", args=[appointment.pk]),
                reverse("exit-plan", args=[dean.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_the_induction_letter_carries_the_agreed_exit_plan(client, dean, police_om, coordinator):
    from cases.services import exit_plan_save
    from selection.services import decision_record, panel_meeting_create

    _consent_all(dean, police_om)
    exit_plan_save(offender=dean, version=None, removal_criteria="Stay out of town centre shops",
                   continuing_support="", destination="", agreed_with_offender_on=TODAY,
                   by=police_om)  # fmt: skip
    meeting = panel_meeting_create(
        scheme=dean.scheme,
        held_on=TODAY,
        chair="",
        by=coordinator,
        attendees=[(police_om.memberships.get().agency, "PC Lee")],
    )
    from ppo.models import ProgrammeMembership

    ProgrammeMembership.objects.filter(offender=dean).delete()  # a candidate, then selected
    decision_record(meeting=meeting, offender=dean, kind="select", rationale="Agreed",
                    by=coordinator, strand="catch_convict")  # fmt: skip
    response = get(client, police_om, reverse("letter", args=[dean.pk, "induction"]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "What you agreed with your offender manager: Stay out of town centre shops" in text
