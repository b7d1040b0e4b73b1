import pytest
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


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


def test_wrong_password_shows_error_summary_and_moves_focus(page: Page, live_server, police_om):
    _sign_in(page, live_server.url, police_om.email, "not-the-password")
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
    _sign_in(page, live_server.url, police_om.email, "wrong")
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
