"""Two-factor sign-in: a password alone reaches nothing; codes come from an authenticator
app (TOTP, django-otp), work once only and are throttled when wrong."""

import re

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from ppo.views import SECOND_FACTOR_THROTTLED, SECOND_FACTOR_WRONG
from tests.clients import confirmed_device, current_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _password(client, user, next_page="/"):
    """The first step only: the right password, as a person types it."""
    return client.post(
        reverse("sign-in"), {"username": user.email, "password": TEST_PASSWORD, "next": next_page}
    )


def _code_page(next_page="/"):
    return f"{reverse('sign-in-code')}?next={next_page}"


def test_first_sign_in_sets_up_an_app_and_the_shown_key_works(client, police_om):
    _password(client, police_om)
    page = client.get("/offenders/")
    assert page.url == f"{reverse('sign-in-set-up')}?next=/offenders/"

    set_up = client.get(page.url)
    content = set_up.content.decode()
    assert "<svg" in content
    assert "QR code to scan with your authenticator app" in content
    device = TOTPDevice.objects.get(user=police_om)
    assert not device.confirmed
    shown_key = re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', content)[1]
    assert shown_key.replace(" ", "") in device.config_url
    # Reloading shows the same key: the app may already hold it.
    assert shown_key in client.get(page.url).content.decode()

    session_before = client.session.session_key
    done = client.post(page.url, {"code": current_code(device), "next": "/offenders/"})
    assert done.url == "/offenders/"
    assert client.get("/offenders/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != session_before


def test_with_an_app_set_up_every_page_and_the_admin_ask_for_the_code(client, service_admin):
    device = confirmed_device(service_admin)
    _password(client, service_admin)
    for path in ["/", "/offenders/", "/notifications/", reverse("admin:index")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == _code_page(path), path
    # The set-up page cannot pair another app over the one already set up.
    assert client.get(reverse("sign-in-set-up")).url.startswith(reverse("sign-in-code"))
    assert TOTPDevice.objects.filter(user=service_admin).count() == 1

    client.post(_code_page(), {"code": current_code(device), "next": reverse("admin:index")})
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_api_call_needs_the_second_factor_too(client, police_om):
    confirmed_device(police_om)
    _password(client, police_om)
    assert client.get(reverse("api-me")).status_code in (401, 403)
    client.post(_code_page(), {"code": current_code(TOTPDevice.objects.get(user=police_om))})
    assert client.get(reverse("api-me")).status_code == 200


def test_api_tokens_issued_by_an_administrator_still_work(client, police_om):
    token = Token.objects.create(user=police_om)
    response = client.get(reverse("api-me"), headers={"authorization": f"Token {token.key}"})
    assert response.status_code == 200


def test_a_code_is_accepted_once_only(client, police_om):
    device = confirmed_device(police_om)
    _password(client, police_om)
    code = current_code(device)
    assert client.post(_code_page(), {"code": code}).status_code == 302
    client.post(reverse("sign-out"))

    _password(client, police_om)
    response = client.post(_code_page(), {"code": code})
    assert response.status_code == 200
    assert SECOND_FACTOR_WRONG in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the code as 6 digits, like 123456"),
        ("abcdef", "Enter the code as 6 digits, like 123456"),
    ],
)
def test_a_malformed_code_says_what_is_wrong(client, police_om, code, message):
    confirmed_device(police_om)
    _password(client, police_om)
    content = client.post(_code_page(), {"code": code}).content.decode()
    assert message in content
    assert "<title>Error: Enter your security code" in content


def test_wrong_codes_slow_down_further_attempts(client, police_om):
    device = confirmed_device(police_om)
    _password(client, police_om)
    right = current_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert SECOND_FACTOR_WRONG in client.post(_code_page(), {"code": wrong}).content.decode()
    # Straight after a failure even the right code waits (django-otp's throttling).
    response = client.post(_code_page(), {"code": right})
    assert SECOND_FACTOR_THROTTLED in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_code_written_with_a_space_as_apps_show_it_is_accepted(client, police_om):
    device = confirmed_device(police_om)
    _password(client, police_om)
    code = current_code(device)
    assert client.post(_code_page(), {"code": f"{code[:3]} {code[3:]}"}).url == "/"


def test_after_the_code_only_pages_of_this_site_are_followed(client, police_om):
    device = confirmed_device(police_om)
    _password(client, police_om)
    response = client.post(
        reverse("sign-in-code"), {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_signing_out_works_before_the_code(client, police_om):
    confirmed_device(police_om)
    _password(client, police_om)
    assert client.post(reverse("sign-out")).url == reverse("sign-in")
    assert "_auth_user_id" not in client.session


def test_the_code_pages_need_the_password_first(client):
    for name in ["sign-in-code", "sign-in-set-up"]:
        response = client.get(reverse(name))
        assert response.url.startswith(reverse("sign-in")), name
