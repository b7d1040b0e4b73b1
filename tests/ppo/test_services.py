import pytest
from django.core.exceptions import ValidationError

from ppo.models import AgencyType, Role, Scheme
from ppo.services import agency_create, membership_add, scheme_create, staff_create

pytestmark = pytest.mark.django_db


def test_scheme_create_is_idempotent_on_slug():
    scheme, created = scheme_create(slug="leeds", name="Leeds", capacity_min=60, capacity_max=100)
    again, created_again = scheme_create(
        slug="leeds", name="Another name", capacity_min=1, capacity_max=2
    )
    assert created
    assert not created_again
    assert again == scheme
    assert again.name == "Leeds"


def test_scheme_create_writes_nothing_for_an_invalid_band():
    with pytest.raises(ValidationError):
        scheme_create(slug="bad", name="Bad", capacity_min=30, capacity_max=10)
    assert not Scheme.objects.filter(slug="bad").exists()


def test_agency_staff_and_membership_are_idempotent(scheme):
    agency, created = agency_create(name="Police", type=AgencyType.POLICE, scheme=scheme)
    assert created
    assert agency_create(name="Police", type=AgencyType.POLICE, scheme=scheme) == (agency, False)

    user, created = staff_create(email="A@Example.gov.uk", full_name="A B", password="x" * 12)
    assert created
    assert staff_create(email="a@example.gov.uk", full_name="Z", password="y") == (user, False)
    assert user.check_password("x" * 12)

    membership, created = membership_add(user=user, agency=agency, role=Role.COORDINATOR)
    assert created
    assert membership_add(user=user, agency=agency, role=Role.COORDINATOR) == (membership, False)
