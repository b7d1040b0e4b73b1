"""Synthetic demo data: two schemes, their agencies and one persona per role.

Names come from Faker (en_GB) with a fixed seed, so every machine gets the same people and
none of them is real. Loading is idempotent: existing schemes, agencies, people and roles
are left as they are.
"""

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from ppo.demo_history import SchemeStaff, generate
from ppo.models import AgencyType, Role, User
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
    Persona("data.protection@demo.example", "stockton-csp", Role.DATA_PROTECTION),
    Persona("wakefield.coordinator@demo.example", "wakefield-csp", Role.COORDINATOR),
    Persona("wakefield.om@demo.example", "wakefield-police", Role.OFFENDER_MANAGER),
]


@transaction.atomic
def demo_data_load(*, people: bool = True) -> list[Persona]:
    """Load the demo schemes and personas and, with `people`, each scheme's people with two
    years of history (60 PPOs and 600 others) unless the scheme already has people. Returns
    the personas. Refused in production."""
    _refuse_in_production()
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
    if not people:
        return PERSONAS
    # The people are managed by the offender manager persona of each police agency (not the
    # authoriser, who works in the same agency).
    managers = {
        persona.agency: User.objects.get(email=persona.email)
        for persona in PERSONAS
        if persona.role == Role.OFFENDER_MANAGER
    }
    to_generate = []
    for slug, scheme in schemes.items():
        if scheme.offenders.exists():
            continue
        # Housing is left out on purpose: the housing officer persona has no grant.
        granted = [
            agencies[key]
            for key in (f"{slug}-police", f"{slug}-csp", f"{slug}-cjit", f"{slug}-probation")
            if key in agencies
        ]
        police = agencies[f"{slug}-police"]
        to_generate.append(
            (SchemeStaff(scheme, granted, [(managers[f"{slug}-police"], police)]), 60, 600)
        )
    if to_generate:
        generate(staff=to_generate, seed=2026)
    return PERSONAS


def _refuse_in_production() -> None:
    if not settings.DEMO_DATA_ALLOWED:
        raise DemoDataRefused("Demo data is not allowed with these settings (production?).")


NATIONAL_SCHEMES = 300
NATIONAL_PEOPLE = 150_000


@transaction.atomic
def national_demo_load(*, schemes: int = NATIONAL_SCHEMES, people: int = NATIONAL_PEOPLE) -> int:
    """National scale for benchmarks: `schemes` partnerships sharing `people` people (about
    one in ten a PPO, about 33 events each), each scheme with its police, CJIT and community
    safety agencies, a coordinator and two offender managers. Schemes that already exist are
    left alone. Returns how many schemes were built."""
    _refuse_in_production()
    rng = random.Random(300)  # noqa: S311 - reproducible synthetic data, not security
    password = make_password(DEMO_PASSWORD)
    staff = []
    for number in range(1, schemes + 1):
        slug = f"national-{number:03d}"
        scheme, created = scheme_create(
            slug=slug, name=f"National demo scheme {number:03d}", capacity_min=40,
            capacity_max=80,
        )  # fmt: skip
        if not created:
            continue
        police, _ = agency_create(
            name=f"Police {number:03d}", type=AgencyType.POLICE, scheme=scheme
        )
        cjit, _ = agency_create(name=f"CJIT {number:03d}", type=AgencyType.CJIT, scheme=scheme)
        csp, _ = agency_create(
            name=f"Community safety {number:03d}", type=AgencyType.LOCAL_AUTHORITY, scheme=scheme
        )
        managers = []
        for role, agency, count in ((Role.COORDINATOR, csp, 1), (Role.OFFENDER_MANAGER, police, 2)):
            for index in range(count):
                user = User.objects.create(
                    email=f"{role.value.replace('_', '.')}{index + 1}@{slug}.demo.example",
                    full_name=f"{role.label} {index + 1}, scheme {number:03d}",
                    password=password,
                )
                membership_add(user=user, agency=agency, role=role)
                if role == Role.OFFENDER_MANAGER:
                    managers.append((user, police))
        size = max(20, int(rng.gauss(people / schemes, people / schemes / 3)))
        staff.append(
            (SchemeStaff(scheme, [police, csp, cjit], managers), size // 10, size - size // 10)
        )
    if staff:
        generate(staff=staff, seed=300)
    return len(staff)
