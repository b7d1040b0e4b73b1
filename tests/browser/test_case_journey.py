import io
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.test_sharing_journey import _switch
from tests.browser.test_sign_in_journey import _sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page: Page, group: str, day: date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_conference_needs_actions_partner_update_and_the_plan_pdf(
    page: Page, live_server, scheme, police_om, housing_officer, axe_violations
):
    from ppo.codes import Need
    from ppo.models import AgencyType
    from ppo.services import offender_access_grant, offender_create
    from sharing.categories import Category
    from sharing.services import consent_record
    from tests.factories import ProgrammeMembershipFactory

    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-8", "first_name": "Ryan", "last_name": "Cole",
                "date_of_birth": date(1991, 5, 6), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    offender_access_grant(offenders=[person], agency=housing_officer.memberships.get().agency,
                          by=police_om)  # fmt: skip
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    today = timezone.localdate()
    consent_record(
        offender=person, kind="given", agency_types=list(AgencyType.values), agencies=[],
        categories=list(Category.values), effective_date=today, review_date=None, by=police_om,
    )  # fmt: skip
    plan_url = f"{live_server.url}/offenders/{person.pk}/plan/"

    # The offender manager books a case conference from the plan and records it.
    _sign_in(page, live_server.url, police_om.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/offenders/{person.pk}/")
    page.get_by_role("link", name="See the PPO plan").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Book a case conference or core group meeting").click()
    page.get_by_label("Case conference", exact=True).check()
    _fill_date(page, "Date", today)
    page.get_by_role("button", name="Book it").click()
    _fill_date(page, "Date it was held", today)
    page.get_by_label("Attendee 1: name").fill("PC Lee")
    page.get_by_label("Attendee 1: agency").select_option(label="Cleveland Police")
    page.get_by_label("Attendee 2: name").fill("Jo Black")
    page.get_by_label("Attendee 2: agency").select_option(label="Stockton Housing")
    page.get_by_role("group", name="Did the person attend the final part?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Minutes").fill("Plan agreed with Ryan")
    # Drug misuse as a need is clinical detail, which the police are not shown (protocol).
    expect(page.get_by_role("group", name="Drug misuse", exact=True)).to_have_count(0)
    for need in Need:
        if need != Need.DRUGS:
            level = "Significant need" if need == Need.ACCOMMODATION else "Some need"
            page.get_by_role("group", name=need.label, exact=True).get_by_label(level).check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Conference recorded")

    # ... and three actions agreed there.
    for pathway, text, agency, officer in [
        ("Accommodation", "Find supported housing", "Stockton Housing", "Jo Black"),
        ("Drugs", "Attend the DRR every week", "Cleveland Police", "PC Lee"),
        ("Education, training and employment", "Start a CSCS course", "Cleveland Police",
         "PC Lee"),
    ]:  # fmt: skip
        page.get_by_role("link", name="Add an action agreed at this meeting").click()
        page.get_by_label("Pathway").select_option(label=pathway)
        page.get_by_label("Action", exact=True).fill(text)
        page.get_by_label("Lead agency").select_option(label=agency)
        page.get_by_label("Lead officer").fill(officer)
        _fill_date(page, "Due by", today.replace(year=today.year + 1))
        page.get_by_role("button", name="Add action").click()
    expect(page.get_by_test_id("conference-actions").locator("li")).to_have_count(3)
    assert axe_violations(page) == []

    # The housing partner updates its action.
    _switch(page, live_server.url, housing_officer)
    page.goto(plan_url)
    page.get_by_role("link", name="Find supported housing").click()
    page.get_by_label("In progress").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("pathway").first).to_contain_text("In progress")
    assert axe_violations(page) == []

    # The PPO plan PDF shows the needs and the actions with their leads.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the plan (PDF)").click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Find supported housing" in text
    assert "Jo Black, Stockton Housing" in text
    assert "Attend the DRR every week" in text
    assert "Significant need" in text
