"""CSV import to formats.md: all or nothing, every problem as line N, column C, idempotent."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from ppo.codes import EventKind, Programme
from ppo.imports import ImportRejected, csv_import
from ppo.models import Event, ImportKind, ImportRun, Offender, ProgrammeMembership
from tests.factories import OffenderFactory

pytestmark = pytest.mark.django_db

OFFENDERS_HEADER = (
    "scheme,local_id,first_name,last_name,date_of_birth,gender,ethnicity,pnc_id,aliases\n"
)
GOOD_PNC = "2004/0012345D"


@pytest.fixture(autouse=True)
def receiving_coordinator(coordinator):
    """Records imported from the command line go to the scheme's coordinators."""
    return coordinator


def run(kind, text, *, by=None):
    return csv_import(kind=kind, file_name=f"{kind}.csv", content=text.encode(), by=by, via="test")


def problems_of(kind, text):
    with pytest.raises(ImportRejected) as rejected:
        run(kind, text)
    return [str(problem) for problem in rejected.value.problems]


@pytest.fixture
def people(scheme):
    return run(
        ImportKind.OFFENDERS,
        OFFENDERS_HEADER
        + f"stockton,S-1,Dean,Smith,1990-04-01,M,W1,{GOOD_PNC},Deano Smith;D Smith\n"
        + "stockton,S-2,Kelly,Jones,1985-12-24,F,,,\n",
    )


def test_offenders_import_creates_people_with_normalised_identifiers(people, scheme):
    assert people.run.created == 2
    dean = Offender.objects.get(scheme=scheme, local_id="S-1")
    assert dean.pnc_id == GOOD_PNC
    assert dean.name_key == "deansmith"
    assert sorted(dean.aliases.values_list("name", flat=True)) == ["D Smith", "Deano Smith"]
    assert Offender.objects.get(local_id="S-2").ethnicity == ""


def test_importing_the_same_file_twice_changes_nothing(people, scheme):
    text = (
        OFFENDERS_HEADER
        + f"stockton,S-1,Dean,Smith,1990-04-01,M,W1,{GOOD_PNC},Deano Smith;D Smith\n"
        + "stockton,S-2,Kelly,Jones,1985-12-24,F,,,\n"
    )
    before = Offender.objects.get(local_id="S-1").version
    report = run(ImportKind.OFFENDERS, text)
    assert (report.run.created, report.run.updated, report.run.unchanged) == (0, 0, 2)
    assert Offender.objects.get(local_id="S-1").version == before


def test_a_changed_row_updates_the_person_and_their_aliases(people):
    report = run(
        ImportKind.OFFENDERS,
        OFFENDERS_HEADER + "stockton,S-1,Dean,Smith-Brown,1990-04-01,M,W1,04/12345D,Deano\n",
    )
    assert (report.run.created, report.run.updated, report.run.unchanged) == (0, 1, 0)
    dean = Offender.objects.get(local_id="S-1")
    assert dean.last_name == "Smith-Brown"
    assert dean.version == 2
    assert list(dean.aliases.values_list("name", flat=True)) == ["Deano"]


def test_a_byte_order_mark_and_column_order_do_not_matter(scheme):
    text = (
        "\ufeffgender,date_of_birth,last_name,first_name,local_id,scheme\n"
        "M,1990-01-01,A,B,X,stockton\n"
    )
    assert run(ImportKind.OFFENDERS, text).run.created == 1


def test_every_bad_row_is_reported_and_nothing_is_written(scheme):
    text = (
        OFFENDERS_HEADER
        + "stockton,S-1,Dean,Smith,1990-04-01,M,W1,,\n"  # good, but the file fails
        + "nowhere,S-2,Kelly,Jones,1985-12-24,F,,,\n"
        + "stockton,S-3,,Jones,2007-02-30,Q,Z9,2004/0012345E,\n"
        + "stockton,S-4,Amy,Ng,2099-01-01,F,,2004-12345,\n"
        + "stockton,S-1,Dean,Smith,1990-04-01,M,W1,,\n"
    )
    found = problems_of(ImportKind.OFFENDERS, text)
    assert found == [
        "line 3, column scheme: there is no scheme 'nowhere'",
        "line 4, column date_of_birth: '2007-02-30' is not a real date in the form YYYY-MM-DD",
        "line 4, column ethnicity: 'Z9' is not a known code (use one of: W1, W2, W3, W4, M1, M2, "
        "M3, M4, A1, A2, A3, A4, A5, B1, B2, B3, O1, O2, NS)",
        "line 4, column first_name: is required",
        "line 4, column gender: 'Q' is not a known code (use one of: M, F, X, U)",
        "line 4, column pnc_id: PNC ID check character is wrong: it should be D, not E",
        "line 5, column date_of_birth: cannot be in the future",
        "line 5, column pnc_id: Enter a PNC ID in the format YYYY/NNNNNNNC or YY/NNNNNNNC, like "
        "2004/0012345X",
        "line 6, column local_id: repeats the row on line 2",
    ]
    assert not Offender.objects.exists()
    audit = ImportRun.objects.get()
    assert audit.outcome == ImportRun.Outcome.REJECTED
    assert audit.problems == len(found)


