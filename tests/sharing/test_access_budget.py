"""Effective access costs at most two queries per page or API call, however many rows, people,
consent decisions and disclosures: measured against the same request under a policy that
shows everything without asking the database."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ppo.services import offender_create, offender_manager_assign
from sharing.access import RecordAccess
from sharing.categories import Category
from sharing.models import ConsentKind
from sharing.services import consent_record, disclosure_record
from tests.clients import VerifiedAPIClient
from tests.factories import ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db


def show_everything(*, user, offenders, on):
    return {offender.pk: RecordAccess(frozenset(Category.values)) for offender in offenders}


def _people(scheme, police_om, authoriser, cjit, count):
    today = timezone.localdate()
    people = []
    for number in range(count):
        person = offender_create(
            scheme=scheme, by=police_om,
            fields={"local_id": f"S-{number}", "first_name": "Dean", "last_name": f"Smith{number}",
                    "date_of_birth": date(1990, 4, 1), "gender": "M"},
            aliases=[],
        )  # fmt: skip
        ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 1))
        offender_manager_assign(
            offender=person, manager=police_om, agency=police_om.memberships.get().agency,
            by=police_om, on=date(2025, 1, 1),
        )  # fmt: skip
        consent_record(
            offender=person, kind=ConsentKind.REFUSED, agency_types=["cjit"], agencies=[],
            categories=[Category.HEALTH], effective_date=today - timedelta(days=3),
            review_date=None, by=police_om,
        )  # fmt: skip
        disclosure_record(
            offender=person, agency=cjit, categories=[Category.HEALTH],
            gateway="cda_1998_s115", reason="Risk to staff", expires_on=today + timedelta(days=30),
            by=authoriser,
        )  # fmt: skip
        people.append(person)
    return people


def _queries(settings, fetch, policy):
    settings.RECORD_ACCESS_POLICY = policy
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


REAL = "sharing.access.record_access"
FREE = "tests.sharing.test_access_budget.show_everything"


@pytest.mark.parametrize("rows", [2, 20])
def test_effective_access_costs_two_queries_per_request(
    settings, client, scheme, police_om, authoriser, cjit_worker, rows
):
    people = _people(scheme, police_om, authoriser, cjit_worker.memberships.get().agency, rows)
    client.force_login(police_om)
    api = VerifiedAPIClient()
    api.force_authenticate(police_om)
    requests = {
        "register": lambda: client.get(reverse("offender-list")),
        "register filtered": lambda: client.get(
            reverse("offender-list"), {"q": "Dean", "status": "community"}
        ),
        "offender page": lambda: client.get(reverse("offender-detail", args=[people[0].pk])),
        "caseload home": lambda: client.get(reverse("home")),
        "API list": lambda: api.get("/api/v1/offenders/"),
        "API list filtered": lambda: api.get("/api/v1/offenders/", {"q": "Dean"}),
        "API record": lambda: api.get(f"/api/v1/offenders/{people[0].pk}/"),
        "API events": lambda: api.get(f"/api/v1/offenders/{people[0].pk}/events/"),
    }
    extra = {
        name: _queries(settings, fetch, REAL) - _queries(settings, fetch, FREE)
        for name, fetch in requests.items()
    }
    assert extra == dict.fromkeys(requests, 2)
