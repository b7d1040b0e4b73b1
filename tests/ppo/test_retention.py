"""Retention: when a record is due for review (derived from history, as at a date), and the
decisions to keep one. Erasure is tests/ppo/test_erasure.py; the pages test_retention_views.py.
"""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, transaction

from ppo.codes import EventKind, Programme
from ppo.erasure import NOT_DUE, RETAIN_REASON_MISSING, offender_retain, scheme_retention_set
from ppo.models import Offender, RetentionDecision
from ppo.retention import records_due, review_by_at, with_review_by
from selection.models import Decision, PanelMeeting, Referral
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OffenderFactory,
    ProgrammeMembershipFactory,
)

pytestmark = pytest.mark.django_db

LEFT = date(2020, 3, 15)
REVIEW_BY = date(2026, 3, 15)  # six years on, the default period


@pytest.fixture
def left(scheme):
    """Left the PPO list on 15 March 2020 after an IOM spell that ended earlier."""
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(
        offender=person, programme=Programme.IOM, start_date=date(2016, 1, 4),
        end_date=date(2018, 6, 1),
    )  # fmt: skip
    ProgrammeMembershipFactory(
        offender=person, start_date=date(2018, 6, 1), end_date=LEFT,
        exit_reason="stopped_offending", exit_destination="iom",
    )  # fmt: skip
    return person


def _due(scheme, on) -> list:
    return list(records_due(scheme=scheme, on=on))


@pytest.mark.parametrize(
    ("on", "due"),
    [(date(2026, 3, 14), False), (REVIEW_BY, True), (date(2026, 3, 16), True)],
    ids=["the day before", "the day itself", "the day after"],
)
def test_a_record_is_due_the_period_after_leaving_the_last_programme(scheme, left, on, due):
    assert review_by_at(offender=left, on=on) == REVIEW_BY
    assert (left in _due(scheme, on)) is due


def test_the_list_gives_the_dates_it_is_due_on(scheme, left):
    [row] = _due(scheme, REVIEW_BY)
    assert (row.left_programmes_on, row.review_by, row.retained_until) == (LEFT, REVIEW_BY, None)


@pytest.mark.parametrize(
    "end_date", [None, date(2027, 1, 1)], ids=["an open membership", "one ending later"]
)
def test_someone_on_a_programme_is_never_due(scheme, left, end_date):
    ProgrammeMembershipFactory(
        offender=left, programme=Programme.CJIT, start_date=date(2010, 1, 1), end_date=end_date
    )
    for on in (REVIEW_BY, date(2026, 12, 31)):
        assert review_by_at(offender=left, on=on) is None
        assert _due(scheme, on) == []


def test_a_spell_recorded_to_start_later_counts_as_being_on_a_programme(scheme, left):
    ProgrammeMembershipFactory(offender=left, start_date=date(2026, 9, 1), end_date=None)
    assert review_by_at(offender=left, on=REVIEW_BY) is None


def test_joining_again_starts_the_period_again(scheme, left):
    ProgrammeMembershipFactory(
        offender=left, start_date=date(2021, 5, 1), end_date=date(2022, 2, 1)
    )
    assert review_by_at(offender=left, on=REVIEW_BY) == date(2028, 2, 1)
    assert _due(scheme, REVIEW_BY) == []


def test_someone_never_on_a_programme_is_reviewed_from_when_they_were_added(scheme):
    with time_machine.travel(date(2019, 8, 20)):
        candidate = OffenderFactory(scheme=scheme)
    assert review_by_at(offender=candidate, on=date(2025, 1, 1)) == date(2025, 8, 20)
    assert _due(scheme, date(2025, 8, 19)) == []
    assert _due(scheme, date(2025, 8, 20)) == [candidate]


def test_later_history_referrals_and_panel_decisions_keep_a_record_in_use(
    scheme, left, police_om, coordinator
):
    """Someone off every programme (or never on one) who is arrested, referred again or
    considered by a panel is reviewed the period after the latest of those, up to the day."""
    with time_machine.travel(date(2015, 2, 2)):
        candidate = OffenderFactory(scheme=scheme)
    assert review_by_at(offender=candidate, on=REVIEW_BY) == date(2021, 2, 2)

    EventFactory(offender=left, kind=EventKind.ARREST, date=date(2021, 7, 9))
    EventFactory(offender=left, kind=EventKind.ARREST, date=date(2027, 1, 1))  # not yet
    assert review_by_at(offender=left, on=REVIEW_BY) == date(2027, 7, 9)
    with time_machine.travel(date(2022, 10, 3)):
        referral = Referral.objects.create(
            scheme=scheme, offender=candidate, referred_by=police_om, reasons="Shoplifting again"
        )
    assert review_by_at(offender=candidate, on=REVIEW_BY) == date(2028, 10, 3)
    meeting = PanelMeeting.objects.create(scheme=scheme, held_on=date(2023, 1, 12))
    Decision.objects.create(
        meeting=meeting, offender=candidate, kind="reject", rationale="Below the threshold",
        referral=referral, decided_by=coordinator,
    )  # fmt: skip
    [row] = with_review_by(Offender.objects.filter(pk=candidate.pk), on=REVIEW_BY)
    assert (row.last_activity, row.review_by) == (date(2023, 1, 12), date(2029, 1, 12))
    assert review_by_at(offender=candidate, on=date(2023, 1, 11)) == date(2028, 10, 3)
    assert _due(scheme, REVIEW_BY) == []


