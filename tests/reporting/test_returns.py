"""The monthly return, figure by figure, from small histories built by hand: each status
precedence case, month-edge memberships and tests, and a back-dated event changing a past
month. Also the command's formats and its refusals."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from ppo.codes import EventKind
from reporting.returns import month_bounds, monthly_return
from tests.factories import EventFactory, OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


def ppo(scheme, since=date(2026, 1, 5), **fields):
    person = OffenderFactory(scheme=scheme, date_of_birth=fields.pop("born", date(1990, 6, 1)),
                             **fields)  # fmt: skip
    ProgrammeMembershipFactory(offender=person, start_date=since)
    return person


def figures(scheme):
    return monthly_return(scheme=scheme, first=FIRST, last=LAST)


def test_an_empty_scheme_has_every_key_at_zero(scheme):
    result = figures(scheme)
    assert result["cohort"] == {
        "total": 0, "custody_remand": 0, "custody_sentenced": 0, "custody_sentenced_over_12m": 0,
        "in_court_process": 0, "community_statutory": 0, "community_non_statutory": 0,
    }  # fmt: skip
    assert result["flow"]["deselected_by_reason"] == {
        "stopped_offending": 0, "moved_area": 0, "long_custody": 0, "two_year_review": 0,
        "high_risk_mappa": 0, "other": 0,
    }  # fmt: skip
    assert result["demographics"]["gender"] == {"M": 0, "F": 0, "X": 0, "U": 0}
    assert list(result["demographics"]["age_band"]) == [
        "10-17", "18-20", "21-25", "26-30", "31-35", "36-40", "41+",
    ]  # fmt: skip
    assert result["demographics"]["ethnicity"] == {"not_recorded": 0}
    assert (result["scheme"], result["month"], result["as_at"]) == (scheme.slug, "2026-10",
                                                                    "2026-10-31")  # fmt: skip


def test_status_counts_follow_the_precedence_as_at_the_last_day(scheme):
    remand = ppo(scheme)  # remanded while also charged and on an order: remand wins
    EventFactory(offender=remand, kind=EventKind.REMAND_START, date=date(2026, 10, 20))
    EventFactory(offender=remand, kind=EventKind.CHARGE, date=date(2026, 10, 19),
                 offence_category="robbery", case_ref="C1")  # fmt: skip
    long = ppo(scheme)
    EventFactory(offender=long, kind=EventKind.CUSTODY_START, date=date(2026, 5, 1),
                 sentence_months=18)  # fmt: skip
    short = ppo(scheme)
    EventFactory(offender=short, kind=EventKind.CUSTODY_START, date=date(2026, 9, 1),
                 sentence_months=12)  # fmt: skip
    court = ppo(scheme)
    EventFactory(offender=court, kind=EventKind.CHARGE, date=date(2026, 10, 2),
                 offence_category="theft_shop", case_ref="C2")  # fmt: skip
    order = ppo(scheme)
    EventFactory(offender=order, kind=EventKind.ORDER_START, date=date(2026, 4, 1),
                 order_type="community_order", end_date=date(2027, 4, 1))  # fmt: skip
    released = ppo(scheme)  # released on the last day: not in custody on it
    EventFactory(offender=released, kind=EventKind.CUSTODY_START, date=date(2026, 8, 1))
    EventFactory(offender=released, kind=EventKind.RELEASE, date=LAST)
    assert figures(scheme)["cohort"] == {
        "total": 6, "custody_remand": 1, "custody_sentenced": 2, "custody_sentenced_over_12m": 1,
        "in_court_process": 1, "community_statutory": 1, "community_non_statutory": 1,
    }  # fmt: skip


def test_flows_count_memberships_starting_and_ending_in_the_month(scheme):
    for start, source in ((date(2026, 9, 30), "police"), (FIRST, "cjit"), (LAST, "police"),
                          (date(2026, 11, 1), "cjit")):  # fmt: skip
        person = OffenderFactory(scheme=scheme)
        ProgrammeMembershipFactory(offender=person, start_date=start, referral_source=source)
    for end, reason, to in ((date(2026, 9, 30), "moved_area", "none"),
                            (FIRST, "stopped_offending", "cjit"),
                            (LAST, "long_custody", "none")):  # fmt: skip
        person = OffenderFactory(scheme=scheme)
        ProgrammeMembershipFactory(offender=person, start_date=date(2025, 1, 1), end_date=end,
                                   exit_reason=reason, exit_destination=to)  # fmt: skip
    flow = figures(scheme)["flow"]
    assert (flow["selected"], flow["selected_from_cjit"]) == (2, 1)
    assert (flow["deselected"], flow["deselected_to_cjit"]) == (2, 1)
    assert flow["deselected_by_reason"]["stopped_offending"] == 1
    assert flow["deselected_by_reason"]["long_custody"] == 1
    assert flow["deselected_by_reason"]["moved_area"] == 0
    # On the list on 31 October: those who started on or before it (30 September, 1 and 31
    # October); not the one whose membership ended that day.
    assert figures(scheme)["cohort"]["total"] == 3


def test_drug_tests_count_people_on_the_list_on_the_test_day(scheme):
    listed = ppo(scheme)
    for day, result, substance in ((date(2026, 10, 3), "positive", "opiates"),
                                   (date(2026, 10, 9), "positive", "cocaine"),
                                   (date(2026, 9, 30), "positive", "both")):  # fmt: skip
        EventFactory(offender=listed, kind=EventKind.DRUG_TEST, date=day, result=result,
                     substance=substance)  # fmt: skip
    refused = ppo(scheme)
    EventFactory(offender=refused, kind=EventKind.DRUG_TEST, date=date(2026, 10, 3),
                 result="refused")  # fmt: skip
    cannabis = ppo(scheme)
    EventFactory(offender=cannabis, kind=EventKind.DRUG_TEST, date=date(2026, 10, 3),
                 result="positive", substance="other")  # fmt: skip
    joined_later = ppo(scheme, since=date(2026, 10, 20))
    EventFactory(offender=joined_later, kind=EventKind.DRUG_TEST, date=date(2026, 10, 10),
                 result="positive", substance="opiates")  # fmt: skip
    assert figures(scheme)["drugs"] == {"tested": 3, "positive_class_a": 1}


def test_demographics_describe_the_cohort(scheme):
    ppo(scheme, born=date(2009, 11, 1), gender="M", ethnicity="W1")  # 16
    ppo(scheme, born=date(2005, 10, 31), gender="F", ethnicity="NS")  # 21 on 31 October
    ppo(scheme, born=date(1985, 1, 1), gender="U", ethnicity="")
    OffenderFactory(scheme=scheme, gender="X")  # not a PPO: not counted
    demographics = figures(scheme)["demographics"]
    assert demographics["gender"] == {"M": 1, "F": 1, "X": 0, "U": 1}
    assert demographics["age_band"] == {"10-17": 1, "18-20": 0, "21-25": 1, "26-30": 0,
                                        "31-35": 0, "36-40": 0, "41+": 1}  # fmt: skip
    assert demographics["ethnicity"] == {"NS": 1, "W1": 1, "not_recorded": 1}


def test_crossover_counts_ppos_also_on_the_cjit_caseload(scheme):
    both = ppo(scheme)
    ProgrammeMembershipFactory(offender=both, programme="CJIT", start_date=date(2026, 2, 1))
    ended = ppo(scheme)
    ProgrammeMembershipFactory(offender=ended, programme="CJIT", start_date=date(2026, 2, 1),
                               end_date=LAST)  # fmt: skip
    assert figures(scheme)["crossover_cjit"] == 1


def test_a_back_dated_event_changes_a_past_month_and_nothing_else_does(scheme):
    person = ppo(scheme)
    before = json.dumps(figures(scheme))
    assert json.dumps(figures(scheme)) == before  # recomputed: byte-identical
    EventFactory(offender=person, kind=EventKind.CUSTODY_START, date=date(2026, 10, 15),
                 sentence_months=6)  # recorded today, dated in October  # fmt: skip
    after = figures(scheme)
    assert after["cohort"]["custody_sentenced"] == 1
    assert json.dumps(after) != before


def test_the_command_in_every_format(scheme, tmp_path, capsys):
    ppo(scheme)
    call_command("monthly_return", "--scheme", scheme.slug, "--month", "2026-10")
    document = json.loads(capsys.readouterr().out)
    assert document["cohort"]["total"] == 1
    call_command("monthly_return", "--scheme", scheme.slug, "--month", "2026-10",
                 "--format", "csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["key", "value"]
    assert ["cohort.total", "1"] in rows
    target = tmp_path / "return.xlsx"
    call_command("monthly_return", "--scheme", scheme.slug, "--month", "2026-10",
                 "--format", "xlsx", "--output", str(target))  # fmt: skip
    sheet = load_workbook(target).active
    assert ("cohort.total", 1) in [tuple(row) for row in sheet.iter_rows(values_only=True)]
    pdf = tmp_path / "return.pdf"
    call_command("monthly_return", "--scheme", scheme.slug, "--month", "2026-10",
                 "--format", "pdf", "--output", str(pdf))  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheme", "nowhere", "--month", "2026-10"], "Unknown scheme"),
        (["--scheme", "stockton", "--month", "2026-13"], "is not a month"),
        (["--scheme", "stockton", "--month", "October"], "is not a month"),
        (["--scheme", "stockton", "--month", "2999-01"], "has not ended yet"),
    ],
)
def test_the_command_refuses_bad_input(scheme, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("monthly_return", *args)


def test_the_current_month_has_not_ended():
    with pytest.raises(ValueError, match="2026-11 has not ended yet"):
        month_bounds("2026-11", today=date(2026, 11, 22))
    assert month_bounds("2024-02", today=date(2026, 11, 22)) == (date(2024, 2, 1),
                                                                 date(2024, 2, 29))  # fmt: skip


@pytest.mark.parametrize("people", [2, 20])
def test_a_return_costs_a_few_queries_however_big_the_scheme(
    scheme, people, django_assert_max_num_queries
):
    for number in range(people):
        person = ppo(scheme)
        EventFactory(offender=person, kind=EventKind.DRUG_TEST, date=date(2026, 10, 3),
                     result="negative", reference=str(number))  # fmt: skip
    with django_assert_max_num_queries(6):
        assert figures(scheme)["drugs"]["tested"] == people
