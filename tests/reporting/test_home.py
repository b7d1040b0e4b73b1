import pytest
from django.urls import reverse
from django.utils.html import escape

from ppo.models import Role
from reporting.models import BackgroundCheck
from tests.factories import AgencyFactory, MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

ROLE_PERSONAS = {
    Role.OFFENDER_MANAGER: ("police_om", "Your caseload"),
    Role.COORDINATOR: ("coordinator", "Your scheme"),
    Role.PANEL_MEMBER: ("panel_member", "Selection panel"),
    Role.AUTHORISER: ("authoriser", "Sharing without consent"),
    Role.STEERING_VIEWER: ("steering_viewer", "Scheme figures"),
    Role.CUSTODY_OFFICER: ("custody_officer", "Is this person a PPO?"),
    Role.ADMIN: ("service_admin", "Service set-up"),
    Role.DATA_PROTECTION: ("data_protection_officer", "Data protection"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_panel_and_no_other(client, request, role):
    fixture, heading = ROLE_PERSONAS[role]
    client.force_login(request.getfixturevalue(fixture))
    content = client.get(reverse("home")).content.decode()
    assert f'data-testid="panel-{role.value}"' in content
    assert escape(heading) in content
    for other_role in ROLE_PERSONAS:
        if other_role != role:
            assert f'data-testid="panel-{other_role.value}"' not in content


def test_a_user_without_a_role_is_told_what_to_do(client, no_role_user):
    client.force_login(no_role_user)
    content = client.get(reverse("home")).content.decode()
    assert 'data-testid="no-roles"' in content
    assert 'data-testid="panel-' not in content


def test_coordinator_sees_agencies_staff_counts_and_contact(client, coordinator, police_om):
    client.force_login(coordinator)
    content = client.get(reverse("home")).content.decode()
    assert "15 to 20 PPOs at a time" in content
    assert "Cleveland Police" in content
    assert coordinator.email in content


def test_coordinator_does_not_see_another_schemes_agencies(client, coordinator, other_scheme):
    AgencyFactory(name="West Yorkshire Police", scheme=other_scheme)
    client.force_login(coordinator)
    assert "West Yorkshire Police" not in client.get(reverse("home")).content.decode()


def test_the_coordinator_panel_links_only_the_schemes_they_coordinate(
    client, coordinator, other_scheme
):
    """Someone who coordinates one scheme and works in another is not offered pages of the
    other that only its coordinators may open."""
    MembershipFactory(
        user=coordinator, agency=AgencyFactory(scheme=other_scheme), role=Role.OFFENDER_MANAGER
    )
    client.force_login(coordinator)
    content = client.get(reverse("home")).content.decode()
    own = coordinator.memberships.get(role=Role.COORDINATOR).agency.scheme
    assert reverse("retention-due", args=[own.slug]) in content
    assert reverse("retention-due", args=[other_scheme.slug]) not in content


def test_custody_officer_sees_every_schemes_coordinator(client, custody_officer, coordinator):
    wakefield = SchemeFactory(slug="wakefield", name="Wakefield District PPO scheme")
    other = MembershipFactory(agency=AgencyFactory(scheme=wakefield), role=Role.COORDINATOR)
    client.force_login(custody_officer)
    content = client.get(reverse("home")).content.decode()
    assert coordinator.email in content
    assert other.user.email in content


def test_home_query_count_does_not_grow_with_schemes_or_agencies(
    client, custody_officer, django_assert_max_num_queries
):
    for _ in range(12):
        scheme = SchemeFactory()
        for _agency in range(3):
            MembershipFactory(agency=AgencyFactory(scheme=scheme), role=Role.COORDINATOR)
    client.force_login(custody_officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_admin_can_ask_a_worker_to_prove_the_queue_runs(
    client, service_admin, django_capture_on_commit_callbacks
):
    client.force_login(service_admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("background-check"), follow=True)
    assert response.status_code == 200
    assert "Check sent to the background worker" in response.content.decode()
    check = BackgroundCheck.objects.get()
    assert check.requested_by == service_admin
    assert check.completed_at is None
    assert len(callbacks) == 1


@pytest.mark.parametrize("persona", ["coordinator", "police_om", "no_role_user"])
def test_only_admins_may_request_a_background_check(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("background-check")).status_code == 404
    assert not BackgroundCheck.objects.exists()


def test_background_check_refuses_get_and_anonymous(client, service_admin):
    assert client.post(reverse("background-check")).status_code == 302
    client.force_login(service_admin)
    assert client.get(reverse("background-check")).status_code == 405


def test_a_superuser_without_memberships_gets_the_admin_panel(client, no_role_user):
    no_role_user.is_superuser = True
    no_role_user.save()
    client.force_login(no_role_user)
    content = client.get(reverse("home")).content.decode()
    assert 'data-testid="panel-admin"' in content


def test_offender_manager_sees_their_caseload(client, police_om, scheme):
    from datetime import date

    from ppo.models import OffenderManagerAssignment
    from ppo.services import offender_create

    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    client.force_login(police_om)
    assert "No one is on your caseload yet" in client.get(reverse("home")).content.decode()
    OffenderManagerAssignment.objects.create(
        offender=person, manager=police_om, agency=police_om.memberships.get().agency,
        start_date=date(2025, 1, 1),
    )  # fmt: skip
    content = client.get(reverse("home")).content.decode()
    assert "1 person names you as their offender manager" in content
    assert "SMITH, Dean" in content
