"""The consent ledger: append-only in PostgreSQL, hash-chained, every bad input refused."""

import logging
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from sharing.categories import Category
from sharing.ledger import GENESIS, entry_hash, ledger_checkpoint, ledger_verify
from sharing.models import ConsentEntry, ConsentKind, LedgerCheckpoint
from sharing.services import consent_record
from sharing.tasks import ledger_checkpoint_scheduled
from tests.factories import OffenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(scheme):
    return OffenderFactory(scheme=scheme)


def give(person, by, **overrides):
    values = {
        "offender": person,
        "kind": ConsentKind.GIVEN,
        "agency_types": ["cjit", "police"],
        "agencies": [],
        "categories": [Category.TREATMENT_CLINICAL, Category.OFFENDING],
        "effective_date": date(2026, 1, 5),
        "review_date": date(2027, 1, 5),
        "by": by,
    }
    return consent_record(**{**values, **overrides})


def test_entries_chain_their_hashes(person, police_om):
    first = give(person, police_om)
    second = give(person, police_om, kind=ConsentKind.WITHDRAWN, agency_types=["police"])
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.hash
    assert ledger_verify() == (2, [])


def test_evidence_is_stored_with_its_checksum(person, police_om):
    form = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed consent", "application/pdf")
    entry = give(person, police_om, evidence=form)
    assert len(entry.evidence_sha256) == 64
    assert entry.evidence.read() == b"%PDF-1.4 signed consent"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": []}, "categories"),
        ({"agency_types": [], "agencies": []}, "agency_types"),
        ({"effective_date": date.today() + timedelta(days=2)}, "effective_date"),
        ({"review_date": date(2025, 1, 1)}, "review_date"),
        ({"kind": ConsentKind.WITHDRAWN}, "kind"),
    ],
)
def test_bad_consent_is_refused_and_nothing_is_written(person, police_om, overrides, field):
    with pytest.raises(ValidationError) as refused:
        give(person, police_om, **overrides)
    assert field in refused.value.message_dict
    assert not ConsentEntry.objects.exists()


def test_the_database_refuses_updates_and_deletes(person, police_om):
    entry = give(person, police_om)
    for change in (
        lambda: ConsentEntry.objects.filter(pk=entry.pk).update(note="edited"),
        lambda: ConsentEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    entry.refresh_from_db()
    assert entry.note == ""


def test_verify_ledger_reports_a_row_edited_behind_the_applications_back(person, police_om, capsys):
    give(person, police_om)
    tampered = give(person, police_om, agency_types=["housing"], categories=[Category.FINANCE])
    give(person, police_om, agency_types=["probation"])
    call_command("verify_ledger")
    assert "intact: 3 entries" in capsys.readouterr().out
    with connection.cursor() as cursor:
        # A superuser can switch triggers off for the session; the hash chain still tells.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE sharing_consententry SET categories = %s WHERE id = %s",
            [["finance", "health"], tampered.pk],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="broken: 1 problem"):
        call_command("verify_ledger")
    assert f"entry {tampered.pk}: its content does not match its hash" in capsys.readouterr().err


def test_verify_ledger_reports_a_deleted_row(person, police_om, capsys):
    give(person, police_om)
    removed = give(person, police_om, agency_types=["housing"])
    after = give(person, police_om, agency_types=["yot"])
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM sharing_consententry WHERE id = %s", [removed.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    assert f"entry {after.pk}: does not follow" in capsys.readouterr().err


def test_recorded_at_is_the_time_of_recording(person, police_om):
    before = timezone.now()
    entry = give(person, police_om)
    assert before <= entry.recorded_at <= timezone.now()


def test_changing_the_evidence_file_reference_breaks_the_chain(person, police_om):
    form = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", "application/pdf")
    entry = give(person, police_om, evidence=form)
    assert entry.evidence.name.startswith("consent-evidence/")
    assert ledger_verify() == (1, [])
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE sharing_consententry SET evidence = 'consent-evidence/other.pdf' WHERE id = %s",
            [entry.pk],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    problems = [found.problem for found in ledger_verify()[1]]
    assert problems == [
        "its content does not match its hash (it was changed)",
        "its evidence file consent-evidence/other.pdf is missing",
    ]


def _behind_the_back(sql: str, params: list) -> None:
    """As a database superuser who switches the append-only triggers off for the session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_replacing_the_evidence_file_itself_is_reported(person, police_om):
    form = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", "application/pdf")
    entry = give(person, police_om, evidence=form)
    with default_storage.open(entry.evidence.name, "wb") as evidence:
        evidence.write(b"%PDF-1.4 a different form")
    assert [str(found) for found in ledger_verify()[1]] == [
        f"entry {entry.pk}: its evidence file {entry.evidence.name} was changed after it was "
        "recorded"
    ]


def test_a_checkpoint_catches_the_newest_rows_being_removed(person, police_om, caplog):
    give(person, police_om)
    newest = give(person, police_om, agency_types=["housing"])
    with caplog.at_level(logging.INFO, logger="sharing.ledger"):
        checkpoint = ledger_checkpoint()
    assert (checkpoint.last_entry_id, checkpoint.entry_count) == (newest.pk, 2)
    assert newest.hash in caplog.text  # the copy kept outside the database
    assert ledger_checkpoint() is None  # nothing added since
    _behind_the_back("DELETE FROM sharing_consententry WHERE id = %s", [newest.pk])
    # The chain that is left is consistent; only the checkpoint knows better.
    assert [str(found) for found in ledger_verify()[1]] == [
        f"entry {newest.pk}: the newest entry at the checkpoint of "
        f"{checkpoint.at:%Y-%m-%d %H:%M} UTC is gone (rows were removed)"
    ]


def test_a_checkpoint_catches_an_edit_with_every_hash_recomputed(person, police_om):
    first = give(person, police_om)
    give(person, police_om, agency_types=["housing"])
    ledger_checkpoint()
    _behind_the_back("UPDATE sharing_consententry SET note = 'edited' WHERE id = %s", [first.pk])
    previous = GENESIS
    for entry in ConsentEntry.objects.order_by("id"):
        entry.previous_hash = previous
        previous = entry_hash(entry)
        _behind_the_back(
            "UPDATE sharing_consententry SET previous_hash = %s, hash = %s WHERE id = %s",
            [entry.previous_hash, previous, entry.pk],
        )
    problems = [found.problem for found in ledger_verify()[1]]
    assert len(problems) == 1
    assert "its hash differs from the checkpoint" in problems[0]


def test_verify_ledger_checks_a_head_hash_kept_outside_the_database(person, police_om, capsys):
    give(person, police_om)
    newest = give(person, police_om, agency_types=["housing"])
    call_command("verify_ledger", head=newest.hash)
    assert f"Head: entry {newest.pk}, hash {newest.hash}" in capsys.readouterr().out
    _behind_the_back("DELETE FROM sharing_consententry WHERE id = %s", [newest.pk])
    with pytest.raises(CommandError, match="broken: 1 problem"):
        call_command("verify_ledger", head=newest.hash)
    assert "is not in the ledger" in capsys.readouterr().err


def test_checkpoints_are_append_only(person, police_om):
    give(person, police_om)
    checkpoint = ledger_checkpoint()
    for change in (
        lambda: LedgerCheckpoint.objects.filter(pk=checkpoint.pk).update(entry_count=9),
        lambda: LedgerCheckpoint.objects.filter(pk=checkpoint.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


def test_a_checkpoint_is_taken_every_night(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["ledger-checkpoint"]
    assert schedule["task"] == ledger_checkpoint_scheduled.name
    assert schedule["schedule"].hour == {1}
