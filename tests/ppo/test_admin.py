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


def test_the_administrator_resets_a_lost_authenticator_app(client, service_admin, police_om):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.clients import confirmed_device

    service_admin.is_superuser = True
    service_admin.save()
    device = confirmed_device(police_om)
    client.force_login(service_admin)
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert "otpauth://" not in change.content.decode()
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=police_om).exists()
