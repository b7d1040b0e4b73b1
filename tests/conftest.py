"""Named personas reused across the suite (see conventions: tests mirror the code).

- police_om: offender manager in the scheme's police agency
- cjit_worker: offender manager in the scheme's CJIT (a partner agency)
- housing_officer: housing agency staff (later: no grant on offenders)
- coordinator, panel_member, authoriser, steering_viewer: scheme roles
- custody_officer: prison reception, a shared agency outside any scheme
- service_admin: administrator with access to the admin pages
- no_role_user: an account with no membership, who must be refused everywhere
"""

import pytest

from ppo.models import AgencyType, Role
from tests.clients import VerifiedClient
from tests.factories import AgencyFactory, MembershipFactory, SchemeFactory, UserFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files (consent forms, exports) go to a folder per test, not
    into the developer's .local/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client():
    """Django's test client, with force_login passing the second factor (tests/clients.py)."""
    return VerifiedClient()


@pytest.fixture
def scheme(db):
    return SchemeFactory(slug="stockton", name="Stockton-on-Tees PPO scheme")


@pytest.fixture
def other_scheme(db):
    return SchemeFactory(slug="wakefield", name="Wakefield District PPO scheme")


def _persona(scheme, agency_name: str, agency_type: AgencyType, role: Role, **user_fields):
    agency = AgencyFactory(name=agency_name, type=agency_type, scheme=scheme)
    return MembershipFactory(agency=agency, role=role, user=UserFactory(**user_fields)).user


@pytest.fixture
def police_om(scheme):
    return _persona(scheme, "Cleveland Police", AgencyType.POLICE, Role.OFFENDER_MANAGER)


@pytest.fixture
def cjit_worker(scheme):
    return _persona(scheme, "Stockton CJIT", AgencyType.CJIT, Role.OFFENDER_MANAGER)


@pytest.fixture
def housing_officer(scheme):
    return _persona(scheme, "Stockton Housing", AgencyType.HOUSING, Role.OFFENDER_MANAGER)


@pytest.fixture
def coordinator(scheme):
    return _persona(scheme, "Safer Stockton", AgencyType.LOCAL_AUTHORITY, Role.COORDINATOR)


@pytest.fixture
def panel_member(scheme):
    return _persona(scheme, "Probation, Stockton", AgencyType.PROBATION, Role.PANEL_MEMBER)


@pytest.fixture
def authoriser(scheme):
    return _persona(scheme, "Cleveland Police SPOC", AgencyType.POLICE, Role.AUTHORISER)


@pytest.fixture
def steering_viewer(scheme):
    return _persona(scheme, "Stockton Council", AgencyType.LOCAL_AUTHORITY, Role.STEERING_VIEWER)


@pytest.fixture
def custody_officer(db):
    return _persona(None, "HMP Holme House", AgencyType.PRISON, Role.CUSTODY_OFFICER)


@pytest.fixture
def service_admin(db):
    return _persona(None, "Service support", AgencyType.LOCAL_AUTHORITY, Role.ADMIN, is_staff=True)


@pytest.fixture
def data_protection_officer(scheme):
    return _persona(
        scheme, "Stockton Council information governance", AgencyType.LOCAL_AUTHORITY,
        Role.DATA_PROTECTION,
    )  # fmt: skip


@pytest.fixture
def no_role_user(db):
    return UserFactory()
