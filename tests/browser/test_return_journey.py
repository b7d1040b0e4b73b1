from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in_journey import _sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_opens_last_months_return_downloads_it_and_submits(
    page: Page, live_server, scheme, coordinator, axe_violations
):
    from openpyxl import load_workbook

    from reporting.returns import previous_month
    from tests.factories import OffenderFactory, ProgrammeMembershipFactory

    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    first, _ = previous_month()
    _sign_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
    page.get_by_role("link", name="Returns").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"{first:%B %Y}").click()
    expect(page.get_by_test_id("figures")).to_contain_text("cohort.total")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="spreadsheet (XLSX)").click()
    # The download is saved without a suffix; openpyxl reads it from a file object.
    with open(download.value.path(), "rb") as saved:
        rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert ("cohort.total", 1) in rows
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_test_id("filed")).to_contain_text("Submitted")
    assert axe_violations(page) == []


def test_the_steering_group_opens_the_dashboard_and_the_charts_render(
    page: Page, live_server, scheme, steering_viewer, axe_violations
):
    from tests.factories import OffenderFactory, ProgrammeMembershipFactory

    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    _sign_in(page, live_server.url, steering_viewer.email, TEST_PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    for key in ("cohort", "balance", "status", "flows", "needs", "actions"):
        expect(page.get_by_test_id(f"chart-{key}").locator("canvas")).to_have_attribute(
            "data-rendered", "true"
        )
    expect(page.get_by_test_id("chart-cohort").locator("table")).to_contain_text("1")
    assert axe_violations(page) == []