def test_missing_required_columns_are_named(scheme):
    assert problems_of(ImportKind.OFFENDERS, "scheme,local_id,first_name\nstockton,A,B\n") == [
        "line 1, column date_of_birth: this required column is missing",
        "line 1, column gender: this required column is missing",
        "line 1, column last_name: this required column is missing",
    ]


def test_a_row_with_the_wrong_number_of_cells_is_reported(scheme):
    found = problems_of(
        ImportKind.OFFENDERS, OFFENDERS_HEADER + "stockton,S-1,Dean,Smith,1990-04-01,M,W1\n"
    )
    assert found == ["line 2, column -: has 7 cells but the header has 9"]


def test_a_file_that_is_not_utf8_is_refused(scheme):
    with pytest.raises(ImportRejected) as rejected:
        csv_import(
            kind=ImportKind.OFFENDERS,
            file_name="latin1.csv",
            content=(OFFENDERS_HEADER + "stockton,S-1,Zoë,A,1990-01-01,F,,,\n").encode("latin-1"),
            by=None,
            via="test",
        )
    assert str(rejected.value.problems[0]) == "line 2, column -: the file is not UTF-8 text"


EVENTS_HEADER = (
    "scheme,local_id,event,date,reference,offence_category,offence_date,case_ref,tics,"
    "disposal,breach,result,substance,sentence_months,expected_release,licence_end,"
    "order_type,end_date\n"
)


def events_row(local_id, event, day, reference="", **cells):
    columns = EVENTS_HEADER.strip().split(",")[5:]
    return (
        ",".join(
            ["stockton", local_id, event, day, reference] + [str(cells.get(c, "")) for c in columns]
        )
        + "\n"
    )


def test_events_import_and_reimport(people):
    text = (
        EVENTS_HEADER
        + events_row("S-1", "arrest", "2026-01-05", "A1", offence_category="theft_shop")
        + events_row("S-1", "charge", "2026-01-06", offence_category="theft_shop", case_ref="C1")
        + events_row(
            "S-1", "conviction", "2026-03-01", offence_category="theft_shop",
            offence_date="2026-01-04", case_ref="C1", tics=3, disposal="community", breach="false",
        )
        + events_row("S-1", "drug_test", "2026-03-02", result="positive", substance="cocaine")
        + events_row("S-1", "custody_start", "2026-04-01", sentence_months=18,
                     expected_release="2027-04-01")
        + events_row("S-2", "order_start", "2026-02-01", order_type="drr", end_date="2026-08-01")
    )  # fmt: skip
    first = run(ImportKind.EVENTS, text)
    assert first.run.created == 6
    conviction = Event.objects.get(kind=EventKind.CONVICTION)
    assert (conviction.tics, conviction.breach, conviction.offence_date) == (
        3, False, date(2026, 1, 4),
    )  # fmt: skip
    second = run(ImportKind.EVENTS, text)
    assert (second.run.created, second.run.updated, second.run.unchanged) == (0, 0, 6)
    assert Event.objects.count() == 6


def test_an_event_with_a_changed_column_is_updated_not_duplicated(people):
    run(ImportKind.EVENTS, EVENTS_HEADER + events_row("S-1", "custody_start", "2026-04-01"))
    report = run(
        ImportKind.EVENTS,
        EVENTS_HEADER + events_row("S-1", "custody_start", "2026-04-01", sentence_months=30),
    )
    assert (report.run.created, report.run.updated) == (0, 1)
    assert Event.objects.get().sentence_months == 30


