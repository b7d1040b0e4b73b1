import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ppo.codes import EventKind
from ppo.services import event_record, offender_create
from sharing.models import AccessLogEntry, SubjectAccessExport
from sharing.subject_access import subject_access_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def dean(scheme, coordinator, police_om):
    person = offender_create(
        scheme=scheme, by=coordinator,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "O'Neil & Sons <x>",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=["Deano"],
    )  # fmt: skip
    event_record(
        offender=person, by=coordinator, kind=EventKind.DRUG_TEST, date=date(2026, 1, 5),
        reference="", values={"result": "positive", "substance": "opiates"},
    )  # fmt: skip
    return person


def test_a_coordinator_requests_and_downloads_a_full_export(
    client, dean, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("subject-access", args=[dean.pk])
    with django_capture_on_commit_callbacks() as queued:
        assert client.post(url).status_code == 302
    assert len(queued) == 1
    export = SubjectAccessExport.objects.get()
    assert subject_access_build(export_id=export.pk) is True
    assert subject_access_build(export_id=export.pk) is False  # a redelivery does nothing
    export.refresh_from_db()
    assert export.state == "ready"
    response = client.get(reverse("subject-access-download", args=[dean.pk, export.pk]))
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(bundle.namelist())
    assert {"summary.pdf", "person.csv", "history.csv", "consent.csv", "disclosures.csv",
            "who_consulted.csv"} <= names  # fmt: skip
    assert "opiates" in bundle.read("history.csv").decode()
    summary = PdfReader(io.BytesIO(bundle.read("summary.pdf")))
    text = " ".join(" ".join(page.extract_text() for page in summary.pages).split())
    assert f"Subject access export: record {dean.local_id}" in text
    assert "substance: opiates" in text
    assert AccessLogEntry.objects.filter(purpose="export", user=coordinator).exists()


@pytest.mark.parametrize("persona", ["police_om", "cjit_worker", "steering_viewer"])
def test_others_cannot_request_or_download(client, dean, request, persona, coordinator):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("subject-access", args=[dean.pk])).status_code == 404
    assert client.post(reverse("subject-access", args=[dean.pk])).status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_a_data_protection_officer_without_a_grant_handles_the_export(
    client, dean, data_protection_officer, police_om
):
    client.force_login(data_protection_officer)
    url = reverse("subject-access", args=[dean.pk])
    assert client.get(url).status_code == 200
    # ...but still cannot read the record itself in the service.
    assert client.get(reverse("offender-detail", args=[dean.pk])).status_code == 404
