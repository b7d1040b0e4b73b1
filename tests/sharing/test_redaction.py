"""Withheld information is shown as withheld on the offender page, and never leaks."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ppo.codes import EventKind
from ppo.services import event_record, offender_access_grant, offender_create
from sharing.categories import Category
from sharing.models import ConsentKind
from sharing.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(scheme, police_om, cjit_worker, housing_officer, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M", "postcode": "TS18 1AB"},
        aliases=[],
    )  # fmt: skip
    for persona in (cjit_worker, housing_officer):
        offender_access_grant(
            offenders=[person], agency=persona.memberships.get().agency, by=coordinator
        )
    event_record(
        offender=person, by=police_om, kind=EventKind.DRUG_TEST, date=date(2026, 1, 5),
        reference="", values={"result": "positive", "substance": "opiates"},
    )  # fmt: skip
    event_record(
        offender=person, by=police_om, kind=EventKind.ARREST, date=date(2026, 1, 4),
        reference="", values={"offence_category": "theft_shop"},
    )  # fmt: skip
    return person


def page(client, user, record):
    client.force_login(user)
    return client.get(reverse("offender-detail", args=[record.pk])).content.decode()


def test_without_consent_clinical_detail_and_the_postcode_are_withheld(
    client, record, cjit_worker, housing_officer, police_om
):
    for persona in (cjit_worker, housing_officer, police_om):
        content = page(client, persona, record)
        assert "Opiates" not in content
        assert "TS18 1AB" not in content
        assert "Withheld - not shared with your agency" in content
    # Police see offending without consent (s115); housing does not.
    assert "Shoplifting" in page(client, police_om, record)
    assert "Shoplifting" not in page(client, housing_officer, record)


def test_consent_shows_clinical_detail_to_the_cjit_worker_only_and_withdrawal_hides_it(
    client, record, cjit_worker, housing_officer, police_om
):
    today = timezone.localdate()
    consent_record(
        offender=record, kind=ConsentKind.GIVEN, agency_types=["cjit", "housing"], agencies=[],
        categories=[Category.TREATMENT_CLINICAL, Category.ACCOMMODATION], effective_date=today,
        review_date=None, by=police_om,
    )  # fmt: skip
    assert "Opiates" in page(client, cjit_worker, record)
    housing = page(client, housing_officer, record)
    assert "Opiates" not in housing
    assert "TS18 1AB" in housing
    consent_record(
        offender=record, kind=ConsentKind.WITHDRAWN, agency_types=["cjit"], agencies=[],
        categories=[Category.TREATMENT_CLINICAL], effective_date=today, review_date=None,
        by=police_om,
    )  # fmt: skip
    assert "Opiates" not in page(client, cjit_worker, record)


def test_the_api_withholds_the_same_fields_and_events(record, housing_officer, police_om):
    from tests.clients import VerifiedAPIClient

    api = VerifiedAPIClient()
    api.force_authenticate(housing_officer)
    person = api.get(f"/api/v1/offenders/{record.pk}/").json()
    assert person["first_name"] == "Dean"
    assert person["postcode"] is None
    assert person["status"] is None
    assert "Treatment: clinical detail" in person["withheld"]
    listed = api.get("/api/v1/offenders/").json()["results"][0]
    assert listed["postcode"] is None
    events = api.get(f"/api/v1/offenders/{record.pk}/events/").json()
    assert events["count"] == 0
    api.force_authenticate(police_om)
    kinds = [e["kind"] for e in api.get(f"/api/v1/offenders/{record.pk}/events/").json()["results"]]
    assert kinds == ["arrest"]


def test_details_partly_withheld_cannot_be_changed(client, record, police_om):
    """An edit form or PATCH would show, or could overwrite, the withheld postcode."""
    from tests.clients import VerifiedAPIClient

    api = VerifiedAPIClient()
    api.force_authenticate(police_om)
    response = api.patch(
        f"/api/v1/offenders/{record.pk}/", {"area": "North", "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert "TS18 1AB" not in response.content.decode()
    client.force_login(police_om)
    assert client.get(reverse("offender-edit", args=[record.pk])).status_code == 404
    assert "Change details" not in page(client, police_om, record)


def test_filters_and_search_never_find_by_withheld_information(record, housing_officer):
    from tests.clients import VerifiedAPIClient

    api = VerifiedAPIClient()
    api.force_authenticate(housing_officer)
    # Housing is not shown the status, so filtering by it must not find the person.
    assert api.get("/api/v1/offenders/", {"status": "in_court_process"}).json()["count"] == 0
    assert api.get("/api/v1/offenders/", {"status": "community_non_statutory"}).json()["count"] == 0


def test_event_kinds_the_agency_cannot_see_cannot_be_recorded(client, record, police_om):
    client.force_login(police_om)
    url = reverse("event-create", args=[record.pk])
    assert "Drug test" not in client.get(url).content.decode()
    response = client.get(url, {"kind": "drug_test"})
    assert "Select what happened" in response.content.decode()


def test_the_register_list_withholds_status_from_agencies_without_consent(
    client, record, housing_officer, police_om
):
    client.force_login(housing_officer)
    housing = client.get(reverse("offender-list")).content.decode()
    assert "SMITH, Dean" in housing
    assert "Withheld - not shared with your agency" in housing
    client.force_login(police_om)
    assert (
        "Withheld - not shared with your agency"
        not in client.get(reverse("offender-list")).content.decode()
    )


def test_why_someone_left_a_programme_is_withheld_with_their_status(
    client, record, housing_officer
):
    from tests.clients import VerifiedAPIClient
    from tests.factories import ProgrammeMembershipFactory

    ProgrammeMembershipFactory(
        offender=record, start_date=date(2024, 1, 1), end_date=date(2025, 1, 1),
        exit_reason="high_risk_mappa", exit_destination="none",
    )  # fmt: skip
    assert "MAPPA" not in page(client, housing_officer, record)
    api = VerifiedAPIClient()
    api.force_authenticate(housing_officer)
    rows = api.get(f"/api/v1/offenders/{record.pk}/memberships/").json()
    assert rows[0]["exit_reason"] is None