def test_the_schemes_period_decides_and_29_february_becomes_28(scheme, other_scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(
        offender=person, start_date=date(2017, 1, 1), end_date=date(2020, 2, 29)
    )
    assert review_by_at(offender=person, on=date(2026, 3, 1)) == date(2026, 2, 28)
    scheme.retention_years = 3
    scheme.save()
    assert review_by_at(offender=person, on=date(2026, 3, 1)) == date(2023, 2, 28)
    assert _due(other_scheme, date(2030, 1, 1)) == []  # each scheme lists its own


def test_keeping_a_record_moves_its_review_on_by_the_period(scheme, left, coordinator):
    decision = offender_retain(
        offender=left, by=coordinator, reason="Court case still open", on=date(2026, 4, 1)
    )
    assert (decision.decided_on, decision.review_by) == (date(2026, 4, 1), date(2032, 4, 1))
    assert decision.decided_by == coordinator
    assert _due(scheme, date(2026, 4, 1)) == []
    assert _due(scheme, date(2032, 3, 31)) == []
    [row] = _due(scheme, date(2032, 4, 1))
    assert (row.review_by, row.retained_until) == (date(2032, 4, 1), date(2032, 4, 1))
    # As at a day before the decision, it had not been taken.
    assert review_by_at(offender=left, on=date(2026, 3, 20)) == REVIEW_BY


def test_each_decision_is_a_new_row_and_the_database_refuses_edits(scheme, left, coordinator):
    first = offender_retain(offender=left, by=coordinator, reason="Open case", on=REVIEW_BY)
    second = offender_retain(
        offender=left, by=coordinator, reason="Still open", on=date(2032, 3, 15)
    )
    assert list(RetentionDecision.objects.order_by("id")) == [first, second]
    assert review_by_at(offender=left, on=date(2032, 3, 15)) == date(2038, 3, 15)
    for change in (
        lambda: RetentionDecision.objects.filter(pk=first.pk).update(reason="edited"),
        lambda: RetentionDecision.objects.filter(pk=first.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


@pytest.mark.parametrize("reason", ["", "   "])
def test_keeping_needs_a_reason_and_writes_nothing_without_one(left, coordinator, reason):
    with pytest.raises(ValidationError) as refused:
        offender_retain(offender=left, by=coordinator, reason=reason, on=REVIEW_BY)
    assert refused.value.message_dict == {"reason": [RETAIN_REASON_MISSING]}
    assert not RetentionDecision.objects.exists()


def test_only_a_coordinator_of_the_scheme_keeps_a_due_record(
    scheme, other_scheme, left, police_om, coordinator
):
    stranger = MembershipFactory(agency__scheme=other_scheme, role="coordinator").user
    for user in (police_om, stranger):
        with pytest.raises(ValidationError) as refused:
            offender_retain(offender=left, by=user, reason="Keep", on=REVIEW_BY)
        assert refused.value.code == "forbidden"
    with pytest.raises(ValidationError, match=NOT_DUE):
        offender_retain(offender=left, by=coordinator, reason="Keep", on=date(2026, 3, 14))
    assert not RetentionDecision.objects.exists()


@pytest.mark.parametrize(("years", "saved"), [(0, False), (1, True), (20, True), (21, False)])
def test_the_retention_period_is_1_to_20_years(scheme, coordinator, years, saved):
    if saved:
        scheme_retention_set(scheme=scheme, years=years, by=coordinator)
    else:
        with pytest.raises(ValidationError):
            scheme_retention_set(scheme=scheme, years=years, by=coordinator)
    scheme.refresh_from_db()
    assert scheme.retention_years == (years if saved else 6)


def test_the_database_holds_the_period_to_1_to_20_years(scheme):
    scheme.retention_years = 21
    with pytest.raises(DatabaseError), transaction.atomic():
        scheme.save()


def test_the_retention_due_command(scheme, left, capsys):
    call_command("retention_due", "--as-at", "2026-03-15")
    out = capsys.readouterr().out
    assert (
        f"stockton\t{left.local_id}\tleft programmes: 2020-03-15\tlast activity: none\t"
        "review by: 2026-03-15"
    ) in out
    assert "1 record(s) due for review on 2026-03-15." in out
    assert left.last_name not in out
    call_command(
        "retention_due", "--scheme", "stockton", "--as-at", "2026-03-14", "--format", "json"
    )
    assert '"due": []' in capsys.readouterr().out
