"""Two-factor sign-in: a password alone reaches nothing; codes come from an authenticator
app (TOTP, django-otp), work once only and are throttled when wrong."""

import base64
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from ppo.services import SECOND_FACTOR_ALREADY_SET_UP
from ppo.views import SECOND_FACTOR_THROTTLED, SECOND_FACTOR_WRONG
from tests.clients import VerifiedClient, confirmed_device, current_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _password(client, user, next_page="/"):
    """The first step only: the right password, as a person types it."""
    return client.post(
        reverse("sign-in"), {"username": user.email, "password": TEST_PASSWORD, "next": next_page}
    )


def _code_page(next_page="/"):
    return f"{reverse('sign-in-code')}?next={next_page}"


def _shown_key(response) -> str:
    return re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', response.content.decode())[1]


def _app_code(shown_key: str) -> str:
    """What an authenticator app shows for a key typed in by hand."""
    return f"{TOTP(base64.b32decode(shown_key.replace(' ', ''))).token():06d}"


def test_first_sign_in_sets_up_an_app_and_the_shown_key_works(client, police_om):
    _password(client, police_om)
    page = client.get("/offenders/")
    assert page.url == f"{reverse('sign-in-set-up')}?next=/offenders/"

    set_up = client.get(page.url)
    content = set_up.content.decode()
    assert "<svg" in content
    assert "QR code to scan with your authenticator app" in content
    shown_key = _shown_key(set_up)
    # Nothing is stored until a code proves the app holds the key.
    assert not TOTPDevice.objects.filter(user=police_om).exists()
    # Reloading shows the same key: the app may already hold it.
    assert shown_key == _shown_key(client.get(page.url))

    wrong = f"{(int(_app_code(shown_key)) + 1) % 1_000_000:06d}"
    assert SECOND_FACTOR_WRONG in client.post(page.url, {"code": wrong}).content.decode()
    assert not TOTPDevice.objects.filter(user=police_om).exists()

    session_before = client.session.session_key
    proving_code = _app_code(shown_key)
    done = client.post(page.url, {"code": proving_code, "next": "/offenders/"})
    assert done.url == "/offenders/"
    assert client.get("/offenders/").status_code == 200
    device = TOTPDevice.objects.get(user=police_om)
    assert device.confirmed
    assert shown_key.replace(" ", "") in device.config_url
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != session_before
    # The code that finished setting up cannot be used again to sign in.
    client.post(reverse("sign-out"))
    _password(client, police_om)
    again = client.post(_code_page(), {"code": proving_code})
    assert SECOND_FACTOR_WRONG in again.content.decode()


def test_a_password_alone_cannot_capture_a_second_factor_being_set_up(client, police_om):
    """Two sessions with the same password are offered different keys, and the first to
    prove its key with a code is the person's only app: the other cannot pair over it."""
    person, intruder = client, VerifiedClient()
    _password(person, police_om)
    _password(intruder, police_om)
    url = reverse("sign-in-set-up")
    person_key, intruder_key = _shown_key(person.get(url)), _shown_key(intruder.get(url))
    assert person_key != intruder_key

    assert person.post(url, {"code": _app_code(person_key)}).status_code == 302
    refused = intruder.post(url, {"code": _app_code(intruder_key)})
    assert refused.url.startswith(reverse("sign-in-code"))
    assert DEVICE_ID_SESSION_KEY not in intruder.session
    assert list(TOTPDevice.objects.filter(user=police_om).values_list("key", flat=True)) == [
        base64.b32decode(person_key.replace(" ", "")).hex()
    ]


def test_two_set_ups_past_the_page_at_once_store_one_app(client, police_om, monkeypatch):
    """Both sessions opened the set-up page before either finished: the second to send a
    right code is told an app was just set up, and nothing of theirs is stored."""
    person, intruder = client, VerifiedClient()
    _password(person, police_om)
    _password(intruder, police_om)
    url = reverse("sign-in-set-up")
    person_key, intruder_key = _shown_key(person.get(url)), _shown_key(intruder.get(url))
    assert person.post(url, {"code": _app_code(person_key)}).status_code == 302
    # As the intruder's request saw it when it started: no app yet.
    monkeypatch.setattr("ppo.views.second_factor_device", lambda user: None)
    refused = intruder.post(url, {"code": _app_code(intruder_key)})
    assert refused.status_code == 200
    assert escape(SECOND_FACTOR_ALREADY_SET_UP) in refused.content.decode()
    assert DEVICE_ID_SESSION_KEY not in intruder.session
    assert TOTPDevice.objects.filter(user=police_om).count() == 1


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
    assert SECOND_FACTOR_THROTTLED.format(wait="1 second") in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("minutes_ago", "waits"), [(1, "8 minutes"), (9, None)], ids=["within", "after"]
)
def test_the_wait_after_many_wrong_codes_is_capped(client, police_om, minutes_ago, waits):
    """Thirty wrong codes would mean years of waiting under django-otp's doubling; the wait
    stops growing at about 8.5 minutes, so no one can keep a person out for long."""
    device = confirmed_device(police_om)
    device.throttling_failure_count = 30
    device.throttling_failure_timestamp = timezone.now() - timedelta(minutes=minutes_ago)
    device.save()
    _password(client, police_om)
    response = client.post(_code_page(), {"code": current_code(device)})
    if waits:
        assert SECOND_FACTOR_THROTTLED.format(wait=waits) in response.content.decode()
    else:
        assert response.url == "/"


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
