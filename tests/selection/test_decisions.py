"""Referrals, panel meetings and every decision path, with bad input and two decisions at
once."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ppo.codes import EventKind, Programme
from ppo.models import Offender, ProgrammeMembership
from selection.models import Decision, FlagResponse, PanelMeeting, Referral
from selection.services import (
    decision_record,
    flag_respond,
    matrix_save,
    panel_meeting_create,
    referral_create,
)
from tests.factories import (
    AgencyFactory,
    EventFactory,
    MembershipFactory,
    OffenderFactory,
    ProgrammeMembershipFactory,
    SchemeFactory,
)
from tests.selection.test_matrix import STOCKTON

pytestmark = pytest.mark.django_db

HELD = date(2026, 11, 2)


@pytest.fixture
def meeting(scheme, coordinator, police_om, cjit_worker):
    return panel_meeting_create(
        scheme=scheme, held_on=HELD, chair="Chief Inspector Shaw", by=coordinator,
        attendees=[(police_om.memberships.get().agency, "PC Lee"),
                   (cjit_worker.memberships.get().agency, "Sam Drugs Worker")],
    )  # fmt: skip


@pytest.fixture
def candidate(scheme):
    return OffenderFactory(
        scheme=scheme, local_id="C-1", pnc_id="2004/0012345D", date_of_birth=date(1980, 1, 1)
    )


@pytest.fixture
def listed(scheme):
    person = OffenderFactory(scheme=scheme, local_id="L-1")
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    return person


def ppo_memberships(person):
    return list(
        ProgrammeMembership.objects.filter(offender=person).order_by("start_date", "programme")
        .values_list("programme", "start_date", "end_date", "exit_reason", "exit_destination")
    )  # fmt: skip


def test_a_cjit_referral_selected_opens_the_ppo_membership(
    meeting, candidate, cjit_worker, coordinator
):
    matrix = matrix_save(scheme=candidate.scheme, document=STOCKTON, by=coordinator)
    referral = referral_create(
        offender=candidate, agency=cjit_worker.memberships.get().agency,
        reasons="Not engaging with treatment; 9 shop thefts since June", evidence="",
        by=cjit_worker,
    )  # fmt: skip
    assert referral.from_cjit
    decision = decision_record(
        meeting=meeting, offender=candidate, kind="select", rationale="Top of the matrix",
        by=coordinator, referral=referral, strand="rehabilitate_resettle",
    )  # fmt: skip
    assert decision.matrix == matrix
    membership = ProgrammeMembership.objects.get(offender=candidate)
    opened = (membership.programme, membership.start_date, membership.strand,
              membership.referral_source)  # fmt: skip
    assert opened == ("PPO", HELD, "rehabilitate_resettle", "cjit")
    assert [a.name for a in decision.meeting.attendees.all()] == ["PC Lee", "Sam Drugs Worker"]


@pytest.mark.parametrize(
    ("who", "kind", "message"),
    [
        ("listed", "select", "Cannot select: this person is on the PPO list since 6 January 2025"),
        ("listed", "reject", "keep them on the list or remove them instead"),
        ("listed", "defer", "keep them on the list or remove them instead"),
        ("candidate", "retain", "this person is not on the PPO list"),
        ("candidate", "deselect", "this person is not on the PPO list"),
    ],
)
def test_decisions_that_do_not_fit_the_person_are_refused(
    request, meeting, coordinator, who, kind, message
):
    person = request.getfixturevalue(who)
    before = ppo_memberships(person)
    with pytest.raises(ValidationError) as refused:
        decision_record(
            meeting=meeting, offender=person, kind=kind, rationale="Because", by=coordinator,
            strand="catch_convict", exit_reason="stopped_offending", exit_destination="none",
        )  # fmt: skip
    assert message in " ".join(refused.value.message_dict["kind"])
    assert not Decision.objects.exists()
    assert ppo_memberships(person) == before


def test_every_problem_with_a_decision_is_reported_and_nothing_written(
    meeting, candidate, coordinator
):
    with pytest.raises(ValidationError) as refused:
        decision_record(
            meeting=meeting, offender=candidate, kind="select", rationale=" ", by=coordinator,
            two_year_review=True,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"rationale", "strand", "two_year_review"}
    assert not Decision.objects.exists()


def test_keeping_and_rejecting_and_deferring(meeting, candidate, listed, coordinator):
    decision_record(meeting=meeting, offender=listed, kind="retain", rationale="Still active",
                    by=coordinator, two_year_review=True)  # fmt: skip
    decision_record(meeting=meeting, offender=candidate, kind="defer", rationale="Await court",
                    by=coordinator)  # fmt: skip
    decision_record(meeting=meeting, offender=candidate, kind="reject", rationale="Below",
                    by=coordinator)  # fmt: skip
    assert Decision.objects.count() == 3
    assert ppo_memberships(candidate) == []


@pytest.mark.parametrize(
    ("destination", "opened"), [("cjit", "CJIT"), ("iom", "IOM"), ("mainstream", None)]
)
def test_removal_closes_the_membership_and_opens_where_they_go(
    meeting, listed, coordinator, destination, opened
):
    decision_record(
        meeting=meeting, offender=listed, kind="deselect", rationale="No offending for 6 months",
        by=coordinator, exit_reason="stopped_offending", exit_destination=destination,
    )  # fmt: skip
    expected = [("PPO", date(2025, 1, 6), HELD, "stopped_offending", destination)]
    if opened:
        expected.append((opened, HELD, None, "", ""))
    assert ppo_memberships(listed) == expected


def test_removal_for_long_custody_needs_a_risk_assessment_that_is_not_high(
    meeting, listed, coordinator, police_om
):
    def remove():
        return decision_record(
            meeting=meeting, offender=listed, kind="deselect", rationale="Eight years",
            by=coordinator, exit_reason="long_custody", exit_destination="none",
        )  # fmt: skip

    with pytest.raises(ValidationError, match="not serving a custodial sentence"):
        remove()
    EventFactory(offender=listed, kind=EventKind.CUSTODY_START, date=date(2026, 3, 1),
                 expected_release=date(2033, 3, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="risk assessment first"):
        remove()
    EventFactory(offender=listed, kind=EventKind.RISK_ASSESSMENT, date=date(2026, 10, 1),
                 outcome="high")  # fmt: skip
    with pytest.raises(ValidationError, match="found a high risk of harm") as refused:
        remove()
    assert "1 October 2026" in refused.value.message_dict["exit_reason"][0]
    assessed = EventFactory(offender=listed, kind=EventKind.RISK_ASSESSMENT,
                            date=date(2026, 10, 20), outcome="medium")  # fmt: skip
    assert remove().risk_assessment == assessed
    assert ppo_memberships(listed)[0][2] == HELD


def test_moving_area_refers_the_person_to_the_receiving_scheme(meeting, coordinator, scheme):
    person = OffenderFactory(scheme=scheme, local_id="M-1", pnc_id="2004/0012345D")
    ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 6))
    receiving = SchemeFactory(slug="leeds", name="Leeds PPO scheme")
    MembershipFactory(agency=AgencyFactory(scheme=receiving, type="local_authority"),
                      role="coordinator")  # fmt: skip
    decision_record(
        meeting=meeting, offender=person, kind="deselect", rationale="Moved to Leeds",
        by=coordinator, exit_reason="moved_area", exit_destination="none", to_scheme=receiving,
    )  # fmt: skip
    referral = Referral.objects.get(scheme=receiving)
    assert referral.from_scheme == scheme
    assert "where they were a PPO from 6 January 2025" in referral.reasons
    record = referral.offender
    assert (record.scheme, record.local_id, record.pnc_id) == (
        receiving, f"{scheme.slug}-M-1", "2004/0012345D",
    )  # fmt: skip
    assert not record.events.exists()  # the history stays where it was held


def test_a_meeting_needs_attendees(scheme, coordinator, police_om):
    agency = police_om.memberships.get().agency
    with pytest.raises(ValidationError, match="at least one attendee"):
        panel_meeting_create(scheme=scheme, held_on=HELD, chair="", by=coordinator,
                             attendees=[(agency, " ")])  # fmt: skip
    assert not PanelMeeting.objects.exists()


def test_decisions_wait_for_the_meeting(scheme, coordinator, police_om, candidate):
    later = panel_meeting_create(
        scheme=scheme, held_on=timezone.localdate() + timedelta(days=7), chair="",
        attendees=[(police_om.memberships.get().agency, "PC Lee")], by=coordinator,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="once the meeting has been held"):
        decision_record(meeting=later, offender=candidate, kind="reject", rationale="No",
                        by=coordinator)  # fmt: skip


def test_responding_to_a_flag(listed, coordinator):
    with pytest.raises(ValidationError) as refused:
        flag_respond(offender=listed, code="made_up", kind="snoozed", reason="",
                     snoozed_until=timezone.localdate(), by=coordinator)  # fmt: skip
    assert set(refused.value.message_dict) == {"code", "reason", "snoozed_until"}
    response = flag_respond(
        offender=listed, code="two_year_review", kind="acknowledged",
        reason="On the December agenda", snoozed_until=None, by=coordinator,
    )  # fmt: skip
    assert FlagResponse.objects.get() == response


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_one_wins_and_the_other_is_told(
    scheme, coordinator, police_om, candidate
):
    meeting = panel_meeting_create(
        scheme=scheme, held_on=HELD, chair="", by=coordinator,
        attendees=[(police_om.memberships.get().agency, "PC Lee")],
    )  # fmt: skip
    results, start = [], threading.Barrier(2)

    def select(strand):
        try:
            start.wait()
            decision_record(meeting=meeting, offender=candidate, kind="select",
                            rationale="Selected", by=coordinator, strand=strand)  # fmt: skip
            results.append("selected")
        except ValidationError as refused:
            results.append(" ".join(refused.message_dict["kind"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=select, args=(s,)) for s in ("catch_convict",
                                                                     "prevent_deter")]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [
        "Cannot select: this person is on the PPO list since 2 November 2026", "selected",
    ]  # fmt: skip
    assert ProgrammeMembership.objects.filter(offender=candidate).count() == 1
    assert Offender.objects.filter(pk=candidate.pk).exists()
    assert Programme.PPO in ProgrammeMembership.objects.values_list("programme", flat=True)


def test_long_custody_removal_needs_a_long_sentence_and_an_assessment_during_it(
    meeting, listed, coordinator
):
    def remove():
        return decision_record(
            meeting=meeting, offender=listed, kind="deselect", rationale="Custody",
            by=coordinator, exit_reason="long_custody", exit_destination="none",
        )  # fmt: skip

    EventFactory(offender=listed, kind=EventKind.RISK_ASSESSMENT, date=date(2018, 1, 1),
                 outcome="low")  # fmt: skip
    # Release expected exactly two years after the panel: not more than two years away.
    EventFactory(offender=listed, kind=EventKind.CUSTODY_START, date=date(2026, 3, 1),
                 expected_release=date(2028, 11, 2))  # fmt: skip
    with pytest.raises(ValidationError, match="not after 2 November 2028"):
        remove()
    later = EventFactory(offender=listed, kind=EventKind.CUSTODY_START, date=date(2026, 4, 1),
                         reference="2", expected_release=date(2031, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="needs one made during this sentence"):
        remove()  # the 2018 assessment is older than this sentence
    EventFactory(offender=listed, kind=EventKind.RISK_ASSESSMENT, date=later.date,
                 outcome="low", reference="2")  # fmt: skip
    assert remove().exit_reason == "long_custody"


def test_fields_that_do_not_belong_to_the_decision_are_not_kept(meeting, candidate, coordinator):
    decision = decision_record(
        meeting=meeting, offender=candidate, kind="reject", rationale="Below threshold",
        by=coordinator, strand="catch_convict", exit_reason="moved_area",
        exit_destination="iom", to_scheme=candidate.scheme,
    )  # fmt: skip
    assert (decision.strand, decision.exit_reason, decision.exit_destination,
            decision.to_scheme) == ("", "", "", None)  # fmt: skip


def test_a_second_move_to_the_same_scheme_finds_the_record_made_the_first_time(
    meeting, coordinator, scheme
):
    person = OffenderFactory(scheme=scheme, local_id="M-2", pnc_id="")
    receiving = SchemeFactory(slug="leeds", name="Leeds PPO scheme")
    MembershipFactory(agency=AgencyFactory(scheme=receiving, type="local_authority"),
                      role="coordinator")  # fmt: skip
    for start in (date(2024, 1, 1), date(2026, 1, 1)):
        ProgrammeMembershipFactory(offender=person, start_date=start)
        decision_record(
            meeting=meeting if start.year == 2026 else PanelMeeting.objects.create(
                scheme=scheme, held_on=date(2025, 1, 1)),
            offender=person, kind="deselect", rationale="Moved", by=coordinator,
            exit_reason="moved_area", exit_destination="none", to_scheme=receiving,
        )  # fmt: skip
    records = Offender.objects.filter(scheme=receiving)
    assert [r.local_id for r in records] == [f"{scheme.slug}-M-2"]
    referrals = Referral.objects.filter(scheme=receiving)
    assert referrals.count() == 2
    assert {r.referred_by for r in referrals} == {None}


def test_a_referral_waits_once_and_not_for_someone_on_the_list(candidate, listed, police_om):
    agency = police_om.memberships.get().agency
    referral_create(offender=candidate, agency=agency, reasons="Why", evidence="", by=police_om)
    with pytest.raises(ValidationError, match="already been referred"):
        referral_create(offender=candidate, agency=agency, reasons="Again", evidence="",
                        by=police_om)  # fmt: skip
    with pytest.raises(ValidationError, match="already on the PPO list"):
        referral_create(offender=listed, agency=agency, reasons="Why", evidence="", by=police_om)
    assert Referral.objects.count() == 1


def test_a_decision_keeps_the_run_the_panel_worked_from(meeting, candidate, coordinator):
    from selection.services import scoring_run_create

    first = matrix_save(scheme=candidate.scheme, document=STOCKTON, by=coordinator)
    EventFactory(offender=candidate, kind=EventKind.ARREST, date=HELD - timedelta(days=3))
    scoring_run_create(scheme=candidate.scheme, matrix=first, on=HELD, by=coordinator)
    matrix_save(scheme=candidate.scheme, document={**STOCKTON, "threshold": 5}, by=coordinator)
    # A run as at a later date is not the one this panel saw.
    scoring_run_create(scheme=candidate.scheme, matrix=first, on=HELD + timedelta(days=1),
                       by=coordinator)  # fmt: skip
    decision = decision_record(meeting=meeting, offender=candidate, kind="reject",
                               rationale="Low score", by=coordinator)  # fmt: skip
    assert (decision.matrix, decision.score) == (first, 1)
