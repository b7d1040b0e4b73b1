"""Status at a date: every rule of formats.md "Status at a date" and "Dates and periods"."""

from datetime import date

import pytest

from ppo.codes import EventKind as K
from ppo.codes import OrderType, Status
from ppo.models import Offender
from ppo.status import status_at, statuses_at
from tests.factories import EventFactory, OffenderFactory

pytestmark = pytest.mark.django_db

D = date(2026, 6, 15)


@pytest.fixture
def person():
    return OffenderFactory()


def record(person, kind, on, **columns):
    return EventFactory(offender=person, kind=kind, date=on, **columns)


def status(person, on=D):
    return status_at(offender=person, on=on)


def test_no_history_means_at_liberty_without_supervision(person):
    assert status(person) == Status.COMMUNITY_NON_STATUTORY


def test_remand_is_open_from_its_start_until_the_day_it_ends(person):
    record(person, K.REMAND_START, date(2026, 6, 1))
    record(person, K.REMAND_END, date(2026, 6, 20))
    assert status(person, date(2026, 5, 31)) == Status.COMMUNITY_NON_STATUTORY
    assert status(person, date(2026, 6, 1)) == Status.CUSTODY_REMAND
    assert status(person, date(2026, 6, 19)) == Status.CUSTODY_REMAND
    assert status(person, date(2026, 6, 20)) == Status.COMMUNITY_NON_STATUTORY


def test_a_later_remand_reopens_custody(person):
    record(person, K.REMAND_START, date(2026, 1, 1))
    record(person, K.REMAND_END, date(2026, 2, 1))
    record(person, K.REMAND_START, date(2026, 6, 1))
    assert status(person) == Status.CUSTODY_REMAND


def test_someone_released_on_d_is_not_in_custody_on_d(person):
    record(person, K.CUSTODY_START, date(2025, 6, 1), sentence_months=18)
    record(person, K.RELEASE, D)
    assert status(person, date(2026, 6, 14)) == Status.CUSTODY_SENTENCED
    assert status(person, D) == Status.COMMUNITY_NON_STATUTORY


def test_expected_release_is_only_an_expectation(person):
    record(person, K.CUSTODY_START, date(2025, 1, 1), expected_release=date(2026, 1, 1))
    assert status(person) == Status.CUSTODY_SENTENCED


def test_a_release_before_the_sentence_began_does_not_close_it(person):
    record(person, K.RELEASE, date(2025, 1, 1))
    record(person, K.CUSTODY_START, date(2026, 1, 1))
    assert status(person) == Status.CUSTODY_SENTENCED


def test_remand_comes_before_a_sentence(person):
    record(person, K.CUSTODY_START, date(2026, 1, 1))
    record(person, K.REMAND_START, date(2026, 3, 1))
    assert status(person) == Status.CUSTODY_REMAND


def test_custody_comes_before_an_open_court_case(person):
    record(person, K.CHARGE, date(2026, 2, 1), offence_category="theft_shop", case_ref="C1")
    record(person, K.CUSTODY_START, date(2026, 3, 1))
    assert status(person) == Status.CUSTODY_SENTENCED


def test_a_charge_opens_a_court_case_until_conviction_on_that_case(person):
    record(person, K.CHARGE, date(2026, 5, 1), offence_category="robbery", case_ref="C1")
    record(person, K.CONVICTION, date(2026, 6, 20), offence_category="robbery", case_ref="C1")
    assert status(person) == Status.IN_COURT_PROCESS
    assert status(person, date(2026, 6, 20)) == Status.COMMUNITY_NON_STATUTORY


def test_a_conviction_on_another_case_leaves_the_case_open(person):
    record(person, K.CHARGE, date(2026, 5, 1), offence_category="robbery", case_ref="C1")
    record(person, K.CONVICTION, date(2026, 6, 1), offence_category="fraud", case_ref="C2")
    assert status(person) == Status.IN_COURT_PROCESS


def test_a_conviction_without_case_ref_closes_every_case_charged_by_then(person):
    record(person, K.CHARGE, date(2026, 4, 1), offence_category="robbery", case_ref="C1")
    record(person, K.CHARGE, date(2026, 5, 1), offence_category="fraud")
    record(person, K.CONVICTION, date(2026, 6, 1), offence_category="fraud")
    assert status(person) == Status.COMMUNITY_NON_STATUTORY


def test_a_charge_after_a_conviction_without_case_ref_stays_open(person):
    record(person, K.CONVICTION, date(2026, 5, 1), offence_category="fraud")
    record(person, K.CHARGE, date(2026, 6, 1), offence_category="fraud", case_ref="C9")
    assert status(person) == Status.IN_COURT_PROCESS