def test_every_event_problem_is_reported(people):
    text = (
        EVENTS_HEADER
        + events_row("S-9", "arrest", "2026-01-05")
        + events_row("S-1", "mugging", "2026-01-05")
        + events_row("S-1", "drug_test", "2026-01-05")
        + events_row("S-1", "drug_test", "2026-01-06", result="positive")
        + events_row("S-1", "arrest", "2026-01-07", result="negative")
        + events_row("S-1", "order_start", "2026-03-01", order_type="drr", end_date="2026-02-01")
        + events_row("S-1", "charge", "2026-03-01", offence_category="theft", tics="two")
        + events_row("S-1", "conviction", "2026-03-01", offence_category="fraud", breach="yes",
                     offence_date="2026-04-01")
        + events_row("S-1", "arrest", "2026-01-05")
        + events_row("S-1", "arrest", "2026-01-05")
    )  # fmt: skip
    assert problems_of(ImportKind.EVENTS, text) == [
        "line 2, column local_id: no record you can see in 'stockton' has reference 'S-9'",
        "line 3, column event: 'mugging' is not a known code (use one of: arrest, intelligence, "
        "charge, conviction, case_closed, drug_test, remand_start, remand_end, custody_start, "
        "release, order_start, order_end, moved_area, risk_assessment)",
        "line 4, column result: is required for drug test events",
        "line 5, column substance: is required for a positive drug test",
        "line 6, column result: is not used for arrest events: leave it empty",
        "line 7, column end_date: cannot be before the event's date (2026-03-01)",
        "line 8, column offence_category: 'theft' is not a known code (use one of: homicide, "
        "serious_wounding, other_wounding, sexual, common_assault, robbery, burglary_dwelling, "
        "burglary_other, theft_of_vehicle, theft_from_vehicle, attempted_vehicle_theft, "
        "theft_shop, theft_other, criminal_damage, drugs, fraud, public_order, motoring, other)",
        "line 8, column offence_category: is required for charge events",
        "line 8, column tics: 'two' is not a whole number from 0 to 2,147,483,647",
        "line 9, column breach: 'yes' must be true or false",
        "line 9, column offence_date: cannot be after the event's date (2026-03-01)",
        "line 11, column event: repeats the row on line 10",
    ]
    assert not Event.objects.exists()


PROGRAMMES_HEADER = (
    "scheme,local_id,programme,start_date,end_date,strand,referral_source,exit_reason,"
    "exit_destination\n"
)


def test_programmes_import_is_keyed_on_start_date(people):
    text = (
        PROGRAMMES_HEADER
        + "stockton,S-1,PPO,2025-01-01,2026-01-01,catch_convict,cjit,stopped_offending,iom\n"
        + "stockton,S-1,IOM,2026-01-01,,,,,\n"
        + "stockton,S-2,PPO,2025-06-01,,rehabilitate_resettle,police,,\n"
    )
    assert run(ImportKind.PROGRAMMES, text).run.created == 3
    again = run(ImportKind.PROGRAMMES, text)
    assert (again.run.created, again.run.unchanged) == (0, 3)
    ended = run(
        ImportKind.PROGRAMMES,
        PROGRAMMES_HEADER
        + "stockton,S-2,PPO,2025-06-01,2026-06-01,rehabilitate_resettle,police,moved_area,none\n",
    )
    assert ended.run.updated == 1
    membership = ProgrammeMembership.objects.get(offender__local_id="S-2")
    assert (membership.end_date, membership.exit_reason) == (date(2026, 6, 1), "moved_area")
    assert ProgrammeMembership.objects.filter(programme=Programme.PPO).count() == 2


def test_every_programme_problem_is_reported(people):
    text = (
        PROGRAMMES_HEADER
        + "stockton,S-1,PPO,2025-01-01,2024-01-01,,,,\n"
        + "stockton,S-1,IOM,2025-01-01,,catch_convict,,,\n"
        + "stockton,S-1,CJIT,2025-01-01,,,,stopped_offending,cjit\n"
        + "stockton,S-1,XYZ,2025-01-01,,,,,\n"
    )
    assert problems_of(ImportKind.PROGRAMMES, text) == [
        "line 2, column end_date: cannot be before the start date",
        "line 3, column strand: is only for PPO memberships",
        "line 4, column exit_destination: needs an end_date: only an ended membership has an exit",
        "line 4, column exit_reason: needs an end_date: only an ended membership has an exit",
        "line 5, column programme: 'XYZ' is not a known code (use one of: PPO, IOM, CJIT, DYO)",
    ]


def test_import_command_reports_problems_and_exits_non_zero(scheme, tmp_path, capsys):
    bad = tmp_path / "offenders.csv"
    bad.write_text(OFFENDERS_HEADER + "stockton,S-1,Dean,Smith,1990-04-01,Q,,,\n")
    with pytest.raises(CommandError, match="not imported: 1 problem"):
        call_command("import_csv", "--kind", "offenders", str(bad))
    assert "line 2, column gender" in capsys.readouterr().err
    assert not Offender.objects.exists()


def test_import_command_imports_and_audits(scheme, tmp_path, capsys):
    good = tmp_path / "offenders.csv"
    good.write_text(OFFENDERS_HEADER + "stockton,S-1,Dean,Smith,1990-04-01,M,,,\n")
    call_command("import_csv", "--kind", "offenders", str(good))
    assert "1 created" in capsys.readouterr().out
    audit = ImportRun.objects.get()
    assert audit.file_name == "offenders.csv"
    assert len(audit.checksum) == 64
    assert audit.via.startswith("command (")


