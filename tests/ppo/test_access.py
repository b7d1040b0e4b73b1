"""Agency grants: who sees which offender records (deny by default)."""

import pytest
from django.http import Http404

from ppo.models import GrantChange, Role
from ppo.selectors import can_edit_offender, offender_for, offenders_visible_to
from ppo.services import offender_access_grant, offender_access_revoke, offender_create
from tests.factories import AgencyFactory, MembershipFactory, OffenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(scheme, police_om):
    """A record created by the police offender manager: granted to their agency only."""
    return offender_create(
        scheme=scheme,
        by=police_om,
        fields={
            "local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
            "date_of_birth": "1990-04-01", "gender": "M",
        },
        aliases=["Deano"],
    )  # fmt: skip


def test_the_creating_agency_sees_the_record_and_others_do_not(
    record, police_om, cjit_worker, housing_officer, coordinator, no_role_user
):
    assert list(offenders_visible_to(user=police_om)) == [record]
    for persona in (cjit_worker, housing_officer, coordinator, no_role_user):
        assert not offenders_visible_to(user=persona).exists()
        with pytest.raises(Http404):
            offender_for(user=persona, pk=record.pk)


def test_a_grant_lets_the_agencys_staff_see_it_and_a_revoke_takes_it_away(
    record, cjit_worker, coordinator
):
    cjit = cjit_worker.memberships.get().agency
    offender_access_grant(offenders=[record], agency=cjit, by=coordinator)
    assert offender_for(user=cjit_worker, pk=record.pk) == record
    offender_access_revoke(offender=record, agency=cjit, by=coordinator)
    assert not offenders_visible_to(user=cjit_worker).exists()
    assert list(GrantChange.objects.filter(agency=cjit).values_list("granted", flat=True)) == [
        False,
        True,
    ]


def test_granting_twice_changes_nothing(record, police_om):
    agency = police_om.memberships.get().agency
    offender_access_grant(offenders=[record], agency=agency, by=police_om)
    assert GrantChange.objects.filter(agency=agency).count() == 1


def test_superusers_and_staff_without_a_reading_role_see_nothing(record, police_om, scheme):
    police = police_om.memberships.get().agency
    steering = MembershipFactory(agency=police, role=Role.STEERING_VIEWER).user
    custody = MembershipFactory(agency=police, role=Role.CUSTODY_OFFICER).user
    admin = MembershipFactory(agency=AgencyFactory(scheme=None), role=Role.ADMIN).user
    admin.is_superuser = True
    admin.save()
    for persona in (steering, custody, admin):
        assert not offenders_visible_to(user=persona).exists()


def test_leaving_the_agency_ends_access(record, police_om):
    police_om.memberships.get().delete()
    assert not offenders_visible_to(user=police_om).exists()


def test_only_offender_managers_and_coordinators_in_a_granted_agency_may_edit(
    record, police_om, scheme
):
    police = police_om.memberships.get().agency
    panel = MembershipFactory(agency=police, role=Role.PANEL_MEMBER).user
    assert can_edit_offender(user=police_om, offender=record)
    assert offenders_visible_to(user=panel).exists()
    assert not can_edit_offender(user=panel, offender=record)


def test_command_line_records_go_to_the_schemes_coordinators(scheme, coordinator, police_om):
    person = offender_create(
        scheme=scheme,
        by=None,
        fields={
            "local_id": "S-9", "first_name": "A", "last_name": "B",
            "date_of_birth": "1990-01-01", "gender": "F",
        },
        aliases=[],
    )  # fmt: skip
    assert list(offenders_visible_to(user=coordinator)) == [person]
    assert not offenders_visible_to(user=police_om).exists()


def test_offender_for_refuses_junk_ids(police_om):
    for junk in ("abc", None, 999999):
        with pytest.raises(Http404):
            offender_for(user=police_om, pk=junk)


def test_records_of_a_factory_are_invisible_until_granted(police_om):
    assert not offenders_visible_to(user=police_om).filter(pk=OffenderFactory().pk).exists()


def test_the_visibility_gate_agrees_with_guardian(
    record, police_om, cjit_worker, coordinator, no_role_user, scheme
):
    from guardian.shortcuts import get_objects_for_user

    from ppo.models import Offender

    other = OffenderFactory(scheme=scheme)
    offender_access_grant(
        offenders=[record, other], agency=cjit_worker.memberships.get().agency, by=coordinator
    )
    for persona in (police_om, cjit_worker, coordinator, no_role_user):
        expected = get_objects_for_user(
            persona, "ppo.view_offender", klass=Offender, use_groups=True,
            with_superuser=False, accept_global_perms=False,
        )  # fmt: skip
        assert set(offenders_visible_to(user=persona)) == set(expected)
