"""What a review of reporting found, each fixed and held by a test."""

import threading
from datetime import date

import pytest
from django.db import connection

from ppo.codes import EventKind
from ppo.models import Notification
from ppo.services import offender_access_grant, offender_create, offender_manager_assign
from reporting.models import MonthlyReturn
from reporting.reoffending import reoffending
from reporting.returns import monthly_return
from reporting.services import return_build, review_flags_record
from tests.factories import EventFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

START = date(2025, 4, 1)
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


def test_charges_and_convictions_recorded_late_still_count_by_offence_date(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=START)
    EventFactory(offender=person, kind=EventKind.CHARGE, date=date(2026, 6, 1),
                 offence_date=date(2026, 3, 1), offence_category="theft_shop")  # fmt: skip
    EventFactory(offender=person, kind=EventKind.CONVICTION, date=date(2026, 5, 1), tics=3,
                 offence_date=date(2025, 1, 1), offence_category="theft_shop")  # fmt: skip
    result = reoffending(scheme=scheme, entered_from=START, entered_to=START)
    assert (result["offences_after"], result["tics_before"]) == (1, 3)


def test_percentages_and_rates_round_half_up(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=START)
    for number in range(80):
        EventFactory(offender=person, kind=EventKind.CHARGE, date=date(2024, 6, 1),
                     offence_category="theft_shop", reference=f"b{number}")  # fmt: skip
    for number in range(81):
        EventFactory(offender=person, kind=EventKind.CHARGE, date=date(2025, 6, 1),
                     offence_category="theft_shop", reference=f"a{number}")  # fmt: skip
    assert reoffending(scheme=scheme, entered_from=START, entered_to=START)["change_pct"] == 1.3


def test_a_further_short_sentence_does_not_shorten_a_long_one(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=date(2026, 1, 5))
    EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2026, 2, 1),
                 sentence_months=36)  # fmt: skip
    EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2026, 9, 1),
                 sentence_months=4, reference="2")  # fmt: skip
    assert (
        monthly_return(scheme=scheme, first=FIRST, last=LAST)["cohort"][
            "custody_sentenced_over_12m"
        ]
        == 1
    )


def test_someone_with_two_open_memberships_is_one_person_in_the_demographics(scheme):
    person = OffenderFactory(scheme=scheme, gender="F")
    ProgrammeMembershipFactory(offender=person, start_date=date(2026, 1, 5))
    ProgrammeMembershipFactory(offender=person, start_date=date(2026, 2, 5))
    result = monthly_return(scheme=scheme, first=FIRST, last=LAST)
    assert result["cohort"]["total"] == 2  # memberships, as formats.md counts them
    assert result["demographics"]["gender"]["F"] == 1


@pytest.mark.django_db(transaction=True)
def test_two_builds_at_once_for_a_new_month_do_not_crash(scheme):
    OffenderFactory(scheme=scheme)
    problems, start = [], threading.Barrier(2)

    def build():
        try:
            start.wait()
            return_build(scheme=scheme, first=FIRST, last=LAST)
        except Exception as error:
            problems.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert MonthlyReturn.objects.count() == 1


def test_a_flag_no_manager_may_see_goes_to_someone_who_may(
    scheme, police_om, housing_officer, coordinator
):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=[],
    )  # fmt: skip
    for agency in (housing_officer.memberships.get().agency,
                   coordinator.memberships.get().agency):  # fmt: skip
        offender_access_grant(offenders=[person], agency=agency, by=None)
    ProgrammeMembershipFactory(offender=person, start_date=date(2024, 1, 15))
    offender_manager_assign(offender=person, manager=housing_officer,
                            agency=housing_officer.memberships.get().agency, by=coordinator,
                            on=date(2024, 1, 15))  # fmt: skip
    review_flags_record(scheme=scheme, on=date(2026, 6, 1))

    def told(user):
        return " ".join(Notification.objects.filter(user=user).values_list("text", flat=True))

    # The housing manager may see the two-year review, so is told of it; no one but the
    # police may see "stopped offending?" (it reveals intelligence), so the police are told.
    assert "Two-year review due" in told(housing_officer)
    assert "Stopped offending?" not in told(housing_officer) + told(coordinator)
    assert "Stopped offending?" in told(police_om)
