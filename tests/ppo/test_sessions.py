"""Sessions and response headers: a new session at sign-in, signed out after 30 minutes
idle or 12 hours in all, access gone on the next request when an account is disabled or a
membership removed, no-store on everything shown to a signed-in person, Argon2id."""

import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from config.settings import base
from ppo.middleware import SESSION_SEEN, SESSION_STARTED
from ppo.models import Membership
from ppo.services import offender_create
from tests.clients import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    sign_in(client, user, TEST_PASSWORD)


def _age_session(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_signing_in_starts_a_new_session(client, police_om):
    client.get(reverse("sign-in"))
    before = client.session.session_key
    _sign_in(client, police_om)
    assert client.session.session_key != before
    assert SESSION_STARTED in client.session


@pytest.mark.parametrize(
    ("key", "seconds"), [(SESSION_SEEN, 31 * 60), (SESSION_STARTED, 12 * 3600 + 1)]
)
def test_idle_and_long_sessions_end(client, police_om, key, seconds):
    _sign_in(client, police_om)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, key, seconds)
    response = client.get(reverse("offender-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_30_minutes_stays(client, police_om):
    _sign_in(client, police_om)
    _age_session(client, SESSION_SEEN, 29 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_disabling_an_account_or_removing_a_membership_ends_access_at_once(
    client, police_om, scheme
):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    url = reverse("offender-detail", args=[person.pk])
    _sign_in(client, police_om)
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=police_om).delete()
    assert client.get(url).status_code == 404
    police_om.is_active = False
    police_om.save()
    assert client.get(url).status_code == 302  # signed out: back to sign-in


def test_everything_shown_to_a_signed_in_person_is_no_store(client, police_om):
    _sign_in(client, police_om)
    for url in (reverse("home"), reverse("offender-list"), "/api/v1/offenders/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_passwords_are_hashed_with_argon2id():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.SESSION_COOKIE_HTTPONLY


def test_pages_carry_a_strict_content_security_policy(client, police_om):
    _sign_in(client, police_om)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "<script>" not in docs.content.decode()  # Swagger UI's script is a file here


def test_five_failures_lock_that_username_from_that_address_for_a_while(client, police_om):
    from axes.models import AccessAttempt
    from django.utils import timezone

    wrong = {"username": police_om.email, "password": "not-the-password"}
    for _ in range(4):
        assert client.post(reverse("sign-in"), wrong).status_code == 200
    locked = client.post(reverse("sign-in"), wrong)
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    right = {"username": police_om.email, "password": TEST_PASSWORD}
    assert client.post(reverse("sign-in"), right).status_code == 429  # even the right one
    # Another address is not locked out: an attacker cannot lock the person out everywhere.
    assert client.post(reverse("sign-in"), right, REMOTE_ADDR="10.9.9.9").status_code == 302
    client.logout()
    # After the cool-off the lock lifts.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert client.post(reverse("sign-in"), right).status_code == 302
