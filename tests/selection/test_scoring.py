"""Scoring the pool (formats.md): each criterion at its window edges, the pool, ranking ties,
version pinning, the command and the query budget."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from ppo.codes import EventKind, Programme
from selection.models import ManualScore, ScoringRun
from selection.scoring import pool_score
from selection.services import manual_score_record, matrix_save, scoring_run_create
from tests.factories import EventFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

# 31 May minus 3 months is 28 February (clamped): the window is 1 March to 31 May.
ON = date(2026, 5, 31)
WINDOW_START = date(2026, 2, 28)


def _matrix(scheme, *criteria, threshold=5):
    return matrix_save(
        scheme=scheme, by=None,
        document={"name": "Test", "threshold": threshold, "criteria": list(criteria)},
    )  # fmt: skip


def _score(scheme, matrix, on=ON):
    return {
        row["local_id"]: row for row in pool_score(scheme=scheme, on=on, matrix=matrix)["ranking"]
    }


COUNTING = [
    ("convictions", EventKind.CONVICTION, {"offence_category": "theft_shop"}),
    ("arrests", EventKind.ARREST, {}),
    ("intelligence", EventKind.INTELLIGENCE, {}),
    ("class_a_positive", EventKind.DRUG_TEST, {"result": "positive", "substance": "cocaine"}),
]


@pytest.mark.parametrize(("kind", "event_kind", "values"), COUNTING)
def test_counting_criteria_at_their_window_edges(scheme, kind, event_kind, values):
    matrix = _matrix(scheme, {"type": kind, "window_months": 3, "points_each": 2, "cap": 5})
    person = OffenderFactory(scheme=scheme, local_id="A")
    for day in (WINDOW_START, WINDOW_START + timedelta(days=1), ON, ON + timedelta(days=1)):
        EventFactory(offender=person, kind=event_kind, date=day, **values)
    row = _score(scheme, matrix)["A"]
    # In: 1 March and 31 May. Out: 28 February (the window's open edge) and 1 June.
    assert row["breakdown"] == {kind: {"count": 2, "points": 4}}
    EventFactory(offender=person, kind=event_kind, date=date(2026, 4, 1), **values)
    assert _score(scheme, matrix)["A"]["breakdown"][kind] == {"count": 3, "points": 5}  # cap


def test_only_class_a_positive_tests_count(scheme):
    matrix = _matrix(
        scheme, {"type": "class_a_positive", "window_months": 3, "points_each": 1, "cap": 9}
    )
    person = OffenderFactory(scheme=scheme, local_id="A")
    tests = [("positive", "opiates"), ("positive", "both"), ("positive", "other"),
             ("negative", ""), ("refused", "")]  # fmt: skip
    for number, (result, substance) in enumerate(tests):
        EventFactory(
            offender=person, kind=EventKind.DRUG_TEST, date=ON, reference=str(number),
            result=result, substance=substance,
        )  # fmt: skip
    assert _score(scheme, matrix)["A"]["score"] == 2


def test_offence_weight_sums_weighted_charges_in_the_window(scheme):
    matrix = _matrix(
        scheme,
        {"type": "offence_weight", "window_months": 3,
         "weights": {"burglary_dwelling": 5, "robbery": 6}, "cap": 15},
    )  # fmt: skip
    person = OffenderFactory(scheme=scheme, local_id="A")
    charges = [(WINDOW_START, "robbery"), (WINDOW_START + timedelta(days=1), "robbery"),
               (ON, "burglary_dwelling"), (ON, "theft_shop")]  # fmt: skip
    for number, (day, category) in enumerate(charges):
        EventFactory(offender=person, kind=EventKind.CHARGE, date=day, reference=str(number),
                     offence_category=category)  # fmt: skip
    weighted = {"offence_weight": {"count": 2, "points": 11}}
    assert _score(scheme, matrix)["A"]["breakdown"] == weighted
    EventFactory(offender=person, kind=EventKind.CHARGE, date=ON, offence_category="robbery",
                 reference="later")  # fmt: skip
    assert _score(scheme, matrix)["A"]["breakdown"]["offence_weight"] == {"count": 3, "points": 15}


def test_release_within_needs_an_open_sentence_expected_to_end_in_time(scheme):
    matrix = _matrix(scheme, {"type": "release_within", "days": 90, "points": 5})
    due = ON + timedelta(days=90)
    for local_id, expected in [("edge", due), ("late", due + timedelta(days=1))]:
        person = OffenderFactory(scheme=scheme, local_id=local_id)
        EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2025, 1, 1),
                     expected_release=expected)  # fmt: skip
    released = OffenderFactory(scheme=scheme, local_id="released")
    EventFactory(offender=released, kind=EventKind.CUSTODY_START, date=date(2025, 1, 1),
                 expected_release=due)  # fmt: skip
    EventFactory(offender=released, kind=EventKind.RELEASE, date=ON)
    scores = _score(scheme, matrix)
    assert scores["edge"]["breakdown"] == {"release_within": {"points": 5}}
    assert "late" not in scores
    assert "released" not in scores


def test_age_under_turns_on_the_birthday(scheme):
    matrix = _matrix(scheme, {"type": "age_under", "years": 25, "points": 2})
    OffenderFactory(scheme=scheme, local_id="24", date_of_birth=date(2001, 6, 1))
    OffenderFactory(scheme=scheme, local_id="25", date_of_birth=date(2001, 5, 31))
    scores = _score(scheme, matrix)
    assert scores["24"]["score"] == 2
    assert "25" not in scores


def test_cjit_caseload_on_the_date(scheme):
    matrix = _matrix(scheme, {"type": "cjit_caseload", "points": 3})
    on = OffenderFactory(scheme=scheme, local_id="on")
    ProgrammeMembershipFactory(offender=on, programme=Programme.CJIT, start_date=ON)
    ended = OffenderFactory(scheme=scheme, local_id="ended")
    ProgrammeMembershipFactory(
        offender=ended, programme=Programme.CJIT, start_date=date(2025, 1, 1), end_date=ON
    )
    scores = _score(scheme, matrix)
    assert scores["on"]["breakdown"] == {"cjit_caseload": {"points": 3}}
    assert "ended" not in scores


def test_manual_scores_count_as_entered_by_the_date(scheme, coordinator):
    criterion = {"type": "manual", "key": "impact", "label": "Impact", "max": 10}
    matrix = _matrix(scheme, criterion)
    person = OffenderFactory(scheme=scheme, local_id="A")
    manual_score_record(offender=person, matrix=matrix, key="impact", score=4,
                        evidence="Shop staff threatened", by=coordinator)  # fmt: skip
    manual_score_record(offender=person, matrix=matrix, key="impact", score=7,
                        evidence="Repeat victims", by=coordinator)  # fmt: skip
    today = date.today()
    assert _score(scheme, matrix, on=today)["A"]["breakdown"] == {"manual:impact": {"points": 7}}
    assert _score(scheme, matrix, on=today - timedelta(days=1)) == {}  # recorded later
    # A later version with a lower maximum caps the same entry.
    lower = _matrix(scheme, {**criterion, "max": 5})
    assert _score(scheme, lower, on=today)["A"]["score"] == 5
    with pytest.raises(Exception, match="from 0 to 10"):
        manual_score_record(offender=person, matrix=matrix, key="impact", score=11,
                            evidence="x", by=coordinator)  # fmt: skip
    assert ManualScore.objects.count() == 2


def test_the_pool_and_its_ranking_ties(scheme):
    matrix = _matrix(
        scheme, {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10}, threshold=2
    )
    for local_id, arrests in [("S-3", [ON, ON]), ("S-1", [ON]), ("S-2", [ON]),
                              ("S-4", [date(2026, 1, 1)])]:  # fmt: skip
        person = OffenderFactory(scheme=scheme, local_id=local_id)
        for number, day in enumerate(arrests):
            EventFactory(offender=person, kind=EventKind.ARREST, date=day, reference=str(number))
    # S-0 scores nothing but is on the list; S-9 scores nothing and is not.
    listed = OffenderFactory(scheme=scheme, local_id="S-0")
    ProgrammeMembershipFactory(offender=listed, start_date=date(2025, 1, 1))
    OffenderFactory(scheme=scheme, local_id="S-9")
    # S-5 ties S-4 on score; its latest arrest is older, so it ranks after.
    older = OffenderFactory(scheme=scheme, local_id="S-5")
    EventFactory(offender=older, kind=EventKind.ARREST, date=date(2025, 12, 1))
    result = pool_score(scheme=scheme, on=ON, matrix=matrix)
    assert [(r["rank"], r["local_id"], r["score"]) for r in result["ranking"]] == [
        (1, "S-3", 2), (2, "S-1", 1), (3, "S-2", 1), (4, "S-4", 1), (5, "S-5", 1), (6, "S-0", 0),
    ]  # fmt: skip
    first, last = result["ranking"][0], result["ranking"][-1]
    assert first["above_threshold"]
    assert not result["ranking"][1]["above_threshold"]
    assert (first["on_ppo_list"], last["on_ppo_list"]) == (False, True)
    assert result["capacity"] == {"min": scheme.capacity_min, "max": scheme.capacity_max,
                                  "on_list": 1}  # fmt: skip


def test_a_run_keeps_the_version_it_used(scheme):
    old = _matrix(scheme, {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10})
    _matrix(scheme, {"type": "arrests", "window_months": 12, "points_each": 5, "cap": 10})
    EventFactory(offender=OffenderFactory(scheme=scheme, local_id="A"), kind=EventKind.ARREST,
                 date=ON)  # fmt: skip
    run = scoring_run_create(scheme=scheme, matrix=old, on=ON, by=None)
    assert (run.result["matrix_version"], run.result["ranking"][0]["score"]) == (1, 1)
    assert ScoringRun.objects.get().matrix == old


def test_score_pool_command(scheme, capsys):
    _matrix(scheme, {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10},
            {"type": "age_under", "years": 25, "points": 2})  # fmt: skip
    person = OffenderFactory(scheme=scheme, local_id="S-0042", date_of_birth=date(1980, 1, 1))
    EventFactory(offender=person, kind=EventKind.ARREST, date=ON)
    call_command("score_pool", "--scheme", scheme.slug, "--as-at", "2026-05-31", "--format", "json")
    assert json.loads(capsys.readouterr().out) == {
        "scheme": scheme.slug, "as_at": "2026-05-31", "matrix_version": 1, "threshold": 5,
        "capacity": {"min": scheme.capacity_min, "max": scheme.capacity_max, "on_list": 0},
        "ranking": [{"rank": 1, "local_id": "S-0042", "score": 1, "on_ppo_list": False,
                     "above_threshold": False,
                     "breakdown": {"arrests": {"count": 1, "points": 1},
                                   "age_under": {"points": 0}}}],
    }  # fmt: skip
    for args, message in [
        (["--scheme", "nowhere", "--as-at", "2026-05-31"], "Unknown scheme"),
        (["--scheme", scheme.slug, "--as-at", "2026-02-30"], "not a date"),
        (["--scheme", scheme.slug, "--as-at", "2026-05-31", "--matrix-version", "9"],
         "no matrix version 9"),
    ]:  # fmt: skip
        with pytest.raises(CommandError, match=message):
            call_command("score_pool", *args)


def test_scoring_is_two_queries_however_big_the_pool(scheme, django_assert_num_queries):
    matrix = _matrix(
        scheme,
        {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10},
        {"type": "offence_weight", "window_months": 12, "weights": {"robbery": 6}, "cap": 30},
        {"type": "release_within", "days": 90, "points": 5},
        {"type": "cjit_caseload", "points": 3},
        {"type": "manual", "key": "impact", "label": "Impact", "max": 10},
    )
    for _number in range(30):
        EventFactory(offender=OffenderFactory(scheme=scheme), kind=EventKind.ARREST, date=ON)
    with django_assert_num_queries(2):
        result = pool_score(scheme=scheme, on=ON, matrix=matrix)
    assert len(result["ranking"]) == 30
