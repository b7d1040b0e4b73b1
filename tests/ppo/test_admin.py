import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_persona_reaches_staff_set_up(client, service_admin):
    service_admin.is_superuser = True
    service_admin.save()
    client.force_login(service_admin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:ppo_user_changelist")).status_code == 200
    assert client.get(reverse("admin:ppo_user_add")).status_code == 200


def test_anonymous_visitors_are_sent_to_the_service_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('sign-in')}?next=/admin/"


def test_signed_in_staff_without_admin_access_get_not_found(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 404
