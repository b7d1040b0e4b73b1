"""Monthly return pages and their freezing: coordinators only, submit once what was
reviewed, a submitted return never changes (the database refuses), back-dated history shows
as differences with their causes, the job builds drafts idempotently."""

import json
from datetime import date

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from ppo.codes import EventKind
from ppo.services import event_record
from reporting.models import MonthlyReturn
from reporting.services import return_build, return_checksum, return_text
from reporting.tasks import monthly_return_build
from tests.factories import MembershipFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

MONTH = "2026-10"
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


@pytest.fixture
def person(scheme):
    person = OffenderFactory(scheme=scheme, local_id="S-1")
    ProgrammeMembershipFactory(offender=person, start_date=date(2026, 1, 5))
    return person


def url(scheme):
    return reverse("return-detail", args=[scheme.slug, MONTH])


def test_only_the_schemes_coordinators_see_returns(
    client, scheme, police_om, steering_viewer, no_role_user, other_scheme
):
    outsider = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    for persona in (police_om, steering_viewer, no_role_user, outsider):
        client.force_login(persona)
        assert client.get(reverse("returns", args=[scheme.slug])).status_code == 404
        assert client.get(url(scheme)).status_code == 404
        assert client.post(url(scheme), {"reviewed": "x"}).status_code == 404
    assert not MonthlyReturn.objects.exists()


def test_submitting_freezes_what_was_reviewed(client, scheme, person, coordinator, police_om):
    client.force_login(coordinator)
    page = client.get(url(scheme))
    assert "Submit the return" in page.content.decode()
    reviewed = page.context["reviewed"]
    # History recorded meanwhile: the reviewed figures are no longer the figures.
    event_record(offender=person, by=police_om, kind=EventKind.CUSTODY_START,
                 date=date(2026, 10, 15), reference="", values={})  # fmt: skip
    response = client.post(url(scheme), {"reviewed": reviewed}, follow=True)
    assert "The figures changed since you opened the page" in response.content.decode()
    assert not MonthlyReturn.objects.filter(state="submitted").exists()
    reviewed = client.get(url(scheme)).context["reviewed"]
    client.post(url(scheme), {"reviewed": reviewed})
    filed = MonthlyReturn.objects.get()
    assert (filed.state, filed.submitted_by, filed.checksum) == ("submitted", coordinator,
                                                                 reviewed)  # fmt: skip
    assert json.loads(filed.filed)["cohort"]["custody_sentenced"] == 1
    response = client.post(url(scheme), {"reviewed": reviewed}, follow=True)
    assert "already been submitted" in response.content.decode()


def test_a_back_dated_event_shows_against_the_filed_return(
    client, scheme, person, coordinator, police_om
):
    from ppo.services import offender_access_grant

    offender_access_grant(offenders=[person], agency=coordinator.memberships.get().agency,
                          by=None)  # fmt: skip
    client.force_login(coordinator)
    client.post(url(scheme), {"reviewed": client.get(url(scheme)).context["reviewed"]})
    filed = MonthlyReturn.objects.get()
    # Recomputing with no new history gives the same bytes.
    download = client.get(url(scheme), {"format": "json"})
    assert download.content.decode() == filed.filed
    event_record(offender=person, by=police_om, kind=EventKind.REMAND_START,
                 date=date(2026, 10, 30), reference="late", values={})  # fmt: skip
    page = client.get(url(scheme))
    assert ("cohort.custody_remand", 0, 1) in page.context["changes"]
    assert [e.reference for e in page.context["causes"]] == ["late"]
    assert client.get(url(scheme), {"format": "json"}).content.decode() == filed.filed
    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(url(scheme), {"format": fmt}).status_code == 200


def test_the_database_refuses_to_change_a_submitted_return(scheme, person, coordinator):
    built = return_build(scheme=scheme, first=FIRST, last=LAST)
    MonthlyReturn.objects.filter(pk=built.pk).update(draft={"changed": True})  # a draft may
    built.refresh_from_db()
    text = return_text(built.draft)
    MonthlyReturn.objects.filter(pk=built.pk).update(
        state="submitted", filed=text, checksum=return_checksum(built.draft),
        submitted_by=coordinator, submitted_at="2026-11-02T09:00:00Z",
    )  # fmt: skip
    for change in (
        lambda: MonthlyReturn.objects.filter(pk=built.pk).update(filed="{}"),
        lambda: MonthlyReturn.objects.filter(pk=built.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            change()
    # Building again leaves it as filed.
    assert return_build(scheme=scheme, first=FIRST, last=LAST).filed == text


def test_the_job_builds_the_same_draft_however_often_it_runs(scheme, person):
    monthly_return_build.run(scheme.pk, FIRST.isoformat())
    first = MonthlyReturn.objects.get()
    monthly_return_build.run(scheme.pk, FIRST.isoformat())
    again = MonthlyReturn.objects.get()
    assert again.draft == first.draft
    assert MonthlyReturn.objects.count() == 1
    assert again.draft["cohort"]["total"] == 1


def test_a_month_that_has_not_ended_is_not_found(client, scheme, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("return-detail", args=[scheme.slug, "2999-01"])).status_code == 404
    assert client.get(reverse("return-detail", args=[scheme.slug, "soon"])).status_code == 404
