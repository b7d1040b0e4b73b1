import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_me_describes_the_user_and_their_roles(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("api-me"))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == coordinator.email
    assert body["memberships"] == [
        {
            "agency": "Safer Stockton",
            "agency_type": "local_authority",
            "scheme": "stockton",
            "role": "coordinator",
        }
    ]


def test_me_for_a_shared_agency_has_no_scheme(client, custody_officer):
    client.force_login(custody_officer)
    assert client.get(reverse("api-me")).json()["memberships"][0]["scheme"] is None


def test_api_refuses_anonymous_callers_with_403_not_a_redirect(client):
    response = client.get(reverse("api-me"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert client.get(reverse("api-schema")).status_code == 403


def test_schema_is_served_to_signed_in_staff(client, police_om):
    client.force_login(police_om)
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    assert "/api/me/" in response.json()["paths"]
