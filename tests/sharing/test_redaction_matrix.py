"""Personas x categories x consent states over every channel a record leaves by: the offender
page, the API, the register CSV and the record PDF. Each category holds a marker (an event
reference or a field value); a channel must show the marker exactly when effective access
allows the category, and list the category as withheld exactly when it does not."""

import csv
import io
import json
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ppo.codes import EventKind
from ppo.services import event_record, offender_access_grant, offender_create
from sharing.access import STATUS_CATEGORIES, WITHHELD
from sharing.categories import Category
from sharing.models import AccessLogEntry
from tests.clients import VerifiedAPIClient
from tests.factories import MembershipFactory
from tests.sharing.consent_states import STATES, expected_categories, set_state

pytestmark = pytest.mark.django_db

# A marker for each category that has data so far; the others are checked through the
# withheld list only.
EVENTS = {
    Category.OFFENDING: (EventKind.ARREST, {"offence_category": "theft_shop"}),
    Category.INTELLIGENCE: (EventKind.INTELLIGENCE, {}),
    Category.CUSTODY: (EventKind.REMAND_START, {"establishment": "HMP Holme House"}),
    Category.SUPERVISION: (EventKind.ORDER_START, {"order_type": "community_order"}),
    Category.TREATMENT_CLINICAL: (
        EventKind.DRUG_TEST,
        {"result": "positive", "substance": "opiates"},
    ),
    Category.ACCOMMODATION: (EventKind.MOVED_AREA, {"to_area": "Thornaby"}),
    Category.RISK: (EventKind.RISK_ASSESSMENT, {"outcome": "medium"}),
}
FIELD_MARKERS = {
    Category.IDENTITY: "Quentin",
    Category.CUSTODY: "A1234BC",
    Category.SUPERVISION: "X123456",
    Category.ACCOMMODATION: "TS18 1AB",
}


def marker(category: str) -> str:
    return "MK" + category.replace("_", "").upper()


@pytest.fixture
def record(scheme, police_om, cjit_worker, housing_officer, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Quentin", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M", "postcode": "TS18 1AB",
                "nomis_number": "A1234BC", "crn": "X123456"},
        aliases=[],
    )  # fmt: skip
    for persona in (cjit_worker, housing_officer):
        offender_access_grant(
            offenders=[person], agency=persona.memberships.get().agency, by=coordinator
        )
    for day, (category, (kind, values)) in enumerate(EVENTS.items(), start=1):
        event_record(
            offender=person, by=police_om, kind=kind, date=date(2026, 1, day),
            reference=marker(category), values=values,
        )  # fmt: skip
    return person


def _withheld_labels(text: str) -> set[str]:
    """The category labels a page or document lists after the withheld notice."""
    found = re.search(re.escape(WITHHELD) + r": ([^.]*)\.", " ".join(text.split()))
    listed = found.group(1) if found else ""
    return {label for code, label in Category.choices if label.lower() in listed}


def _page(client, record):
    response = client.get(reverse("offender-detail", args=[record.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(api, record):
    detail = api.get(f"/api/v1/offenders/{record.pk}/")
    events = api.get(f"/api/v1/offenders/{record.pk}/events/")
    assert detail.status_code == events.status_code == 200
    return detail.json(), json.dumps(detail.json()) + json.dumps(events.json())


def _csv_row(client, record):
    response = client.get(reverse("offender-export"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return next(row for row in rows if row["local_id"] == record.local_id)


def _pdf(client, record):
    response = client.get(reverse("offender-record-pdf", args=[record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize("state", STATES)
def test_every_channel_shows_exactly_what_effective_access_allows(
    state, client, record, police_om, cjit_worker, housing_officer, authoriser
):
    personas = {"police": police_om, "cjit": cjit_worker, "housing": housing_officer}
    agencies = [persona.memberships.get().agency for persona in personas.values()]
    set_state(state, record, police_om, authoriser, agencies)
    for agency_type, persona in personas.items():
        shown = expected_categories(agency_type, state)
        withheld = {label for code, label in Category.choices if code not in shown}
        client.force_login(persona)
        api = VerifiedAPIClient()
        api.force_authenticate(persona)
        detail, api_text = _api(api, record)
        channels = {
            "page": _page(client, record),
            "api": api_text,
            "pdf": _pdf(client, record),
        }
        for channel, text in channels.items():
            where = (agency_type, state, channel)
            for category in EVENTS:
                assert (marker(category) in text) == (category in shown), (*where, category)
            for category, value in FIELD_MARKERS.items():
                assert (value in text) == (category in shown), (*where, category)
            if channel != "api":
                assert _withheld_labels(text) == withheld, where
        assert set(detail["withheld"]) == withheld, (agency_type, state)

        row = _csv_row(client, record)
        assert (row["first_name"] == "Quentin") == (Category.IDENTITY in shown)
        status_shown = shown >= STATUS_CATEGORIES
        assert (row["status"] == WITHHELD) != status_shown, (agency_type, state, "csv")


def test_people_without_a_grant_are_refused_on_every_channel(
    client, record, steering_viewer, no_role_user, custody_officer
):
    for persona in (steering_viewer, no_role_user, custody_officer):
        client.force_login(persona)
        api = VerifiedAPIClient()
        api.force_authenticate(persona)
        assert client.get(reverse("offender-detail", args=[record.pk])).status_code == 404
        assert client.get(reverse("offender-record-pdf", args=[record.pk])).status_code == 404
        assert client.get(reverse("offender-export")).status_code == 404
        assert api.get(f"/api/v1/offenders/{record.pk}/").status_code == 404


def test_an_agency_with_a_role_but_no_grant_gets_an_export_without_the_record(
    client, record, other_scheme
):
    stranger = MembershipFactory(agency__scheme=other_scheme).user
    client.force_login(stranger)
    response = client.get(reverse("offender-export"))
    assert response.status_code == 200
    assert b"Quentin" not in b"".join(response.streaming_content)
    assert client.get(reverse("offender-record-pdf", args=[record.pk])).status_code == 404


def test_exports_are_logged_with_the_categories_shown(client, record, housing_officer):
    client.force_login(housing_officer)
    _pdf(client, record)
    _csv_row(client, record)
    exports = AccessLogEntry.objects.filter(user=housing_officer, purpose="export")
    assert exports.count() == 2
    for entry in exports:
        assert entry.offender_id == record.pk
        assert Category.IDENTITY in entry.categories
        assert Category.TREATMENT_CLINICAL not in entry.categories


def test_the_csv_neutralises_spreadsheet_formulas(client, scheme, police_om):
    offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-9", "first_name": "=HYPERLINK(1)", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    client.force_login(police_om)
    response = client.get(reverse("offender-export"))
    content = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in content
    assert response["Content-Disposition"] == (
        f'attachment; filename="register-{timezone.localdate().isoformat()}.csv"'
    )
