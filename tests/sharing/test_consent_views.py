from datetime import date

import pytest
from django.urls import reverse

from ppo.services import offender_access_grant, offender_create
from sharing.models import ConsentEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def dean(scheme, police_om):
    return offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip


def test_offender_manager_records_consent(client, dean, police_om, cjit_worker):
    client.force_login(police_om)
    url = reverse("offender-consent", args=[dean.pk])
    response = client.post(
        url,
        {
            "kind": "given", "categories": ["treatment_clinical", "offending"],
            "agency_types": ["cjit"], "agencies": [cjit_worker.memberships.get().agency.pk],
            "effective_date_day": "5", "effective_date_month": "1", "effective_date_year": "2026",
        },
    )  # fmt: skip
    assert response.status_code == 302
    entry = ConsentEntry.objects.get()
    assert entry.agency_types == ["cjit"]
    content = client.get(url).content.decode()
    assert "Treatment: clinical detail" in content
    assert "Stockton CJIT" in content


def test_every_problem_is_listed_and_nothing_written(client, dean, police_om):
    client.force_login(police_om)
    response = client.post(
        reverse("offender-consent", args=[dean.pk]),
        {"kind": "withdrawn", "categories": ["finance"], "agency_types": ["housing"],
         "effective_date_day": "5", "effective_date_month": "1", "effective_date_year": "2026"},
    )  # fmt: skip
    assert "it was not given for this by that date" in response.content.decode()
    response = client.post(reverse("offender-consent", args=[dean.pk]), {})
    content = response.content.decode()
    for message in (
        "Select what the person decided",
        "Select the information the consent covers",
        "Enter the date of the decision",
    ):
        assert message in content
    assert not ConsentEntry.objects.exists()


def test_people_without_a_grant_get_404(client, dean, cjit_worker, housing_officer):
    for persona in (cjit_worker, housing_officer):
        client.force_login(persona)
        assert client.get(reverse("offender-consent", args=[dean.pk])).status_code == 404


def test_read_only_roles_see_the_ledger_but_cannot_record(client, dean, panel_member, coordinator):
    offender_access_grant(
        offenders=[dean], agency=panel_member.memberships.get().agency, by=coordinator
    )
    client.force_login(panel_member)
    url = reverse("offender-consent", args=[dean.pk])
    assert "Record a decision" not in client.get(url).content.decode()
    assert client.post(url, {"kind": "given"}).status_code == 404
