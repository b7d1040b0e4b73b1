from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_sharing_journey import _switch
from tests.browser.test_sign_in_journey import _sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referral_to_selection_and_the_induction_letter(
    page: Page, live_server, scheme, cjit_worker, coordinator, police_om, axe_violations
):
    from datetime import date

    from ppo.codes import EventKind
    from ppo.services import event_record, offender_access_grant, offender_create
    from selection.services import matrix_save
    from tests.selection.test_matrix import STOCKTON

    matrix_save(scheme=scheme, document=STOCKTON, by=coordinator)
    person = offender_create(
        scheme=scheme, by=cjit_worker,
        fields={"local_id": "S-7", "first_name": "Kyle", "last_name": "Barker",
                "date_of_birth": date(1994, 2, 3), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    for persona in (coordinator, police_om):
        offender_access_grant(
            offenders=[person], agency=persona.memberships.get().agency, by=cjit_worker
        )
    today = timezone.localdate()
    for days in range(1, 11):
        event_record(
            offender=person, by=police_om, kind=EventKind.CONVICTION,
            date=today - timedelta(days=days * 30), reference=f"C{days}",
            values={"offence_category": "theft_shop"},
        )  # fmt: skip
    record_url = f"{live_server.url}/offenders/{person.pk}/"

    # The CJIT worker refers Kyle from his record.
    _sign_in(page, live_server.url, cjit_worker.email, TEST_PASSWORD)
    page.goto(record_url)
    page.get_by_role("link", name="Refer to the PPO panel").click()
    page.get_by_label("Why should the panel consider this person?").fill(
        "Not engaging with treatment and shoplifting every week"
    )
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_test_id("waiting-referral")).to_contain_text("waiting for a decision")
    assert axe_violations(page) == []

    # The coordinator runs the matrix.
    _switch(page, live_server.url, coordinator)
    page.get_by_role("link", name="Selection").click()
    expect(page.get_by_test_id("criteria")).to_contain_text("2 points for each conviction")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Run the matrix").click()
    page.get_by_role("button", name="Run the matrix").click()
    expect(page.get_by_test_id("ranking")).to_contain_text("BARKER, Kyle")
    expect(page.get_by_test_id("ranking")).to_contain_text("Above threshold")
    assert axe_violations(page) == []

    # ... holds a panel and selects him from the agenda.
    page.goto(f"{live_server.url}/schemes/{scheme.slug}/panels/")
    decided = page.get_by_role("group", name="Date of the meeting")
    decided.get_by_label("Day").fill(str(today.day))
    decided.get_by_label("Month").fill(str(today.month))
    decided.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Attendee 1: name").fill("PC Lee")
    page.get_by_label("Attendee 1: agency").select_option(label="Cleveland Police")
    page.get_by_label("Attendee 2: name").fill("Sam Ward")
    page.get_by_label("Attendee 2: agency").select_option(label="Stockton CJIT")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.get_by_test_id("agenda-referrals")).to_contain_text("Not engaging with treatment")
    assert axe_violations(page) == []
    page.get_by_test_id("agenda-referrals").get_by_role("link", name="Decide").click()
    expect(page.get_by_test_id("breakdown")).to_be_visible()
    page.get_by_label("Select", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("Highest score; CJIT referral")
    page.get_by_label("Strand (when selecting)").select_option(label="Rehabilitate and resettle")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("agenda-decisions")).to_contain_text("Select")

    # The record shows the membership and the letter.
    page.goto(record_url)
    expect(page.locator("main")).to_contain_text("Prolific and other Priority Offender")
    expect(page.get_by_test_id("decisions")).to_contain_text("Highest score; CJIT referral")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the induction letter (PDF)").click()
    assert download.value.suggested_filename == "induction-letter-S-7.pdf"
    assert axe_violations(page) == []

    # The referrer sees the outcome.
    _switch(page, live_server.url, cjit_worker)
    page.get_by_role("link", name="My referrals").click()
    expect(page.get_by_test_id("my-referrals")).to_contain_text("Select")
    assert axe_violations(page) == []