def test_case_closed_ends_its_case(person):
    record(person, K.CHARGE, date(2026, 4, 1), offence_category="robbery", case_ref="C1")
    record(person, K.CASE_CLOSED, date(2026, 6, 1), case_ref="C1")
    assert status(person) == Status.COMMUNITY_NON_STATUTORY


def test_an_open_court_case_comes_before_an_order(person):
    record(person, K.ORDER_START, date(2026, 1, 1), order_type=OrderType.COMMUNITY_ORDER)
    record(person, K.CHARGE, date(2026, 6, 1), offence_category="robbery", case_ref="C1")
    assert status(person) == Status.IN_COURT_PROCESS


def test_an_order_runs_to_its_end_date_inclusive(person):
    record(
        person, K.ORDER_START, date(2026, 1, 1),
        order_type=OrderType.COMMUNITY_ORDER, end_date=D,
    )  # fmt: skip
    assert status(person, date(2025, 12, 31)) == Status.COMMUNITY_NON_STATUTORY
    assert status(person, date(2026, 1, 1)) == Status.COMMUNITY_STATUTORY
    assert status(person, D) == Status.COMMUNITY_STATUTORY
    assert status(person, date(2026, 6, 16)) == Status.COMMUNITY_NON_STATUTORY


def test_an_order_without_end_date_runs_until_ended(person):
    record(person, K.ORDER_START, date(2026, 1, 1), order_type=OrderType.DRR)
    assert status(person, date(2030, 1, 1)) == Status.COMMUNITY_STATUTORY


def test_order_end_closes_an_order_from_its_date(person):
    record(
        person, K.ORDER_START, date(2026, 1, 1),
        order_type=OrderType.COMMUNITY_ORDER, end_date=date(2027, 1, 1),
    )  # fmt: skip
    record(person, K.ORDER_END, D, order_type=OrderType.COMMUNITY_ORDER)
    assert status(person, date(2026, 6, 14)) == Status.COMMUNITY_STATUTORY
    assert status(person, D) == Status.COMMUNITY_NON_STATUTORY


def test_order_end_of_another_type_does_not_close_the_order(person):
    record(person, K.ORDER_START, date(2026, 1, 1), order_type=OrderType.COMMUNITY_ORDER)
    record(person, K.ORDER_END, date(2026, 3, 1), order_type=OrderType.DRR)
    assert status(person) == Status.COMMUNITY_STATUTORY


def test_a_release_with_licence_end_is_supervised_to_that_date(person):
    record(person, K.CUSTODY_START, date(2025, 1, 1))
    record(person, K.RELEASE, date(2026, 1, 1), licence_end=D)
    assert status(person, D) == Status.COMMUNITY_STATUTORY
    assert status(person, date(2026, 6, 16)) == Status.COMMUNITY_NON_STATUTORY


def test_a_release_without_licence_is_not_supervision(person):
    record(person, K.CUSTODY_START, date(2025, 1, 1))
    record(person, K.RELEASE, date(2026, 1, 1))
    assert status(person) == Status.COMMUNITY_NON_STATUTORY


def test_recall_ends_a_licence_only_through_order_end(person):
    record(person, K.RELEASE, date(2026, 1, 1), licence_end=date(2027, 1, 1))
    record(person, K.ORDER_END, date(2026, 5, 1), order_type=OrderType.LICENCE)
    assert status(person) == Status.COMMUNITY_NON_STATUTORY


def test_custody_does_not_end_an_order_it_only_takes_precedence(person):
    record(person, K.ORDER_START, date(2026, 1, 1), order_type=OrderType.SUSPENDED_SENTENCE)
    record(person, K.REMAND_START, date(2026, 3, 1))
    record(person, K.REMAND_END, date(2026, 4, 1))
    assert status(person, date(2026, 3, 15)) == Status.CUSTODY_REMAND
    assert status(person) == Status.COMMUNITY_STATUTORY


def test_status_of_many_people_is_one_query(django_assert_num_queries):
    people = [OffenderFactory() for _ in range(20)]
    for index, person in enumerate(people):
        if index % 4 == 0:
            record(person, K.REMAND_START, date(2026, 1, 1))
        elif index % 4 == 1:
            record(person, K.CUSTODY_START, date(2026, 1, 1))
        elif index % 4 == 2:
            record(person, K.ORDER_START, date(2026, 1, 1), order_type=OrderType.DRR)
    with django_assert_num_queries(1):
        result = statuses_at(offenders=Offender.objects.all(), on=D)
    assert result == {person.pk: status_at(offender=person, on=D) for person in people}
    assert set(result.values()) == {
        Status.CUSTODY_REMAND,
        Status.CUSTODY_SENTENCED,
        Status.COMMUNITY_STATUTORY,
        Status.COMMUNITY_NON_STATUTORY,
    }
