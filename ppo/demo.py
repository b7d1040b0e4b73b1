"""Synthetic demo data: two schemes, their agencies and one persona per role.

Names come from Faker (en_GB) with a fixed seed, so every machine gets the same people and
none of them is real. Loading is idempotent: existing schemes, agencies, people and roles
are left as they are.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from faker import Faker

from ppo.models import AgencyType, Role
from ppo.services import agency_create, membership_add, scheme_create, staff_create

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published in the README on purpose


class DemoDataRefused(Exception):
    pass


@dataclass(frozen=True)
class Persona:
    email: str
    agency: str  # a key of AGENCIES
    role: Role
    is_admin: bool = False


SCHEMES = [
    ("stockton", "Stockton-on-Tees PPO scheme", 15, 20),
    ("wakefield", "Wakefield District PPO scheme", 40, 60),
]

# key: (scheme slug, or None for an agency shared across schemes; name; type)
AGENCIES = {
    "stockton-police": ("stockton", "Cleveland Police, Stockton", AgencyType.POLICE),
    "stockton-cjit": ("stockton", "Stockton CJIT", AgencyType.CJIT),
    "stockton-csp": ("stockton", "Safer Stockton Partnership", AgencyType.LOCAL_AUTHORITY),
    "stockton-probation": ("stockton", "Probation, Stockton", AgencyType.PROBATION),
    "stockton-housing": ("stockton", "Stockton Housing Options", AgencyType.HOUSING),
    "prison": (None, "HMP Holme House reception", AgencyType.PRISON),
    "support": (None, "PPO service support", AgencyType.LOCAL_AUTHORITY),
    "wakefield-csp": ("wakefield", "Wakefield Community Safety", AgencyType.LOCAL_AUTHORITY),
    "wakefield-police": ("wakefield", "West Yorkshire Police, Wakefield", AgencyType.POLICE),
}  # fmt: skip

PERSONAS = [
    Persona("police.om@demo.example", "stockton-police", Role.OFFENDER_MANAGER),
    Persona("cjit.worker@demo.example", "stockton-cjit", Role.OFFENDER_MANAGER),
    Persona("housing.officer@demo.example", "stockton-housing", Role.OFFENDER_MANAGER),
    Persona("coordinator@demo.example", "stockton-csp", Role.COORDINATOR),
    Persona("panel.member@demo.example", "stockton-probation", Role.PANEL_MEMBER),
    Persona("authoriser@demo.example", "stockton-police", Role.AUTHORISER),
    Persona("steering@demo.example", "stockton-csp", Role.STEERING_VIEWER),
    Persona("custody.officer@demo.example", "prison", Role.CUSTODY_OFFICER),
    Persona("admin@demo.example", "support", Role.ADMIN, is_admin=True),
    Persona("wakefield.coordinator@demo.example", "wakefield-csp", Role.COORDINATOR),
    Persona("wakefield.om@demo.example", "wakefield-police", Role.OFFENDER_MANAGER),
]


@transaction.atomic
def demo_data_load() -> list[Persona]:
    """Load the demo schemes and personas; returns the personas. Refused in production."""
    if not settings.DEMO_DATA_ALLOWED:
        raise DemoDataRefused("Demo data is not allowed with these settings (production?).")
    schemes = {
        slug: scheme_create(slug=slug, name=name, capacity_min=low, capacity_max=high)[0]
        for slug, name, low, high in SCHEMES
    }
    agencies = {
        key: agency_create(name=name, type=type_, scheme=schemes[slug] if slug else None)[0]
        for key, (slug, name, type_) in AGENCIES.items()
    }
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    for persona in PERSONAS:
        # Draw a name for every persona, created or not, so names never shift between runs.
        name = fake.name()
        user, _ = staff_create(
            email=persona.email,
            full_name=name,
            password=DEMO_PASSWORD,
            phone=fake.phone_number(),
            is_staff=persona.is_admin,
            is_superuser=persona.is_admin,
        )
        membership_add(user=user, agency=agencies[persona.agency], role=persona.role)
    return PERSONAS