def test_create_scheme_is_idempotent_and_says_so(capsys):
    call_command("create_scheme", "leeds", "Leeds PPO", "--capacity-min", "60",
                 "--capacity-max", "100")  # fmt: skip
    call_command("create_scheme", "leeds", "Other", "--capacity-min", "1", "--capacity-max", "2")
    out = capsys.readouterr().out
    assert "Created scheme leeds" in out
    assert "already exists; nothing was changed" in out


def test_create_scheme_refuses_an_inverted_band():
    with pytest.raises(CommandError, match="lowest capacity cannot be above the highest"):
        call_command("create_scheme", "bad", "Bad", "--capacity-min", "9", "--capacity-max", "2")


def test_unused_factory_offender_is_not_touched_by_another_schemes_import(people, other_scheme):
    stranger = OffenderFactory(scheme=other_scheme, local_id="S-1")
    run(ImportKind.OFFENDERS, OFFENDERS_HEADER + "stockton,S-1,Dean,Smith,1990-04-01,M,,,\n")
    stranger.refresh_from_db()
    assert stranger.version == 1


def test_a_scheme_without_a_coordinator_cannot_receive_new_records(other_scheme):
    found = problems_of(
        ImportKind.OFFENDERS, OFFENDERS_HEADER + "wakefield,W-1,A,B,1990-01-01,M,,,\n"
    )
    assert found == [
        "line 2, column scheme: nobody could see the new record: the scheme has no "
        "coordinator yet, so add one first"
    ]


def test_every_problem_is_reported_even_with_a_malformed_row(scheme):
    text = OFFENDERS_HEADER + "stockton,S-1,Dean\n" + "stockton,S-2,Kelly,Jones,1985-02-30,Q,,,\n"
    assert problems_of(ImportKind.OFFENDERS, text) == [
        "line 2, column -: has 3 cells but the header has 9",
        "line 3, column date_of_birth: '1985-02-30' is not a real date in the form YYYY-MM-DD",
        "line 3, column gender: 'Q' is not a known code (use one of: M, F, X, U)",
    ]


def test_lines_are_counted_in_the_file_not_in_records(people):
    text = "scheme,local_id,event,date,to_area\n"
    text += 'stockton,S-1,moved_area,2026-01-01,"Leeds\nWest Yorkshire"\n'
    text += "stockton,S-1,moved_area,2026-01-99,York\n"
    assert problems_of(ImportKind.EVENTS, text) == [
        "line 4, column date: '2026-01-99' is not a real date in the form YYYY-MM-DD"
    ]


def test_too_long_and_too_large_values_are_reported_not_crashed_on(people):
    text = "scheme,local_id,event,date,case_ref,tics,offence_category\n"
    text += f"stockton,S-1,conviction,2026-01-01,{'C' * 101},99999999999,fraud\n"
    text += "stockton,S-1,conviction,2026-01-02,C1,\u00b2,fraud\n"
    assert problems_of(ImportKind.EVENTS, text) == [
        "line 2, column case_ref: must be 100 characters or fewer",
        "line 2, column tics: '99999999999' is not a whole number from 0 to 2,147,483,647",
        "line 3, column tics: '\u00b2' is not a whole number from 0 to 2,147,483,647",
    ]
    long_alias = OFFENDERS_HEADER + f"stockton,S-9,A,B,1990-01-01,M,,,{'x' * 201}\n"
    assert problems_of(ImportKind.OFFENDERS, long_alias) == [
        "line 2, column aliases: each name must be 200 characters or fewer"
    ]


def test_an_uploader_cannot_touch_records_not_shared_with_them(people, police_om, scheme):
    """The coordinator's agency holds the grants here; the police officer's does not."""
    from ppo.imports import ImportRejected as Rejected

    events = "scheme,local_id,event,date\nstockton,S-1,arrest,2026-01-01\n"
    with pytest.raises(Rejected) as rejected:
        run(ImportKind.EVENTS, events, by=police_om)
    assert [str(p) for p in rejected.value.problems] == [
        "line 2, column local_id: no record you can see in 'stockton' has reference 'S-1'"
    ]
    with pytest.raises(Rejected) as rejected:
        run(ImportKind.OFFENDERS, OFFENDERS_HEADER + "stockton,S-1,X,Y,1990-01-01,M,,,\n",
            by=police_om)  # fmt: skip
    assert [str(p) for p in rejected.value.problems] == [
        "line 2, column local_id: this reference belongs to a record not shared with you"
    ]
    assert Offender.objects.get(local_id="S-1").first_name == "Dean"
