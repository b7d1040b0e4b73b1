from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in_journey import _sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page: Page, base_url: str, user) -> None:
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, base_url, user.email, TEST_PASSWORD)


def test_consent_decides_who_sees_treatment_detail(
    page: Page, live_server, police_om, cjit_worker, housing_officer, coordinator, axe_violations
):
    from ppo.codes import EventKind
    from ppo.services import event_record, offender_access_grant, offender_create

    person = offender_create(
        scheme=police_om.memberships.get().agency.scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    for persona in (cjit_worker, housing_officer):
        offender_access_grant(
            offenders=[person], agency=persona.memberships.get().agency, by=coordinator
        )
    event_record(
        offender=person, by=police_om, kind=EventKind.DRUG_TEST, date=date(2026, 1, 5),
        reference="", values={"result": "positive", "substance": "opiates"},
    )  # fmt: skip
    record_url = f"{live_server.url}/offenders/{person.pk}/"

    # The offender manager records the person's consent to share treatment detail.
    _sign_in(page, live_server.url, police_om.email, TEST_PASSWORD)
    page.goto(f"{record_url}consent/")
    page.get_by_label("Consent given").check()
    page.get_by_label("Treatment: clinical detail").check()
    page.get_by_label("Criminal justice integrated team (drugs)").check()
    page.get_by_label("Housing", exact=True).check()
    decided = page.get_by_role("group", name="Date of the decision")
    decided.get_by_label("Day").fill("5")
    decided.get_by_label("Month").fill("1")
    decided.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("consent-history")).to_contain_text("Consent given")

    # The CJIT worker sees the drug test; the housing officer (protocol: no clinical detail
    # for housing) sees that it is withheld.
    _switch(page, live_server.url, cjit_worker)
    page.goto(record_url)
    expect(page.get_by_test_id("timeline")).to_contain_text("Substance: Opiates")
    assert axe_violations(page) == []
    _switch(page, live_server.url, housing_officer)
    page.goto(record_url)
    expect(page.get_by_test_id("withheld")).to_contain_text(
        "Withheld - not shared with your agency"
    )
    expect(page.locator("main")).not_to_contain_text("Opiates")
    assert axe_violations(page) == []

    # Consent withdrawn: the CJIT worker loses it on the next load.
    _switch(page, live_server.url, police_om)
    page.goto(f"{record_url}consent/")
    page.get_by_label("Consent withdrawn").check()
    page.get_by_label("Treatment: clinical detail").check()
    page.get_by_label("Criminal justice integrated team (drugs)").check()
    decided = page.get_by_role("group", name="Date of the decision")
    decided.get_by_label("Day").fill("6")
    decided.get_by_label("Month").fill("1")
    decided.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record decision").click()
    _switch(page, live_server.url, cjit_worker)
    page.goto(record_url)
    expect(page.locator("main")).not_to_contain_text("Opiates")
    expect(page.get_by_test_id("withheld")).to_contain_text("treatment: clinical detail")


def test_the_access_log_page_is_accessible(
    page: Page, live_server, data_protection_officer, axe_violations
):
    _sign_in(page, live_server.url, data_protection_officer.email, TEST_PASSWORD)
    page.get_by_role("link", name="Access log").first.click()
    expect(page.get_by_role("heading", name="Access log", level=1)).to_be_visible()
    assert axe_violations(page) == []
