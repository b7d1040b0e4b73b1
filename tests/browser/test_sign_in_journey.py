import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.clients import current_code
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _enter_password(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def _sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Both steps: the password, then a code from the person's app, setting one up first
    when they have none (the code is worked out from the key the service holds, or from
    the key the set-up page shows)."""
    _enter_password(page, base_url, email, password)
    page.wait_for_url(re.compile(r"/sign-in/(code|set-up)/"))
    device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
    if device is None:
        key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
        device = TOTPDevice(key=base64.b32decode(key).hex())
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name=re.compile("Continue|Finish setting up")).click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def test_sign_in_journey_and_sign_out(page: Page, live_server, coordinator):
    _sign_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    expect(page.get_by_test_id("header-identity")).to_contain_text("Safer Stockton")
    expect(page.get_by_role("heading", name="Your scheme")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")


def test_first_sign_in_sets_up_an_authenticator_app_then_asks_for_codes(
    page: Page, live_server, police_om, axe_violations
):
    _enter_password(page, live_server.url, police_om.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    qr_code = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr_code).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Security code").fill("000")
    page.get_by_role("button", name="Finish setting up").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: Set up your authenticator app"))
    assert axe_violations(page) == []

    # What a person's app does with the key typed in by hand.
    key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    code = TOTP(base64.b32decode(key)).token()
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Finish setting up").click()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _enter_password(page, live_server.url, police_om.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Security code").fill(current_code(TOTPDevice.objects.get(user=police_om)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()


def _change_password(page: Page, new: str, *, again: str) -> None:
    page.get_by_label("Current password").fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(again)
    page.get_by_role("button", name="Change password").click()


def test_a_person_changes_their_password_then_signs_in_with_it(
    page: Page, live_server, police_om, axe_violations
):
    _sign_in(page, live_server.url, police_om.email, TEST_PASSWORD)
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert axe_violations(page) == []

    _change_password(page, "kestrel-harbour-lantern-29", again="kestrel-harbour-lantern-30")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The new passwords do not match")
    assert axe_violations(page) == []

    _change_password(page, "kestrel-harbour-lantern-29", again="kestrel-harbour-lantern-29")
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server.url, police_om.email, "kestrel-harbour-lantern-29")
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()


def test_wrong_password_shows_error_summary_and_moves_focus(page: Page, live_server, police_om):
    _enter_password(page, live_server.url, police_om.email, "not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title("Error: Sign in - Priority offender case management")


def test_password_can_be_shown_with_javascript(page: Page, live_server):
    page.goto(f"{live_server.url}/sign-in/")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("type", "password")
    page.get_by_role("button", name="Show password").click()
    expect(password).to_have_attribute("type", "text")


def test_sign_in_page_has_no_accessibility_violations(page: Page, live_server, axe_violations):
    page.goto(f"{live_server.url}/sign-in/")
    assert axe_violations(page) == []


def test_sign_in_errors_have_no_accessibility_violations(
    page: Page, live_server, police_om, axe_violations
):
    _enter_password(page, live_server.url, police_om.email, "wrong")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "persona",
    ["police_om", "coordinator", "panel_member", "authoriser", "steering_viewer",
     "custody_officer", "service_admin", "data_protection_officer", "no_role_user"],
)  # fmt: skip
def test_every_home_page_has_no_accessibility_violations(
    page: Page, live_server, request, persona, axe_violations
):
    user = request.getfixturevalue(persona)
    _sign_in(page, live_server.url, user.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    assert axe_violations(page) == []


def test_the_accessibility_check_reports_real_violations(page: Page, axe_violations):
    # Guards the guard: axe must find a missing alt text and an unlabelled input.
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
        '<body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= found
