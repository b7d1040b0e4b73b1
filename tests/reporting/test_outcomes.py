"""The outcomes page: re-offending and the cost of crime at the unit costs in force, for
coordinators and steering group members only, with a scheme's own costs taking over."""

from datetime import date

import pytest
from django.urls import reverse

from ppo.codes import EventKind
from reporting.costs import cost_of_crime, unit_costs
from reporting.models import UnitCost
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OffenderFactory,
    ProgrammeMembershipFactory,
)

pytestmark = pytest.mark.django_db

START = date(2025, 4, 1)


@pytest.fixture
def joined(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=START)
    for number, (day, category) in enumerate([
        (date(2024, 6, 1), "burglary_dwelling"), (date(2024, 7, 1), "burglary_dwelling"),
        (date(2024, 8, 1), "drugs"), (date(2025, 6, 1), "burglary_dwelling"),
    ]):  # fmt: skip
        EventFactory(offender=person, kind=EventKind.CHARGE, date=day, offence_category=category,
                     reference=str(number))  # fmt: skip
    return person


def test_the_saving_by_category_at_the_default_costs(scheme, joined):
    result = cost_of_crime(scheme=scheme, entered_from=START, entered_to=START)
    rows = {row.category: row for row in result["rows"]}
    assert (rows["burglary_dwelling"].before, rows["burglary_dwelling"].after) == (2, 1)
    assert rows["burglary_dwelling"].saving == 3_268
    assert rows["drugs"].pounds is None  # not costed by the 2003/04 figures
    assert result["saving"] == 3_268
    assert "not proof that the scheme caused it" in result["assumption"]


def test_a_schemes_own_cost_takes_over_from_its_date(scheme, joined):
    UnitCost.objects.create(scheme=scheme, offence_category="burglary_dwelling", pounds=5_000,
                            effective_from=date(2025, 1, 1), source="Local study")  # fmt: skip
    assert unit_costs(scheme=scheme, on=date(2024, 12, 31))["burglary_dwelling"].pounds == 3_268
    assert unit_costs(scheme=scheme, on=START)["burglary_dwelling"].pounds == 5_000
    assert cost_of_crime(scheme=scheme, entered_from=START, entered_to=START)["saving"] == 5_000


def test_the_page_for_coordinators_and_the_steering_group(
    client, scheme, joined, coordinator, steering_viewer, police_om, other_scheme
):
    url = reverse("outcomes", args=[scheme.slug])
    window = {"entered_from_day": 1, "entered_from_month": 4, "entered_from_year": 2025,
              "entered_to_day": 1, "entered_to_month": 4, "entered_to_year": 2025}  # fmt: skip
    client.force_login(steering_viewer)
    page = client.get(url, window).content.decode()
    # One person joined: too few to show the steering group without pointing to them.
    assert "£3,268" not in page
    assert "could point to someone" in page
    assert "Set a unit cost" not in page
    assert client.post(url, {"offence_category": "robbery", "pounds": 1}).status_code == 404
    outsider = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    for persona in (police_om, outsider):
        client.force_login(persona)
        assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert "£3,268" in client.get(url, window).content.decode()
    response = client.post(url, {"offence_category": "burglary_dwelling", "pounds": 4000,
                                 "effective_from_day": 1, "effective_from_month": 1,
                                 "effective_from_year": 2025})  # fmt: skip
    assert response.status_code == 302
    assert "£4,000" in client.get(url, window).content.decode()
    response = client.post(url, {"offence_category": "robbery", "pounds": -1})
    assert response.status_code == 200
    assert UnitCost.objects.filter(scheme=scheme).count() == 1


def test_coordinators_see_each_persons_figures_the_steering_group_totals_only(
    client, scheme, joined, coordinator, steering_viewer
):
    from ppo.services import offender_access_grant

    offender_access_grant(offenders=[joined], agency=coordinator.memberships.get().agency,
                          by=None)  # fmt: skip
    url = reverse("outcomes", args=[scheme.slug])
    window = {"entered_from_day": 1, "entered_from_month": 4, "entered_from_year": 2025,
              "entered_to_day": 1, "entered_to_month": 4, "entered_to_year": 2025}  # fmt: skip
    client.force_login(coordinator)
    response = client.get(url, window)
    [(person, label, windows, offending, custody)] = response.context["persons"]
    # A local authority is shown offending and custody under s115.
    assert (offending, custody) == (True, True)
    assert person == joined
    assert (windows.offences, windows.tics) == ([3, 1], [0, 0])
    assert label == joined.full_name
    client.force_login(steering_viewer)
    response = client.get(url, window)
    assert response.context["persons"] is None
    assert joined.last_name not in response.content.decode()
