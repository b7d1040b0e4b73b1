"""The nightly review job: flags opened and closed as they start and stop firing, one
notification per flag however often it runs, to those shown what it says; the police told
30 days before a release."""

from datetime import date, timedelta

import pytest

from ppo.codes import EventKind
from ppo.models import Notification
from ppo.services import offender_access_grant, offender_create, offender_manager_assign
from reporting.models import FlagRecord
from reporting.services import review_flags_record
from tests.factories import EventFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)


@pytest.fixture
def dean(scheme, police_om, housing_officer, coordinator):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    offender_access_grant(offenders=[person], agency=housing_officer.memberships.get().agency,
                          by=None)  # fmt: skip
    ProgrammeMembershipFactory(offender=person, start_date=date(2024, 1, 15))
    offender_manager_assign(offender=person, manager=police_om,
                            agency=police_om.memberships.get().agency, by=coordinator,
                            on=date(2024, 1, 15))  # fmt: skip
    return person


def test_flags_open_close_and_are_told_once(scheme, dean, police_om, housing_officer):
    opened, closed = review_flags_record(scheme=scheme, on=ON)
    codes = set(FlagRecord.objects.values_list("code", flat=True))
    assert {"two_year_review", "quarterly_review_due", "no_offending_6m"} <= codes
    assert (opened, closed) == (len(codes), 0)
    told = Notification.objects.filter(user=police_om).count()
    assert told == len(codes)
    # Running again the same night changes nothing and tells no one again.
    assert review_flags_record(scheme=scheme, on=ON) == (0, 0)
    assert Notification.objects.filter(user=police_om).count() == told
    # An arrest stops "stopped offending?" firing: its record closes.
    EventFactory(offender=dean, kind=EventKind.ARREST, date=ON)
    assert review_flags_record(scheme=scheme, on=ON + timedelta(days=1))[1] == 1
    assert FlagRecord.objects.get(code="no_offending_6m").closed_on == ON + timedelta(days=1)


def test_a_manager_is_told_only_of_flags_they_may_see(scheme, dean, housing_officer, coordinator):
    offender_manager_assign(offender=dean, manager=housing_officer,
                            agency=housing_officer.memberships.get().agency, by=coordinator,
                            on=date(2026, 5, 1))  # fmt: skip
    review_flags_record(scheme=scheme, on=ON)
    told = " ".join(
        Notification.objects.filter(user=housing_officer).values_list("text", flat=True)
    )
    # Housing is shown neither offending nor intelligence without consent.
    assert "Two-year review due" in told
    assert "Stopped offending?" not in told


def test_the_police_are_told_30_days_before_release(scheme, dean, police_om, housing_officer):
    EventFactory(offender=dean, kind=EventKind.CUSTODY_START, date=date(2026, 1, 1),
                 expected_release=ON + timedelta(days=30))  # fmt: skip
    review_flags_record(scheme=scheme, on=ON)
    release = Notification.objects.filter(text__contains="Release soon")
    assert [n.user for n in release] == [police_om]


def test_the_nightly_task_records_the_schemes_flags(scheme, dean):
    from reporting.tasks import review_flags_record_scheme

    review_flags_record_scheme.run(scheme.pk)
    assert FlagRecord.objects.filter(scheme=scheme, closed_on__isnull=True).exists()


def test_a_new_notification_is_emailed_once_without_personal_data(
    scheme, dean, police_om, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_flags_record(scheme=scheme, on=ON)
    to_police = [m for m in mailoutbox if m.to == [police_om.email]]
    assert len(to_police) == Notification.objects.filter(user=police_om).count()
    assert "S-1" not in to_police[0].body
    assert "/notifications/" in to_police[0].body
    with django_capture_on_commit_callbacks(execute=True):
        review_flags_record(scheme=scheme, on=ON)
    assert len([m for m in mailoutbox if m.to == [police_om.email]]) == len(to_police)
