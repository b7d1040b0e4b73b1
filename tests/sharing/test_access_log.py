"""Every consultation and disclosure is logged; the log is append-only in the database."""

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from ppo.services import offender_access_grant, offender_create
from sharing.models import AccessLogEntry, Gateway, Purpose
from sharing.services import disclosure_record
from tests.clients import VerifiedAPIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def dean(scheme, police_om):
    return offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M", "pnc_id": "2004/0012345D"},
        aliases=[],
    )  # fmt: skip


def test_a_page_view_logs_who_what_categories_and_where(client, dean, police_om):
    client.force_login(police_om)
    client.get(reverse("offender-detail", args=[dean.pk]), REMOTE_ADDR="10.1.2.3")
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.offender, entry.purpose) == (police_om, dean, Purpose.PAGE_VIEW)
    assert entry.client_address == "10.1.2.3"
    assert "offending" in entry.categories
    assert "treatment_clinical" not in entry.categories


def test_api_reads_and_lookups_are_logged(dean, police_om, custody_officer):
    api = VerifiedAPIClient()
    api.force_authenticate(police_om)
    api.get(f"/api/v1/offenders/{dean.pk}/")
    api.get(f"/api/v1/offenders/{dean.pk}/events/")
    api.force_authenticate(custody_officer)
    api.post("/api/v1/lookup/", {"pnc_id": "2004/0012345D"}, format="json")
    api.post(
        "/api/v1/lookup/", {"pnc_id": "2005/0000001" + "ZABCDEFGHJKLMNPQRTUVWXY"[50000001 % 23]}
    )
    purposes = list(AccessLogEntry.objects.order_by("id").values_list("purpose", "offender_id"))
    assert purposes == [
        ("api_read", dean.pk), ("api_read", dean.pk), ("lookup", dean.pk), ("lookup", None),
    ]  # fmt: skip


def test_a_disclosure_is_logged(dean, authoriser, cjit_worker):
    disclosure_record(
        offender=dean, agency=cjit_worker.memberships.get().agency, categories=["health"],
        gateway=Gateway.DPA_CRIME, reason="Risk to others",
        expires_on=timezone.localdate() + timedelta(days=7), by=authoriser,
    )  # fmt: skip
    entry = AccessLogEntry.objects.get()
    assert (entry.purpose, entry.user, entry.categories) == ("disclosure", authoriser, ["health"])


def test_log_rows_cannot_be_changed_or_deleted(client, dean, police_om):
    client.force_login(police_om)
    client.get(reverse("offender-detail", args=[dean.pk]))
    for change in (
        lambda: AccessLogEntry.objects.update(purpose="export"),
        lambda: AccessLogEntry.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


def test_refused_requests_are_not_logged_as_consultations(client, dean, cjit_worker):
    client.force_login(cjit_worker)
    assert client.get(reverse("offender-detail", args=[dean.pk])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_a_granted_partner_is_logged_with_what_it_was_shown(client, dean, housing_officer,
                                                            coordinator):  # fmt: skip
    offender_access_grant(
        offenders=[dean], agency=housing_officer.memberships.get().agency, by=coordinator
    )
    client.force_login(housing_officer)
    client.get(reverse("offender-detail", args=[dean.pk]))
    assert AccessLogEntry.objects.get().categories == ["identity"]


def test_coordinators_and_data_protection_officers_search_and_download(
    client, dean, police_om, coordinator, data_protection_officer, other_scheme
):
    from tests.factories import OffenderFactory

    client.force_login(police_om)
    client.get(reverse("offender-detail", args=[dean.pk]))
    for reader in (coordinator, data_protection_officer):
        client.force_login(reader)
        content = client.get(reverse("access-log"), {"reference": "S-1"}).content.decode()
        assert police_om.email in content
        assert "Viewed the record" in content
        download = client.get(reverse("access-log"), {"format": "csv"})
        body = b"".join(download.streaming_content).decode()
        assert body.splitlines()[0].startswith("at_utc,user,scheme,reference,purpose")
        assert f"{police_om.email},stockton,S-1,page_view" in body
    stranger = OffenderFactory(scheme=other_scheme)
    AccessLogEntry.objects.create(user=police_om, offender=stranger, purpose="page_view")
    client.force_login(coordinator)
    assert stranger.local_id not in client.get(reverse("access-log")).content.decode()


@pytest.mark.parametrize("persona", ["police_om", "custody_officer", "steering_viewer"])
def test_other_roles_cannot_read_the_access_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("access-log")).status_code == 404
