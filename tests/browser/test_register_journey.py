import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in_journey import _sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFENDERS = (
    "scheme,local_id,first_name,last_name,date_of_birth,gender,pnc_id,aliases\n"
    "stockton,S-1,Dean,Smith,1990-04-01,M,2004/0012345D,Deano Smith\n"
    "stockton,S-2,Kelly,Jones,1985-12-24,F,,\n"
)
PROGRAMMES = (
    "scheme,local_id,programme,start_date,strand\nstockton,S-1,PPO,2025-06-01,catch_convict\n"
)


def _upload(page: Page, base_url: str, kind: str, name: str, text: str, tmp_path) -> None:
    path = tmp_path / name
    path.write_text(text)
    page.goto(f"{base_url}/imports/")
    page.get_by_label(kind).check()
    page.get_by_label("Upload a CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()


def test_coordinator_imports_finds_a_person_and_records_an_arrest(
    page: Page, live_server, coordinator, tmp_path, axe_violations
):
    _sign_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/imports/")
    assert axe_violations(page) == []

    _upload(page, live_server.url, "People (offenders.csv)", "bad.csv",
            OFFENDERS.replace("1985-12-24", "1985-02-30"), tmp_path)  # fmt: skip
    expect(page.get_by_test_id("import-problems")).to_contain_text("line 3, column date_of_birth")
    assert axe_violations(page) == []

    _upload(page, live_server.url, "People (offenders.csv)", "offenders.csv", OFFENDERS, tmp_path)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 created")
    _upload(page, live_server.url, "Programme memberships (programmes.csv)", "programmes.csv",
            PROGRAMMES, tmp_path)  # fmt: skip
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 created")

    page.get_by_role("link", name="Register").click()
    page.get_by_label("Name, alias or PNC ID").fill("deano smith")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("register-table")).to_contain_text("1 person")
    assert axe_violations(page) == []

    page.get_by_role("link", name="SMITH, Dean").click()
    expect(page.get_by_test_id("identity-bar")).to_contain_text("2004/0012345D")
    assert axe_violations(page) == []

    # Three clicks from the offender page: record, choose and continue, save.
    page.get_by_role("button", name="Record an event").click()
    assert axe_violations(page) == []
    page.get_by_label("Arrest").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Offence").select_option("theft_shop")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()

    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Arrest")
    expect(timeline).to_contain_text("5 January 2026")
    expect(timeline).to_contain_text("Offence: Shoplifting")


def test_custody_officer_checks_whether_someone_is_a_ppo(
    page: Page, live_server, custody_officer, coordinator, axe_violations
):
    from ppo.imports import csv_import
    from ppo.models import ImportKind

    for kind, text in ((ImportKind.OFFENDERS, OFFENDERS), (ImportKind.PROGRAMMES, PROGRAMMES)):
        csv_import(kind=kind, file_name="x.csv", content=text.encode(), by=None, via="test")
    _sign_in(page, live_server.url, custody_officer.email, TEST_PASSWORD)
    page.get_by_role("link", name="Is this a PPO?").click()
    assert axe_violations(page) == []
    page.get_by_label("First name").fill("Deano")
    page.get_by_label("Last name").fill("smith")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("1990")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("lookup-answer")).to_contain_text("On a list")
    expect(page.locator("main")).to_contain_text("Catch and convict")
    assert axe_violations(page) == []

    page.get_by_label("PNC ID").fill("2004/0012345E")
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("should be D, not E")
    assert axe_violations(page) == []


def test_consent_and_protocol_pages_are_accessible(
    page: Page, live_server, coordinator, police_om, axe_violations
):
    from ppo.services import offender_create

    person = offender_create(
        scheme=police_om.memberships.get().agency.scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": "1990-04-01", "gender": "M"},
        aliases=[],
    )  # fmt: skip
    _sign_in(page, live_server.url, police_om.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/offenders/{person.pk}/consent/")
    assert axe_violations(page) == []
    page.get_by_label("Consent given").check()
    page.get_by_label("Treatment: clinical detail").check()
    page.get_by_label("Criminal justice integrated team (drugs)").check()
    decided = page.get_by_role("group", name="Date of the decision")
    decided.get_by_label("Day").fill("5")
    decided.get_by_label("Month").fill("1")
    decided.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("consent-history")).to_contain_text("Consent given")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
    page.get_by_role("link", name="Information sharing protocol").click()
    expect(page.get_by_test_id("protocol-grid")).to_be_visible()
    assert axe_violations(page) == []
