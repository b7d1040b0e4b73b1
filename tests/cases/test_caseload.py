"""Caseloads: who may see them, what each column shows, sorting and filtering, redaction of
overdue actions by pathway, and the budget of 15 queries for 100 PPOs."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import action_create, appointment_outcome, appointment_plan
from ppo.services import offender_access_grant, offender_create, offender_manager_assign
from tests.factories import MembershipFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _ppo(scheme, om, number, **fields):
    person = offender_create(
        scheme=scheme, by=om,
        fields={"local_id": f"S-{number}", "first_name": "Pat", "last_name": f"Person{number:03d}",
                "date_of_birth": date(1990, 1, 1), "gender": "M", **fields},
        aliases=[],
    )  # fmt: skip
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    offender_manager_assign(offender=person, manager=om, agency=om.memberships.get().agency,
                            by=om, on=date(2025, 1, 6))  # fmt: skip
    return person


def test_caseloads_refuse_those_without_the_role_or_scheme(
    client, scheme, police_om, coordinator, steering_viewer, custody_officer, no_role_user,
    other_scheme,
):  # fmt: skip
    outsider = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    for persona in (steering_viewer, custody_officer, no_role_user, coordinator):
        client.force_login(persona)
        assert client.get(reverse("my-caseload")).status_code == 404
    team = reverse("team-caseload", args=[scheme.slug])
    for persona in (police_om, steering_viewer, outsider, no_role_user):
        client.force_login(persona)
        assert client.get(team).status_code == 404
    client.force_login(coordinator)
    assert client.get(team).status_code == 200


def test_the_caseload_columns_sorting_and_filters(client, scheme, police_om, coordinator):
    first, second = _ppo(scheme, police_om, 1), _ppo(scheme, police_om, 2)
    agency = police_om.memberships.get().agency
    action_create(offender=first, conference=None, pathway="attitudes", description="Course",
                  lead_agency=agency, lead_officer="PC Lee", due_date=TODAY - timedelta(days=1),
                  by=police_om)  # fmt: skip
    action_create(offender=first, conference=None, pathway="finance", description="Debt advice",
                  lead_agency=agency, lead_officer="PC Lee", due_date=TODAY - timedelta(days=1),
                  by=police_om)  # fmt: skip
    met = appointment_plan(
        offender=second,
        agency=agency,
        kind="supervision",
        by=police_om,
        at=timezone.make_aware(datetime.combine(TODAY - timedelta(2), time(9))),
    )
    appointment_outcome(appointment=met, outcome="attended", note="", by=police_om)
    booked_at = timezone.make_aware(datetime.combine(TODAY + timedelta(3), time(9)))
    appointment_plan(offender=second, agency=agency, kind="supervision", at=booked_at, by=police_om)
    client.force_login(police_om)
    rows = client.get(reverse("my-caseload")).context["rows"]
    assert [row.person.local_id for row in rows] == ["S-1", "S-2"]
    by_id = {row.person.local_id: row for row in rows}
    # Finance needs consent for the police: only the attitudes action is counted.
    assert (by_id["S-1"].overdue, by_id["S-2"].overdue) == (1, 0)
    assert by_id["S-2"].next_appointment == booked_at
    assert by_id["S-2"].last_contact.date() == TODAY - timedelta(days=2)
    rows = client.get(reverse("my-caseload"), {"sort": "overdue"}).context["rows"]
    assert rows[0].person.local_id == "S-1"
    rows = client.get(reverse("my-caseload"), {"sort": "name", "dir": "desc"}).context["rows"]
    assert [row.person.local_id for row in rows] == ["S-2", "S-1"]
    rows = client.get(reverse("my-caseload"), {"overdue": "1"}).context["rows"]
    assert [row.person.local_id for row in rows] == ["S-1"]
    page = client.get(reverse("my-caseload"), {"sort": "flags"}).content.decode()
    assert 'aria-sort="ascending"' in page


def test_a_caseload_of_100_ppos_costs_at_most_15_queries(
    client, scheme, police_om, django_assert_max_num_queries
):
    agency = police_om.memberships.get().agency
    for number in range(100):
        person = _ppo(scheme, police_om, number)
        if number % 3 == 0:
            action_create(offender=person, conference=None, pathway="attitudes",
                          description="Course", lead_agency=agency, lead_officer="PC Lee",
                          due_date=TODAY - timedelta(days=1), by=police_om)  # fmt: skip
    client.force_login(police_om)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("my-caseload"))
    assert len(response.context["rows"]) == 100


def test_the_team_caseload_lists_the_schemes_ppos_by_manager(
    client, scheme, police_om, cjit_worker, coordinator
):
    mine = _ppo(scheme, police_om, 1)
    theirs = _ppo(scheme, cjit_worker, 2)
    for person in (mine, theirs):
        offender_access_grant(offenders=[person], agency=coordinator.memberships.get().agency,
                              by=None)  # fmt: skip
    client.force_login(coordinator)
    team = reverse("team-caseload", args=[scheme.slug])
    assert len(client.get(team).context["rows"]) == 2
    rows = client.get(team, {"manager": cjit_worker.pk}).context["rows"]
    assert [row.person.local_id for row in rows] == ["S-2"]


def test_the_team_caseload_offers_only_its_own_schemes_managers(
    client, scheme, other_scheme, police_om, coordinator
):
    """A coordinator of two schemes filtering one scheme's caseload is not offered the other
    scheme's offender managers."""
    agency = coordinator.memberships.get().agency
    MembershipFactory(user=coordinator, agency__scheme=other_scheme, role="coordinator")
    wakefield_om = MembershipFactory(agency__scheme=other_scheme, role="offender_manager").user
    for person in (_ppo(scheme, police_om, 1), _ppo(other_scheme, wakefield_om, 2)):
        offender_access_grant(offenders=[person], agency=agency, by=None)
    client.force_login(coordinator)
    offered = client.get(reverse("team-caseload", args=[scheme.slug])).context["managers"]
    assert offered == [police_om]


def test_coordinators_set_the_conference_interval_from_3_to_6_months(
    client, scheme, coordinator, police_om
):
    from cases.selectors import case_settings_for

    url = reverse("case-settings", args=[scheme.slug])
    client.force_login(police_om)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    response = client.post(url, {"conference_months": 7, "contacts_per_week": 4})
    assert "from 3 to 6" in response.content.decode()
    assert client.post(url, {"conference_months": 6, "contacts_per_week": 3}).status_code == 302
    scheme.refresh_from_db()
    assert (case_settings_for(scheme).conference_months,
            case_settings_for(scheme).contacts_per_week) == (6, 3)  # fmt: skip
