from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in_journey import _sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_keeps_one_record_due_for_review_and_erases_another(
    page: Page, live_server, scheme, coordinator, axe_violations
):
    from ppo.models import ErasureLog, RetentionDecision
    from ppo.services import offender_access_grant
    from tests.factories import OffenderFactory, ProgrammeMembershipFactory

    agency = coordinator.memberships.get().agency
    kept, erased = (
        OffenderFactory(scheme=scheme, first_name=first, last_name=last)
        for first, last in (("Kim", "Keeper"), ("Eric", "Eraser"))
    )
    for person in (kept, erased):
        ProgrammeMembershipFactory(
            offender=person, start_date=date(2015, 1, 5), end_date=date(2018, 1, 5)
        )
        offender_access_grant(offenders=[person], agency=agency, by=None)

    _sign_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
    page.get_by_role("link", name=f"Records due for review in {scheme.name}").click()
    expect(page.get_by_test_id("records-due")).to_contain_text("5 January 2024")
    assert axe_violations(page) == []

    page.get_by_role("link", name=f"Keep record {kept.local_id}").click()
    page.get_by_role("button", name="Keep record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the record should be kept"
    )
    assert axe_violations(page) == []
    page.get_by_label("Why should the record be kept?").fill("An appeal is still being heard")
    page.get_by_role("button", name="Keep record").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is kept")

    page.get_by_role("link", name=f"Erase record {erased.local_id}").click()
    assert axe_violations(page) == []
    page.get_by_label("Why is the record being erased?").fill("The review found nothing to keep")
    page.get_by_label("I understand that the record will be erased").check()
    page.get_by_role("button", name="Erase record").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The record is erased")
    expect(page.get_by_test_id("none-due")).to_be_visible()
    expect(page.get_by_test_id("erasures")).to_contain_text("The review found nothing to keep")
    assert axe_violations(page) == []
    assert RetentionDecision.objects.get().offender == kept
    assert ErasureLog.objects.get().offender_id == erased.pk
