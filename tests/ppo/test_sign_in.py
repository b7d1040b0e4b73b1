import pytest
from django.urls import reverse
from django.utils.html import escape

from ppo.forms import SIGN_IN_FAILED
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"{reverse('sign-in')}?next=/"


def test_sign_in_page_uses_govuk_form(client):
    response = client.get(reverse("sign-in"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-input' in content
    assert "govuk-error-summary" not in content


def test_signing_in_with_email_in_any_case_reaches_the_security_code(client, police_om):
    response = client.post(
        reverse("sign-in"),
        {"username": police_om.email.upper(), "password": TEST_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{reverse('sign-in-set-up')}?next=/"
    assert response.context["user"] == police_om


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "disabled account"])
def test_failed_sign_in_gives_one_message_that_reveals_nothing(client, police_om, case):
    email, password = police_om.email, TEST_PASSWORD
    if case == "wrong password":
        password = "not-the-password"
    elif case == "unknown email":
        email = "nobody@example.gov.uk"
    else:
        police_om.is_active = False
        police_om.save()
    response = client.post(reverse("sign-in"), {"username": email, "password": password})
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert SIGN_IN_FAILED in content
    assert content.count(SIGN_IN_FAILED) == 1
    assert "<title>Error: Sign in" in content
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_lists_every_missing_field(client):
    response = client.post(reverse("sign-in"), {"username": "", "password": ""})
    content = response.content.decode()
    assert "Enter your email address" in content
    assert "Enter your password" in content


def test_sign_out_needs_a_post_and_ends_the_session(client, police_om):
    client.force_login(police_om)
    assert client.get(reverse("sign-out")).status_code == 405
    response = client.post(reverse("sign-out"))
    assert response.status_code == 302
    assert response.url == reverse("sign-in")
    assert client.get("/").status_code == 302


def test_header_names_the_user_and_their_agency(client, police_om):
    client.force_login(police_om)
    content = client.get("/").content.decode()
    assert escape(f"{police_om.full_name}, Cleveland Police") in content


def test_unknown_page_is_a_govuk_404(client, police_om):
    client.force_login(police_om)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_health_check_answers_without_sign_in(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_signing_out_after_the_session_expired_still_lands_on_sign_in(client):
    response = client.post(reverse("sign-out"))
    assert response.status_code == 302
    assert response.url == reverse("sign-in")
