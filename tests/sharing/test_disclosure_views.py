from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ppo.services import offender_access_grant, offender_create
from sharing.models import Disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def dean(scheme, police_om, authoriser, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    offender_access_grant(
        offenders=[person], agency=authoriser.memberships.get().agency, by=coordinator
    )
    return person


def test_an_authoriser_records_a_disclosure(client, dean, authoriser, cjit_worker):
    client.force_login(authoriser)
    url = reverse("offender-disclosures", args=[dean.pk])
    ends = timezone.localdate() + timedelta(days=14)
    response = client.post(
        url,
        {"agency": cjit_worker.memberships.get().agency.pk, "categories": ["health"],
         "gateway": "cda_1998_s115", "reason": "Risk to staff at the hostel",
         "expires_on_day": ends.day, "expires_on_month": ends.month, "expires_on_year": ends.year},
    )  # fmt: skip
    assert response.status_code == 302
    assert Disclosure.objects.get().reason == "Risk to staff at the hostel"
    assert "Risk to staff at the hostel" in client.get(url).content.decode()


def test_every_problem_is_listed_and_nothing_written(client, dean, authoriser):
    client.force_login(authoriser)
    content = client.post(reverse("offender-disclosures", args=[dean.pk]), {}).content.decode()
    for message in (
        "Select the agency to disclose to",
        "Select the information to disclose",
        "Select the legal gateway",
        "Explain why sharing without consent is necessary",
        "Enter the date sharing stops",
    ):
        assert message in content
    assert not Disclosure.objects.exists()


def test_only_authorisers_record_and_people_without_a_grant_get_404(
    client, dean, police_om, cjit_worker
):
    client.force_login(police_om)
    url = reverse("offender-disclosures", args=[dean.pk])
    assert "Record a disclosure" not in client.get(url).content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(cjit_worker)
    assert client.get(url).status_code == 404


def test_disclosure_reasons_are_not_shown_to_partners(client, dean, coordinator, housing_officer):
    offender_access_grant(
        offenders=[dean], agency=housing_officer.memberships.get().agency, by=coordinator
    )
    client.force_login(housing_officer)
    assert client.get(reverse("offender-disclosures", args=[dean.pk])).status_code == 404
