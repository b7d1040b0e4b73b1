"""The steering dashboard: figures (never names) for the steering group and coordinators,
each chart's table and CSV, cached until the history changes."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ppo.codes import EventKind
from ppo.dates import add_months
from reporting.dashboard import dashboard, month_ends
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OffenderFactory,
    ProgrammeMembershipFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def cohort(scheme):
    people = []
    for number in range(3):
        person = OffenderFactory(scheme=scheme, last_name=f"Secretname{number}")
        ProgrammeMembershipFactory(offender=person, start_date=date(2024, 1, 1))
        people.append(person)
    EventFactory(offender=people[0], kind=EventKind.CUSTODY_START,
                 date=date(2024, 2, 1))  # fmt: skip
    return people


def test_the_charts_count_the_cohort_month_by_month(scheme, cohort):
    charts = {chart.key: chart for chart in dashboard(scheme=scheme, today=TODAY)}
    assert len(charts["cohort"].rows) == 12
    last = charts["cohort"].rows[-1]
    assert last[1:] == [3, scheme.capacity_min, scheme.capacity_max]
    assert charts["balance"].rows[-1][1:] == [1, 2]
    assert {r[0]: r[1] for r in charts["status"].rows}["Serving a custodial sentence"] == 1


def test_the_dashboard_is_cached_until_the_history_changes(
    scheme, cohort, django_assert_max_num_queries
):
    dashboard(scheme=scheme, today=TODAY)
    with django_assert_max_num_queries(5):  # only the history's version is read
        dashboard(scheme=scheme, today=TODAY)
    EventFactory(offender=cohort[1], kind=EventKind.REMAND_START, date=month_ends(TODAY)[-1])
    charts = {chart.key: chart for chart in dashboard(scheme=scheme, today=TODAY)}
    assert charts["balance"].rows[-1][1:] == [2, 1]


def test_the_page_shows_figures_never_names_to_the_steering_group(
    client, scheme, cohort, steering_viewer, coordinator, police_om, other_scheme
):
    url = reverse("dashboard", args=[scheme.slug])
    for persona in (steering_viewer, coordinator):
        client.force_login(persona)
        page = client.get(url).content.decode()
        assert "PPOs on the list against the scheme" in page
        assert "Secretname" not in page
    response = client.get(url, {"chart": "cohort"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Month", "On the list", "Capacity (lowest)", "Capacity (highest)"]
    assert client.get(url, {"chart": "nothing"}).status_code == 404
    outsider = MembershipFactory(agency__scheme=other_scheme, role="steering_viewer").user
    for persona in (police_om, outsider):
        client.force_login(persona)
        assert client.get(url).status_code == 404


def test_month_ends_are_the_twelve_ended_months():
    ends = month_ends(date(2026, 11, 22))
    assert (ends[0], ends[-1]) == (date(2025, 11, 30), date(2026, 10, 31))
    assert len(ends) == 12
    assert ends[3] == date(2026, 2, 28)


def test_reoffending_against_the_target_and_referrals_by_agency(scheme, settings):
    from cases.services import partner_referral_send
    from tests.factories import UserFactory

    settings.REOFFENDING_TARGET_PCT = 20
    person = OffenderFactory(scheme=scheme)
    joined = add_months(TODAY, -18)
    ProgrammeMembershipFactory(offender=person, start_date=joined)
    for number in range(5):
        EventFactory(offender=person, kind=EventKind.CHARGE, offence_category="theft_shop",
                     date=add_months(joined, -6) + timedelta(days=number))  # fmt: skip
    partner_referral_send(offender=person, pathway="ete", service="College", agency=None,
                          sent_on=TODAY, by=UserFactory())  # fmt: skip
    charts = {chart.key: chart for chart in dashboard(scheme=scheme, today=TODAY)}
    assert charts["reoffending"].rows == [["Offences", 5, 0, 4]]
    assert charts["referrals"].rows[0][0] == "College"
