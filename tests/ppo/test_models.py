import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ppo.models import Agency, AgencyType, Role, Scheme, User
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_scheme_capacity_band_must_not_be_inverted():
    scheme = Scheme(name="Inverted", slug="inverted", capacity_min=20, capacity_max=15)
    with pytest.raises(ValidationError, match="lowest capacity cannot be above the highest"):
        scheme.full_clean()
    with pytest.raises(IntegrityError):
        scheme.save()


def test_agency_names_are_unique_within_a_scheme_and_among_shared_agencies(scheme):
    AgencyFactory(name="Probation", scheme=scheme)
    AgencyFactory(name="Probation", scheme=None)
    with pytest.raises(IntegrityError):
        Agency.objects.create(name="Probation", type=AgencyType.PROBATION, scheme=None)


def test_agency_is_shared_when_it_has_no_scheme(scheme):
    assert AgencyFactory(scheme=None).is_shared
    assert not AgencyFactory(scheme=scheme).is_shared


def test_email_is_stored_in_lower_case_and_sign_in_ignores_case():
    user = User.objects.create_user("Jane.Smith@Example.GOV.UK", "pw-long-enough", full_name="J S")
    assert user.email == "jane.smith@example.gov.uk"
    assert User.objects.get_by_natural_key(" JANE.smith@example.gov.uk ") == user


def test_database_refuses_an_upper_case_email():
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="Upper@Example.gov.uk", full_name="U")])


def test_a_person_holds_each_role_in_an_agency_once():
    membership = MembershipFactory(role=Role.COORDINATOR)
    with pytest.raises(IntegrityError):
        MembershipFactory(user=membership.user, agency=membership.agency, role=Role.COORDINATOR)


def test_a_person_may_hold_several_roles():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COORDINATOR)
    MembershipFactory(user=user, role=Role.PANEL_MEMBER)
    assert user.memberships.count() == 2
