"""Changing one's own password: the current one first, the new one twice and through the
password validators; this session carries on, every other one ends, an email says so."""

import pytest
from django.urls import reverse

from tests.clients import VerifiedClient
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("password-change")
NEW = "kestrel-harbour-lantern-29"


def _change(client, current=TEST_PASSWORD, new=NEW, again=None):
    return client.post(
        URL, {"old_password": current, "new_password1": new, "new_password2": again or new}
    )


def test_a_person_changes_their_password_and_their_other_sessions_end(
    client, police_om, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere = VerifiedClient()
    elsewhere.force_login(police_om)
    client.force_login(police_om)
    page = client.get(URL).content.decode()
    assert "Change your password" in page
    assert 'autocomplete="new-password"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = _change(client)
    assert response.url == reverse("home")
    police_om.refresh_from_db()
    assert police_om.check_password(NEW)
    assert not police_om.check_password(TEST_PASSWORD)
    assert "Your password has been changed." in client.get(reverse("home")).content.decode()
    assert client.get("/offenders/").status_code == 200  # still signed in, both factors
    assert elsewhere.get("/offenders/").url.startswith(reverse("sign-in"))
    [notice] = mailoutbox
    assert notice.to == [police_om.email]
    assert "password of your account was changed" in notice.body
    assert police_om.full_name not in notice.body


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"current": "not-the-password"}, "old_password",
         "Your current password is not right. Enter it again"),
        ({"current": ""}, "old_password", "Enter your current password"),
        ({"again": "kestrel-harbour-lantern-30"}, "new_password2",
         "The new passwords do not match. Enter the same new password twice"),
        ({"new": "short-1"}, "new_password2", "This password is too short"),
        ({"new": "password1234"}, "new_password2", "This password is too common"),
    ],
    ids=["wrong current", "no current", "mismatch", "too short", "common"],
)  # fmt: skip
def test_every_problem_is_explained_and_nothing_changes(
    client, police_om, django_capture_on_commit_callbacks, fields, field, message
):
    client.force_login(police_om)
    with django_capture_on_commit_callbacks() as queued:
        response = _change(client, **fields)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: Change your password" in content
    assert message in " ".join(response.context["form"].errors[field])
    police_om.refresh_from_db()
    assert police_om.check_password(TEST_PASSWORD)
    assert queued == []  # no email


def test_a_typed_password_is_never_sent_back_in_the_page(client, police_om):
    client.force_login(police_om)
    content = _change(client, current="not-the-password").content.decode()
    for typed in ("not-the-password", NEW):
        assert typed not in content


def test_the_page_needs_both_factors(police_om):
    from django.test import Client

    assert Client().get(URL).url.startswith(reverse("sign-in"))
    password_only = Client()
    password_only.force_login(police_om)
    assert password_only.get(URL).url.startswith(reverse("sign-in-set-up"))
    assert _change(password_only).status_code == 302
    police_om.refresh_from_db()
    assert police_om.check_password(TEST_PASSWORD)
