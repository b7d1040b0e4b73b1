"""Review flags (formats.md): each on the day before, of and after its threshold, the
thresholds per scheme, the command and the query budget."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from ppo.codes import EventKind, ExitReason, Programme
from ppo.dates import add_months
from selection.flags import review_flags
from selection.models import Decision, DecisionKind, PanelMeeting, ReviewThresholds
from tests.factories import EventFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

SINCE = date(2024, 1, 15)
DAY = timedelta(days=1)


@pytest.fixture
def ppo(scheme):
    person = OffenderFactory(scheme=scheme, local_id="S-1")
    ProgrammeMembershipFactory(offender=person, start_date=SINCE)
    return person


def codes(scheme, on) -> set[str]:
    return {flag.code for flag in review_flags(scheme=scheme, on=on)}


def fires(scheme, code, *days) -> list[bool]:
    return [code in codes(scheme, day) for day in days]


def decide(person, held_on, **fields):
    meeting = PanelMeeting.objects.create(scheme=person.scheme, held_on=held_on)
    return Decision.objects.create(
        meeting=meeting, offender=person, rationale="Reviewed", decided_by=fields.pop("by"),
        kind=fields.pop("kind", DecisionKind.RETAIN), **fields,
    )  # fmt: skip


def test_no_offending_after_six_months_without_arrest_or_intelligence(scheme, ppo):
    EventFactory(offender=ppo, kind=EventKind.INTELLIGENCE, date=date(2026, 1, 15))
    edge = date(2026, 7, 15)  # 15 January is then just outside the last six months
    assert fires(scheme, "no_offending_6m", edge - DAY, edge, edge + DAY) == [False, True, True]


def test_no_offending_needs_six_months_out_of_custody(scheme, ppo):
    EventFactory(offender=ppo, kind=EventKind.CUSTODY_START, date=date(2025, 6, 1))
    EventFactory(offender=ppo, kind=EventKind.RELEASE, date=date(2026, 2, 10))
    # In custody until 9 February; six months free of it are 10 February to 9 August.
    edge = date(2026, 8, 9)
    assert fires(scheme, "no_offending_6m", edge - DAY, edge, edge + DAY) == [False, True, True]


def test_no_offending_needs_six_months_on_the_list(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=date(2026, 3, 31))
    # "Six months before D" is counted back from D: six months before 30 September is 30
    # March, a day short, so the first day on the list six months is 1 October.
    edge = date(2026, 10, 1)
    assert fires(scheme, "no_offending_6m", edge - DAY, edge, edge + DAY) == [False, True, True]


def test_two_year_review_after_two_years_and_again_two_years_after_a_review(
    scheme, ppo, coordinator
):
    edge = add_months(SINCE, 24)
    assert fires(scheme, "two_year_review", edge - DAY, edge, edge + DAY) == [False, True, True]
    decide(ppo, edge + DAY, by=coordinator, two_year_review=True)
    later = add_months(edge + DAY, 24)
    assert fires(scheme, "two_year_review", edge + DAY, later - DAY, later) == [False, False, True]


def test_case_review_due_after_three_months_without_one(scheme, ppo, coordinator):
    edge = add_months(SINCE, 3) + DAY  # on the list *more* than three months
    assert fires(scheme, "quarterly_review_due", edge - DAY, edge, edge + DAY) == [
        False, True, True,
    ]  # fmt: skip
    decide(ppo, date(2025, 5, 20), by=coordinator)
    due = date(2025, 8, 20)
    assert fires(scheme, "quarterly_review_due", due - DAY, due, due + DAY) == [False, True, True]


def test_long_custody_when_release_is_more_than_two_years_away(scheme, ppo):
    on = date(2026, 6, 1)
    edge = add_months(on, 24)
    for number, release in enumerate([edge - DAY, edge, edge + DAY]):
        person = OffenderFactory(scheme=scheme, local_id=f"L-{number}")
        ProgrammeMembershipFactory(offender=person, start_date=SINCE)
        EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2026, 1, 1),
                     expected_release=release)  # fmt: skip
    flagged = {f.local_id for f in review_flags(scheme=scheme, on=on) if f.code == "long_custody"}
    assert flagged == {"L-2"}


def test_reselection_three_months_before_release_after_leaving_for_long_custody(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, start_date=SINCE, end_date=date(2025, 1, 1),
                               exit_reason=ExitReason.LONG_CUSTODY)  # fmt: skip
    release = date(2026, 9, 30)
    EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2024, 6, 1),
                 expected_release=release)  # fmt: skip
    edge = date(2026, 6, 30)  # three months before release
    assert fires(scheme, "reselection_due", edge - DAY, edge, edge + DAY) == [False, True, True]
    EventFactory(offender=person, kind=EventKind.RELEASE, date=date(2026, 7, 1))
    assert fires(scheme, "reselection_due", date(2026, 7, 1)) == [False]  # released


def test_release_notification_within_thirty_days(scheme, ppo):
    release = date(2026, 6, 30)
    EventFactory(offender=ppo, kind=EventKind.CUSTODY_START, date=date(2026, 1, 1),
                 expected_release=release)  # fmt: skip
    edge = release - timedelta(days=30)
    assert fires(scheme, "release_notification", edge - DAY, edge, edge + DAY, release) == [
        False, True, True, False,
    ]  # fmt: skip


def test_moved_area_since_selection(scheme, ppo):
    EventFactory(offender=ppo, kind=EventKind.MOVED_AREA, date=SINCE - DAY, to_area="Leeds")
    assert fires(scheme, "moved_area", SINCE) == [False]
    EventFactory(offender=ppo, kind=EventKind.MOVED_AREA, date=SINCE, to_area="Leeds")
    assert fires(scheme, "moved_area", SINCE - DAY, SINCE, SINCE + DAY) == [False, True, True]


def test_people_not_on_the_list_have_no_list_flags(scheme):
    person = OffenderFactory(scheme=scheme)
    ProgrammeMembershipFactory(offender=person, programme=Programme.IOM, start_date=SINCE)
    assert codes(scheme, date(2026, 6, 1)) == set()


def test_thresholds_are_set_per_scheme(scheme, ppo):
    ReviewThresholds.objects.create(scheme=scheme, no_offending_months=12)
    EventFactory(offender=ppo, kind=EventKind.ARREST, date=date(2025, 7, 15))
    edge = date(2026, 7, 15)
    assert fires(scheme, "no_offending_6m", edge - DAY, edge) == [False, True]
    reason = next(
        f.reason for f in review_flags(scheme=scheme, on=edge) if f.code == "no_offending_6m"
    )
    assert reason.startswith("No arrest or intelligence report for 12 months (the last was on "
                             "15 July 2025)")  # fmt: skip


def test_review_flags_command(scheme, ppo, capsys):
    call_command("review_flags", "--scheme", scheme.slug, "--as-at", "2026-06-01",
                 "--format", "json")  # fmt: skip
    flags = json.loads(capsys.readouterr().out)
    assert [(f["local_id"], f["code"]) for f in flags] == [
        ("S-1", "conference_overdue"), ("S-1", "no_offending_6m"),
        ("S-1", "quarterly_review_due"), ("S-1", "two_year_review"),
    ]  # fmt: skip
    assert flags[3]["reason"].startswith("On the list since 15 January 2024")
    with pytest.raises(CommandError, match="not a date"):
        call_command("review_flags", "--scheme", scheme.slug, "--as-at", "1 June")
    with pytest.raises(CommandError, match="Unknown scheme"):
        call_command("review_flags", "--scheme", "nope", "--as-at", "2026-06-01")


def test_flags_for_a_scheme_are_one_query(scheme, django_assert_num_queries):
    for number in range(20):
        person = OffenderFactory(scheme=scheme)
        ProgrammeMembershipFactory(offender=person, start_date=SINCE)
        EventFactory(offender=person, kind=EventKind.ARREST, date=date(2025, 1, number + 1))
    ReviewThresholds.objects.create(scheme=scheme)
    scheme.refresh_from_db()
    # The thresholds, the case settings (cases' extension), then everyone's dates.
    with django_assert_num_queries(3):
        flags = review_flags(scheme=scheme, on=date(2026, 6, 1))
    assert len(flags) == 80


def test_a_remand_ended_the_day_it_began_was_never_custody(scheme, ppo):
    day = date(2026, 3, 3)
    EventFactory(offender=ppo, kind=EventKind.REMAND_START, date=day)
    EventFactory(offender=ppo, kind=EventKind.REMAND_END, date=day)
    assert fires(scheme, "no_offending_6m", date(2026, 6, 1)) == [True]


def test_a_remand_overnight_is_custody_in_the_window(scheme, ppo):
    day = date(2026, 3, 3)
    EventFactory(offender=ppo, kind=EventKind.REMAND_START, date=day)
    EventFactory(offender=ppo, kind=EventKind.REMAND_END, date=day + DAY)
    assert fires(scheme, "no_offending_6m", date(2026, 6, 1)) == [False]
