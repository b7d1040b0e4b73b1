"""factory-boy factories: synthetic people and organisations only."""

import uuid

import factory
from django.contrib.auth.models import Group

from ppo.codes import EventKind, Gender, Programme
from ppo.identifiers import name_key
from ppo.models import (
    Agency,
    AgencyType,
    Event,
    Membership,
    Offender,
    ProgrammeMembership,
    Role,
    Scheme,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Scheme {n}")
    slug = factory.Sequence(lambda n: f"scheme-{n}")
    capacity_min = 15
    capacity_max = 20


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    type = AgencyType.POLICE
    scheme = factory.SubFactory(SchemeFactory)
    group = factory.LazyFunction(lambda: Group.objects.create(name=f"agency-{uuid.uuid4().hex}"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")
    phone = factory.Faker("phone_number", locale="en_GB")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.OFFENDER_MANAGER


class OffenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offender

    scheme = factory.SubFactory(SchemeFactory)
    local_id = factory.Sequence(lambda n: f"P-{n:05d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=50)
    gender = Gender.MALE
    name_key = factory.LazyAttribute(lambda o: name_key(o.first_name, o.last_name))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    offender = factory.SubFactory(OffenderFactory)
    kind = EventKind.ARREST
    date = factory.Faker("date_between", start_date="-2y", end_date="today")


class ProgrammeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    offender = factory.SubFactory(OffenderFactory)
    programme = Programme.PPO
    start_date = factory.Faker("date_between", start_date="-2y", end_date="-1y")
