"""The retention pages: only the scheme's coordinators (404 for everyone and everything else),
GOV.UK errors that write nothing, UK dates, the access log and the query budget."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppo.models import ErasureLog, Offender, RetentionDecision, Scheme
from ppo.services import offender_access_grant
from sharing.models import AccessLogEntry
from tests.factories import MembershipFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=True):
        yield date(2026, 11, 22)


def _left(scheme, end_date, **fields):
    person = OffenderFactory(scheme=scheme, **fields)
    ProgrammeMembershipFactory(offender=person, start_date=date(2015, 1, 5), end_date=end_date)
    return person


def _share_with(person, user):
    offender_access_grant(offenders=[person], agency=user.memberships.get().agency, by=None)


@pytest.fixture
def due(scheme, coordinator):
    person = _left(scheme, date(2020, 3, 15), first_name="Dean", last_name="Ozymandias")
    _share_with(person, coordinator)
    return person


@pytest.fixture
def not_due(scheme, coordinator):
    person = _left(scheme, date(2021, 1, 10), first_name="Nadia", last_name="Notyet")
    _share_with(person, coordinator)
    return person


@pytest.fixture
def other_coordinator(other_scheme):
    return MembershipFactory(agency__scheme=other_scheme, role="coordinator").user


@pytest.fixture
def elsewhere(other_scheme, other_coordinator):
    """Due in another scheme."""
    person = _left(other_scheme, date(2019, 1, 1), first_name="Wendy", last_name="Wakefield")
    _share_with(person, other_coordinator)
    return person


def _list(scheme):
    return reverse("retention-due", args=[scheme.slug])


def _retain(scheme, person):
    return reverse("retention-retain", args=[scheme.slug, person.pk])


def _erase(scheme, person):
    return reverse("retention-erase", args=[scheme.slug, person.pk])


def _settings(scheme):
    return reverse("retention-settings", args=[scheme.slug])


def test_the_coordinator_sees_what_is_due_with_uk_dates(client, coordinator, scheme, due, not_due):
    client.force_login(coordinator)
    page = client.get(_list(scheme)).content.decode()
    assert "Records due for review" in page
    assert "OZYMANDIAS, Dean" in page
    assert "15 March 2020" in page  # left programmes on
    assert "15 March 2026" in page  # review by
    assert "Notyet" not in page  # due on 10 January 2027
    assert _retain(scheme, due) in page
    assert _erase(scheme, due) in page
    assert "No records of this scheme have been erased." in page


def test_a_name_not_shared_with_the_coordinator_is_not_shown(client, coordinator, scheme):
    hidden = _left(scheme, date(2019, 2, 1), first_name="Hidden", last_name="Person")
    client.force_login(coordinator)
    page = client.get(_list(scheme)).content.decode()
    assert f"Record {hidden.local_id}" in page
    assert "Hidden" not in page


def test_the_list_is_logged_as_a_consultation(client, coordinator, scheme, due):
    client.force_login(coordinator)
    client.get(_list(scheme))
    entry = AccessLogEntry.objects.get(offender=due)
    assert (entry.user, entry.purpose) == (coordinator, "page_view")
    assert "identity" in entry.categories


def _every_url(scheme, person):
    return [
        ("get", _list(scheme)),
        ("get", _settings(scheme)),
        ("post", _settings(scheme)),
        ("get", _retain(scheme, person)),
        ("post", _retain(scheme, person)),
        ("get", _erase(scheme, person)),
        ("post", _erase(scheme, person)),
    ]


def test_everyone_but_the_schemes_coordinators_gets_404(
    client, scheme, due, police_om, cjit_worker, panel_member, authoriser, steering_viewer,
    data_protection_officer, custody_officer, service_admin, no_role_user, other_coordinator,
):  # fmt: skip
    posted = {"reason": "Keep it", "confirm": "1", "retention_years": "3"}
    for persona in (
        police_om, cjit_worker, panel_member, authoriser, steering_viewer,
        data_protection_officer, custody_officer, service_admin, no_role_user, other_coordinator,
    ):  # fmt: skip
        client.force_login(persona)
        for method, url in _every_url(scheme, due):
            response = getattr(client, method)(url, posted if method == "post" else None)
            assert response.status_code == 404, (persona, method, url)
    assert not RetentionDecision.objects.exists()
    assert not ErasureLog.objects.exists()
    assert Scheme.objects.get(pk=scheme.pk).retention_years == 6


def test_another_schemes_record_is_404_both_ways(
    client, scheme, other_scheme, coordinator, other_coordinator, due, elsewhere
):
    posted = {"reason": "Keep it", "confirm": "1"}
    client.force_login(coordinator)
    for url in (_retain(scheme, elsewhere), _erase(scheme, elsewhere)):
        assert client.get(url).status_code == 404
        assert client.post(url, posted).status_code == 404
    # Their coordinator cannot reach ours through their own scheme's address either.
    client.force_login(other_coordinator)
    for url in (_retain(other_scheme, due), _erase(other_scheme, due)):
        assert client.get(url).status_code == 404
        assert client.post(url, posted).status_code == 404
    assert not RetentionDecision.objects.exists()
    assert not ErasureLog.objects.exists()


def test_a_record_not_due_or_unknown_is_404(client, scheme, coordinator, not_due):
    client.force_login(coordinator)
    for url in (_retain(scheme, not_due), _erase(scheme, not_due)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "confirm": "1"}).status_code == 404
    assert client.get(reverse("retention-retain", args=[scheme.slug, 999999])).status_code == 404
    assert client.get(reverse("retention-due", args=["nowhere"])).status_code == 404


def test_keeping_without_a_reason_is_a_clear_error_and_writes_nothing(
    client, scheme, coordinator, due
):
    client.force_login(coordinator)
    response = client.post(_retain(scheme, due), {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Keep this record" in page
    assert "There is a problem" in page
    assert 'href="#id_reason">Enter why the record should be kept</a>' in page
    assert not RetentionDecision.objects.exists()


def test_keeping_a_record(client, scheme, coordinator, due, today):
    client.force_login(coordinator)
    page = client.get(_retain(scheme, due)).content.decode()
    assert "Keep this record" in page
    assert "Dean Ozymandias" in page
    response = client.post(_retain(scheme, due), {"reason": "Court case still open"}, follow=True)
    assert response.redirect_chain == [(_list(scheme), 302)]
    decision = RetentionDecision.objects.get()
    assert (decision.offender, decision.decided_by) == (due, coordinator)
    assert (decision.decided_on, decision.review_by) == (today, date(2032, 11, 22))
    page = response.content.decode()
    assert "It is due for review again by 22 November 2032." in page
    assert "OZYMANDIAS, Dean" not in page  # no longer due


def test_erasing_needs_a_reason_and_the_confirmation(client, scheme, coordinator, due):
    client.force_login(coordinator)
    page = client.post(_erase(scheme, due), {"reason": ""}).content.decode()
    assert "Enter why the record is being erased" in page
    assert "Confirm that you understand the record cannot be got back" in page
    page = client.post(_erase(scheme, due), {"reason": "Nothing to keep"}).content.decode()
    assert "Confirm that you understand the record cannot be got back" in page
    assert not ErasureLog.objects.exists()
    assert Offender.objects.get(pk=due.pk).first_name == "Dean"


def test_erasing_a_record(client, scheme, coordinator, due):
    client.force_login(coordinator)
    page = client.get(_erase(scheme, due)).content.decode()
    assert "Erase this record" in page
    assert "You cannot undo this." in page
    response = client.post(
        _erase(scheme, due), {"reason": "Nothing to keep", "confirm": "1"}, follow=True
    )
    assert response.redirect_chain == [(_list(scheme), 302)]
    log = ErasureLog.objects.get()
    page = response.content.decode()
    assert f"The record is erased. Its erasure reference is {log.reference}." in page
    assert "Ozymandias" not in page  # a name no demo or Faker person has
    assert "Nothing to keep" in page  # the erased records table
    assert "1 programme membership" in page
    assert Offender.objects.get(pk=due.pk).erased_at is not None


def test_the_retention_period_page(client, scheme, coordinator):
    client.force_login(coordinator)
    assert 'value="6"' in client.get(_settings(scheme)).content.decode()
    for value in ("0", "21", "six", ""):
        page = client.post(_settings(scheme), {"retention_years": value}).content.decode()
        assert "Enter a number of years from 1 to 20" in page, value
    assert Scheme.objects.get(pk=scheme.pk).retention_years == 6
    response = client.post(_settings(scheme), {"retention_years": "10"})
    assert response.status_code == 302
    assert Scheme.objects.get(pk=scheme.pk).retention_years == 10


def test_the_coordinators_pages_link_to_it(client, scheme, coordinator):
    client.force_login(coordinator)
    assert _list(scheme) in client.get(reverse("home")).content.decode()
    assert (
        _list(scheme) in client.get(reverse("team-caseload", args=[scheme.slug])).content.decode()
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_costs_the_same_queries_however_many_are_due(
    client, scheme, coordinator, django_assert_max_num_queries
):
    people = [_left(scheme, date(2019, 1, day)) for day in range(1, 3)]
    for person in people:
        _share_with(person, coordinator)
    client.force_login(coordinator)
    client.get(_list(scheme))  # the session and second factor settle on the first request
    few = _queries(client, _list(scheme))
    more = [_left(scheme, date(2019, 2, day)) for day in range(1, 11)]
    for person in more:
        _share_with(person, coordinator)
    assert _queries(client, _list(scheme)) == few
    # 10: session, user, scheme, coordinator check, the records due, effective access (2),
    # the access log, the menu's memberships, the erased records; one to spare for the
    # second factor's device.
    with django_assert_max_num_queries(12):
        page = client.get(_list(scheme)).content.decode()
    assert "12 records due" in page
