"""Effective access: grant AND protocol AND (no consent needed, or consent, or disclosure),
for each persona x category x consent state."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ppo.services import offender_access_grant, offender_create
from sharing.access import record_access
from sharing.categories import Category, default_rules
from sharing.models import ConsentKind, Disclosure, Gateway
from sharing.services import consent_record, disclosure_record
from tests.factories import OffenderFactory
from tests.sharing.consent_states import STATES, expected_categories, set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(scheme, police_om, cjit_worker, housing_officer, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    for persona in (cjit_worker, housing_officer):
        offender_access_grant(
            offenders=[person], agency=persona.memberships.get().agency, by=coordinator
        )
    return person


@pytest.mark.parametrize("state", STATES)
def test_persona_by_category_by_consent_state(
    state, record, police_om, cjit_worker, housing_officer, authoriser, no_role_user
):
    personas = {"police": police_om, "cjit": cjit_worker, "housing": housing_officer}
    agencies = [persona.memberships.get().agency for persona in personas.values()]
    set_state(state, record, police_om, authoriser, agencies)
    today = timezone.localdate()
    for agency_type, persona in personas.items():
        access = record_access(user=persona, offenders=[record], on=today)[record.pk]
        assert set(access.categories) == expected_categories(agency_type, state), (
            agency_type,
            state,
        )
    assert record_access(user=no_role_user, offenders=[record], on=today)[record.pk].categories == (
        frozenset()
    )


def test_the_cjit_worker_sees_clinical_detail_only_with_consent(
    record, cjit_worker, housing_officer, police_om
):
    today = timezone.localdate()
    clinical = Category.TREATMENT_CLINICAL
    assert not record_access(user=cjit_worker, offenders=[record], on=today)[record.pk].shows(
        clinical
    )
    consent_record(
        offender=record, kind=ConsentKind.GIVEN, agency_types=["cjit", "housing"], agencies=[],
        categories=[clinical, Category.TREATMENT_ENGAGEMENT], effective_date=today,
        review_date=None, by=police_om,
    )  # fmt: skip
    cjit = record_access(user=cjit_worker, offenders=[record], on=today)[record.pk]
    housing = record_access(user=housing_officer, offenders=[record], on=today)[record.pk]
    assert cjit.shows(clinical)
    assert cjit.shows_event("drug_test")
    assert not housing.shows(clinical)
    assert housing.shows(Category.TREATMENT_ENGAGEMENT)
    assert "Treatment: clinical detail" in housing.withheld


def test_consent_to_a_named_agency_covers_only_that_agency(record, cjit_worker, police_om):
    today = timezone.localdate()
    cjit = cjit_worker.memberships.get().agency
    consent_record(
        offender=record, kind=ConsentKind.GIVEN, agency_types=[], agencies=[cjit],
        categories=[Category.HEALTH], effective_date=today, review_date=None, by=police_om,
    )  # fmt: skip
    assert record_access(user=cjit_worker, offenders=[record], on=today)[record.pk].shows(
        Category.HEALTH
    )


def test_access_for_many_records_is_two_queries(
    scheme, police_om, cjit_worker, authoriser, django_assert_num_queries
):
    """However many people, consent rows and disclosures: one query for grants and rules,
    one for consent and disclosures."""
    from sharing.services import protocol_save

    protocol_save(scheme=scheme, rules=default_rules(), by=None, note="Adopted")
    people = [OffenderFactory(scheme=scheme) for _ in range(25)]
    cjit = cjit_worker.memberships.get().agency
    for agency in (police_om.memberships.get().agency, cjit):
        offender_access_grant(offenders=people, agency=agency, by=None)
    today = timezone.localdate()
    given, disclosed = people[:10], people[10:20]
    for person in given:
        set_state("given", person, police_om, authoriser, [cjit])
    for person in disclosed:
        set_state("disclosure_active", person, police_om, authoriser, [cjit])
    with django_assert_num_queries(2):
        access = record_access(user=cjit_worker, offenders=people, on=today)
    assert [access[p.pk].shows(Category.TREATMENT_CLINICAL) for p in people] == (
        [True] * 20 + [False] * 5
    )


def test_disclosures_need_an_authoriser_a_gateway_a_reason_and_a_future_end(
    record, police_om, authoriser, cjit_worker
):
    cjit = cjit_worker.memberships.get().agency
    with pytest.raises(ValidationError) as refused:
        disclosure_record(
            offender=record, agency=cjit, categories=[], gateway="", reason=" ",
            expires_on=timezone.localdate(), by=police_om,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {
        "__all__", "categories", "gateway", "reason", "expires_on",
    }  # fmt: skip
    assert not Disclosure.objects.exists()


def test_a_protocol_that_shares_nothing_is_not_the_default(record, police_om, coordinator):
    from sharing.services import protocol_save

    protocol_save(scheme=record.scheme, rules={}, by=coordinator, note="Paused")
    access = record_access(user=police_om, offenders=[record], on=timezone.localdate())
    assert access[record.pk].categories == frozenset()


def test_withdrawing_from_one_named_agency_after_consent_to_its_type(
    record, police_om, cjit_worker
):
    today = timezone.localdate()
    cjit = cjit_worker.memberships.get().agency
    consent_record(
        offender=record, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=[Category.HEALTH], effective_date=today - timedelta(days=2),
        review_date=None, by=police_om,
    )  # fmt: skip
    consent_record(
        offender=record, kind=ConsentKind.WITHDRAWN, agency_types=[], agencies=[cjit],
        categories=[Category.HEALTH], effective_date=today, review_date=None, by=police_om,
    )  # fmt: skip
    access = record_access(user=cjit_worker, offenders=[record], on=today)[record.pk]
    assert not access.shows(Category.HEALTH)


def test_a_withdrawal_dated_before_the_consent_is_refused(record, police_om):
    today = timezone.localdate()
    consent_record(
        offender=record, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=[Category.HEALTH], effective_date=today, review_date=None, by=police_om,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="not given for this by that date"):
        consent_record(
            offender=record, kind=ConsentKind.WITHDRAWN, agency_types=["cjit"], agencies=[],
            categories=[Category.HEALTH], effective_date=today - timedelta(days=5),
            review_date=None, by=police_om,
        )  # fmt: skip


def test_no_disclosure_where_consent_already_covers_it(record, police_om, authoriser, cjit_worker):
    today = timezone.localdate()
    consent_record(
        offender=record, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=[Category.HEALTH], effective_date=today, review_date=None, by=police_om,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="already covers"):
        disclosure_record(
            offender=record, agency=cjit_worker.memberships.get().agency,
            categories=[Category.HEALTH], gateway=Gateway.CDA_S115, reason="Needed",
            expires_on=today + timedelta(days=3), by=authoriser,
        )  # fmt: skip
