"""Erasing a record due for review: every app's personal data about the person goes in one
transaction, audit rows stay without it, the log holds none, and the consent ledger still
verifies. The append-only triggers let exactly that through and nothing else."""

from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from cases.models import (
    Action,
    Appointment,
    Conference,
    ConferenceAttendee,
    ContactTarget,
    EnforcementFlag,
    ExitPlan,
    NeedAssessment,
    PartnerReferral,
)
from ppo.codes import EventKind, Programme
from ppo.erasure import ERASE_REASON_MISSING, NOT_DUE, TransactionStart, offender_erase
from ppo.models import (
    ERASED_TEXT,
    ErasureLog,
    Event,
    GrantChange,
    LookupLog,
    Notification,
    Offender,
    OffenderManagerAssignment,
    RetentionDecision,
)
from ppo.models.register import PERSONAL_FIELDS
from ppo.retention import records_due
from ppo.selectors import agencies_with_access, offenders_visible_to
from ppo.services import offender_access_grant, offender_create
from reporting.models import FlagRecord
from selection.models import Decision, FlagResponse, ManualScore, PanelMeeting, Referral
from selection.scoring import pool_score
from selection.services import matrix_save, scoring_run_create
from sharing.categories import Category
from sharing.erasure import NOT_BUILT
from sharing.ledger import ledger_checkpoint, ledger_verify
from sharing.models import (
    AccessLogEntry,
    ConsentEntry,
    ConsentKind,
    Disclosure,
    LedgerRedaction,
    SubjectAccessExport,
)
from sharing.services import access_log_record, consent_record
from tests.factories import OffenderFactory, ProgrammeMembershipFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 2)
DOB = date(1983, 7, 19)
# Every personal value below carries one of these, so a scan of the whole database after
# erasure finds any that was left behind.
MARKERS = ["Quixotic", "Zebedee", "2004/0012345D", "123456/04X", "A1234BC", "X123456", "TS18 1AB"]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@pytest.fixture
def zeb(scheme, police_om, coordinator, authoriser, custody_officer, data_protection_officer):
    """Zebedee Quixotic, off every programme since 2012, with something in every app."""
    person = offender_create(
        scheme=scheme, by=police_om, aliases=["Zeb Quixotic"],
        fields={"local_id": "QUIXOTIC-1", "first_name": "Zebedee", "last_name": "Quixotic",
                "date_of_birth": DOB, "gender": "M", "ethnicity": "W1",
                "pnc_id": "2004/0012345D", "cro_number": "123456/04X", "nomis_number": "A1234BC",
                "crn": "X123456", "postcode": "TS18 1AB", "area": "Quixotic Estate"},
    )  # fmt: skip
    police = agencies_with_access(offender=person).get()
    coordinators = coordinator.memberships.get().agency
    offender_access_grant(offenders=[person], agency=coordinators, by=coordinator)
    ProgrammeMembershipFactory(
        offender=person, programme=Programme.PPO, start_date=date(2009, 1, 1),
        end_date=date(2012, 1, 1),
    )  # fmt: skip
    OffenderManagerAssignment.objects.create(
        offender=person, manager=police_om, agency=police, start_date=date(2009, 1, 1),
        end_date=date(2012, 1, 1),
    )  # fmt: skip
    risk = Event.objects.create(
        offender=person, kind=EventKind.RISK_ASSESSMENT, date=date(2011, 5, 1), outcome="high",
        reference="Quixotic-risk",
    )  # fmt: skip
    Event.objects.create(
        offender=person, kind=EventKind.CUSTODY_START, date=date(2010, 2, 1),
        establishment="HMP Quixotic", sentence_months=12, reference="Quixotic-1",
    )  # fmt: skip
    # sharing
    consent_record(
        offender=person, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=[Category.TREATMENT_CLINICAL], effective_date=date(2009, 2, 1),
        review_date=None, by=police_om, note="Zebedee signed at the Quixotic hostel",
        evidence=SimpleUploadedFile("zebedee-quixotic.pdf", b"%PDF", "application/pdf"),
    )  # fmt: skip
    consent_record(
        offender=person, kind=ConsentKind.REFUSED, agency_types=["housing"], agencies=[],
        categories=[Category.FINANCE], effective_date=date(2009, 3, 1), review_date=None,
        by=police_om,
    )  # fmt: skip
    Disclosure.objects.create(
        offender=person, agency=police, categories=[Category.HEALTH], gateway="cda_1998_s115",
        reason="Zebedee threatened staff", expires_on=date(2010, 1, 1), authorised_by=authoriser,
    )  # fmt: skip
    AccessLogEntry.objects.create(
        user=police_om, offender=person, categories=["identity"], purpose="page_view",
        path="/offenders/?q=quixotic",
    )  # fmt: skip
    AccessLogEntry.objects.create(
        user=police_om, offender=person, categories=["identity"], purpose="page_view",
        path=f"/offenders/{person.pk}/",
    )  # fmt: skip
    export = SubjectAccessExport.objects.create(
        offender=person, requested_by=data_protection_officer, state="ready"
    )
    export.file.save("subject-access-QUIXOTIC-1.zip", ContentFile(b"PK zebedee"))
    # ppo audit and notifications
    lookup = LookupLog.objects.create(
        by=custody_officer, pnc_id="2004/0012345D", name="Zebedee Quixotic", date_of_birth=DOB,
        on_list=False,
    )  # fmt: skip
    lookup.matches.add(person)
    Notification.objects.create(
        user=police_om, key="flag:1", text="Record QUIXOTIC-1: review flag",
        url=f"/offenders/{person.pk}/",
    )  # fmt: skip
    Notification.objects.create(
        user=police_om, key="appointment-failed:1", text="Record QUIXOTIC-1 failed to attend",
        url=f"/offenders/{person.pk}/plan/",
    )  # fmt: skip
    RetentionDecision.objects.create(
        offender=person, decided_on=date(2018, 1, 2), review_by=date(2024, 1, 2),
        reason="Quixotic case still open", decided_by=coordinator,
    )  # fmt: skip
    # selection
    referral = Referral.objects.create(
        scheme=scheme, offender=person, referred_by=police_om, agency=police,
        reasons="Zebedee keeps offending", evidence="Quixotic arrests",
    )  # fmt: skip
    ManualScore.objects.create(
        offender=person, key="harm", score=3, evidence="Quixotic harm", recorded_by=coordinator
    )
    meeting = PanelMeeting.objects.create(scheme=scheme, held_on=date(2009, 1, 1))
    Decision.objects.create(
        meeting=meeting, offender=person, kind="select", rationale="Zebedee is prolific",
        referral=referral, risk_assessment=risk, decided_by=coordinator,
    )  # fmt: skip
    FlagResponse.objects.create(
        offender=person, code="two_year_review", kind="acknowledged", reason="Zebedee seen",
        by=coordinator,
    )  # fmt: skip
    matrix = matrix_save(
        scheme=scheme, by=None,
        document={"name": "Test", "threshold": 1,
                  "criteria": [{"type": "age_under", "years": 99, "points": 1}]},
    )  # fmt: skip
    scoring_run_create(scheme=scheme, matrix=matrix, on=date(2009, 1, 1), by=None)
    # cases
    conference = Conference.objects.create(
        offender=person, scheduled_for=date(2010, 1, 1), held_on=date(2010, 1, 1),
        offender_comments="Zebedee agreed", minutes="Quixotic minutes", created_by=police_om,
    )  # fmt: skip
    ConferenceAttendee.objects.create(conference=conference, agency=police, name="Quixotic Mum")
    NeedAssessment.objects.create(
        conference=conference, need="accommodation", level="high", note="Quixotic sofa"
    )
    Action.objects.create(
        offender=person, conference=conference, pathway="accommodation",
        description="House Zebedee", lead_agency=police, lead_officer="PC Smith",
        due_date=date(2010, 2, 1), outcome="Quixotic flat", created_by=police_om,
        updated_by=police_om,
    )  # fmt: skip
    PartnerReferral.objects.create(
        offender=person, pathway="accommodation", service="Hostel", sent_on=date(2010, 1, 5),
        note="Quixotic hostel", created_by=police_om,
    )  # fmt: skip
    first, second = (
        Appointment.objects.create(
            offender=person, agency=police, kind="supervision", at=_at(day), outcome="failed",
            outcome_note="Zebedee absent", created_by=police_om,
        )
        for day in (date(2010, 3, 1), date(2010, 3, 8))
    )  # fmt: skip
    EnforcementFlag.objects.create(
        offender=person, first_absence=first, second_absence=second, raised_on=date(2010, 3, 8),
        follow_up="Zebedee warned", followed_up_by=police_om, followed_up_on=date(2010, 3, 9),
    )  # fmt: skip
    ContactTarget.objects.create(offender=person, per_week=2)
    ExitPlan.objects.create(
        offender=person, removal_criteria="Zebedee stays clean", updated_by=police_om
    )
    # reporting
    FlagRecord.objects.create(
        scheme=scheme, offender=person, code="two_year_review", reason="Quixotic review",
        opened_on=date(2011, 1, 1),
    )  # fmt: skip
    person.refresh_from_db()
    return person


@pytest.fixture
def bystander(scheme, police_om):
    """Someone else on the list, whose rows erasure must leave alone."""
    person = OffenderFactory(scheme=scheme, last_name="Bystander")
    ProgrammeMembershipFactory(offender=person, start_date=date(2020, 1, 1))
    Event.objects.create(offender=person, kind=EventKind.ARREST, date=date(2025, 1, 1))
    consent_record(
        offender=person, kind=ConsentKind.GIVEN, agency_types=["cjit"], agencies=[],
        categories=[Category.OFFENDING], effective_date=date(2025, 1, 1), review_date=None,
        by=police_om, note="Bystander agreed",
    )  # fmt: skip
    return person


def _erase(person, by, **kwargs):
    return offender_erase(
        offender=person, by=by, reason="Reviewed: nothing to keep", on=ON, **kwargs
    )


def _text_fields(model):
    return [
        field for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.FileField)
    ]  # fmt: skip


def _leftovers() -> list[str]:
    """Every row of every table that still holds a marker or the date of birth."""
    found = []
    for model in apps.get_models():
        rows = model._default_manager.all()
        for field in _text_fields(model):
            for marker in MARKERS:
                if rows.filter(**{f"{field.name}__icontains": marker}).exists():
                    found.append(f"{model._meta.label}.{field.name} has {marker!r}")
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                as_text = rows.annotate(as_text=Cast(field.name, TextField()))
                for marker in MARKERS:
                    if as_text.filter(as_text__icontains=marker).exists():
                        found.append(f"{model._meta.label}.{field.name} has {marker!r}")
            elif (
                isinstance(field, models.DateField)
                and not isinstance(field, models.DateTimeField)
                and rows.filter(**{field.name: DOB}).exists()
            ):
                found.append(f"{model._meta.label}.{field.name} has the date of birth")
    return found


def test_the_fixture_leaves_a_marker_in_every_app(zeb):
    # The scan below proves something only if it finds what is there before erasure.
    before = " ".join(_leftovers())
    for label in (
        "ppo.Offender", "ppo.OffenderAlias", "ppo.Event", "ppo.LookupLog", "ppo.Notification",
        "ppo.RetentionDecision", "sharing.ConsentEntry", "sharing.Disclosure",
        "sharing.AccessLogEntry", "sharing.SubjectAccessExport", "selection.Referral",
        "selection.ManualScore", "selection.Decision", "selection.FlagResponse",
        "selection.ScoringRun", "cases.Conference", "cases.ConferenceAttendee",
        "cases.NeedAssessment", "cases.Action", "cases.PartnerReferral", "cases.Appointment",
        "cases.EnforcementFlag", "cases.ExitPlan", "reporting.FlagRecord",
    ):  # fmt: skip
        assert f"{label}." in before, label


def test_erasure_removes_every_personal_value_and_leaves_the_log(
    zeb, bystander, coordinator, django_capture_on_commit_callbacks
):
    files = [
        ConsentEntry.objects.filter(offender=zeb).exclude(evidence="").get().evidence.name,
        SubjectAccessExport.objects.get(offender=zeb).file.name,
    ]
    assert all(default_storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):
        log = _erase(zeb, coordinator)

    assert _leftovers() == []
    erased = Offender.objects.get(pk=zeb.pk)
    assert all(getattr(erased, name) in ("", None) for name in PERSONAL_FIELDS)
    assert (erased.local_id, erased.erased_at, erased.version) == (log.reference, log.at, 2)
    assert str(erased) == f"Erased record {log.reference}"
    assert not any(default_storage.exists(name) for name in files)

    assert (log.offender, log.scheme, log.erased_by) == (zeb, zeb.scheme, coordinator)
    assert log.reason == "Reviewed: nothing to keep"
    assert len(log.reference) == 13
    assert log.reference.startswith("ER-")
    assert log.removed == {
        "cases.Action": 1, "cases.Appointment": 2, "cases.Conference": 1,
        "cases.ConferenceAttendee": 1, "cases.ContactTarget": 1, "cases.EnforcementFlag": 1,
        "cases.ExitPlan": 1, "cases.NeedAssessment": 1, "cases.PartnerReferral": 1,
        "ppo.Event": 2, "ppo.Notification": 2, "ppo.OffenderAlias": 1,
        "ppo.OffenderGroupObjectPermission": 2, "ppo.OffenderManagerAssignment": 1,
        "ppo.ProgrammeMembership": 1, "reporting.FlagRecord": 1, "selection.ManualScore": 1,
    }  # fmt: skip
    assert log.redacted == {
        "ppo.LookupLog": 1, "ppo.RetentionDecision": 1, "selection.Decision": 1,
        "selection.FlagResponse": 1, "selection.Referral": 1, "selection.ScoringRun": 1,
        "sharing.AccessLogEntry": 1, "sharing.ConsentEntry": 1, "sharing.Disclosure": 1,
        "sharing.SubjectAccessExport": 1,
    }  # fmt: skip
    assert log.files_removed == 2
    assert ("events", 2) in log.removed_described
    assert ("agency grants", 2) in log.removed_described

    # Audit rows stay, pointing at the blank record, without their free text.
    assert Decision.objects.get(offender=zeb).rationale == ERASED_TEXT
    assert Decision.objects.get(offender=zeb).risk_assessment is None
    assert Disclosure.objects.get(offender=zeb).reason == ERASED_TEXT
    assert set(AccessLogEntry.objects.filter(offender=zeb).values_list("path", flat=True)) == {
        "/offenders/",
        f"/offenders/{zeb.pk}/",
    }
    assert ConsentEntry.objects.filter(offender=zeb).count() == 2
    assert GrantChange.objects.filter(offender=zeb, granted=False).count() == 2
    # Nobody can open it any more; the person beside it is untouched.
    assert not offenders_visible_to(user=coordinator).filter(pk=zeb.pk).exists()
    assert bystander.events.count() == 1
    assert ConsentEntry.objects.get(offender=bystander).note == "Bystander agreed"


def test_the_ledger_still_verifies_and_a_redacted_entry_is_still_guarded(
    zeb, bystander, coordinator, capsys
):
    head_before = ConsentEntry.objects.order_by("-id").first().hash
    ledger_checkpoint()
    _erase(zeb, coordinator)
    call_command("verify_ledger", head=head_before)
    out = capsys.readouterr().out
    assert "intact: 3 entries checked, 1 of them redacted when a record was erased." in out
    assert ledger_verify() == (3, [])
    redaction = LedgerRedaction.objects.get()
    assert redaction.erasure_id == ErasureLog.objects.get().reference

    def forged(categories: list[str], note: str, problem: str) -> None:
        """Someone switching the triggers off to change what is left of it is caught."""
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "UPDATE sharing_consententry SET categories = %s, note = %s WHERE id = %s",
                [categories, note, redaction.entry_id],
            )
            cursor.execute("SET session_replication_role = DEFAULT")
        with pytest.raises(CommandError, match="broken: 1 problem"):
            call_command("verify_ledger")
        assert problem in capsys.readouterr().err

    forged(["finance"], "", "does not match what was left when it was redacted")
    # A note written back is caught whatever its residual hash says.
    forged(["treatment_clinical"], "forged", "redacted but still has a note")


def test_an_erased_record_leaves_every_list(zeb, coordinator, scheme):
    assert zeb in records_due(scheme=scheme, on=ON)
    _erase(zeb, coordinator)
    assert list(records_due(scheme=scheme, on=ON)) == []
    matrix = scheme.matrices.get()
    assert pool_score(scheme=scheme, on=ON, matrix=matrix)["ranking"] == []
    with pytest.raises(ValidationError, match=NOT_DUE):
        _erase(Offender.objects.get(pk=zeb.pk), coordinator)
    assert ErasureLog.objects.count() == 1


def test_a_failing_step_writes_nothing(zeb, coordinator, settings):
    settings.ERASURE_STEPS = [*settings.ERASURE_STEPS, "tests.ppo.test_erasure.failing_step"]
    with pytest.raises(RuntimeError):
        _erase(zeb, coordinator)
    zeb.refresh_from_db()
    assert (zeb.first_name, zeb.erased_at) == ("Zebedee", None)
    assert zeb.events.count() == 2
    assert not ErasureLog.objects.exists()
    assert not LedgerRedaction.objects.exists()
    assert ConsentEntry.objects.exclude(note="").filter(offender=zeb).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('ppo.erasing_offender', true)")
        assert cursor.fetchone()[0] in ("", None)


def failing_step(*, erasure) -> None:
    raise RuntimeError("a step failed")


def test_only_a_coordinator_erases_only_a_due_record_with_a_reason(
    zeb, coordinator, police_om, scheme
):
    with pytest.raises(ValidationError) as refused:
        _erase(zeb, police_om)
    assert refused.value.code == "forbidden"
    with pytest.raises(ValidationError) as refused:
        offender_erase(offender=zeb, by=coordinator, reason="  ", on=ON)
    assert refused.value.message_dict == {"reason": [ERASE_REASON_MISSING]}
    ProgrammeMembershipFactory(offender=zeb, programme=Programme.IOM, start_date=date(2026, 1, 1))
    with pytest.raises(ValidationError, match=NOT_DUE):
        _erase(zeb, coordinator)
    assert not ErasureLog.objects.exists()
    assert Offender.objects.get(pk=zeb.pk).first_name == "Zebedee"


# --- the database's side ---------------------------------------------------------------------


def _erasing(offender_id) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('ppo.erasing_offender', %s, true)", [str(offender_id)])


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused(change) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


def test_the_exception_is_only_for_the_named_persons_personal_columns(zeb, bystander):
    entry = ConsentEntry.objects.filter(offender=zeb).first()
    decision = Decision.objects.get(offender=zeb)
    others = ConsentEntry.objects.filter(offender=bystander)
    _refused(lambda: ConsentEntry.objects.filter(pk=entry.pk).update(note=""))  # no setting
    with transaction.atomic():
        _erasing(zeb.pk)
        _refused(lambda: others.update(note=""))  # someone else's row
        _refused(lambda: ConsentEntry.objects.filter(pk=entry.pk).update(categories=["health"]))
        _refused(lambda: ConsentEntry.objects.filter(pk=entry.pk).update(hash="0" * 64))
        _refused(lambda: ConsentEntry.objects.filter(pk=entry.pk).delete())
        _refused(lambda: Decision.objects.filter(pk=decision.pk).update(kind="reject"))
        _refused(lambda: Decision.objects.filter(pk=decision.pk).update(offender=bystander))
        _refused(lambda: AccessLogEntry.objects.filter(offender=zeb).delete())
        # Erasing only removes: the columns it may touch cannot be given new content (the
        # access log's own trigger allows only cutting an address at its query string).
        _refused(lambda: AccessLogEntry.objects.filter(offender=zeb).update(path="/elsewhere/"))
        for change in (
            lambda: ConsentEntry.objects.filter(pk=entry.pk).update(note="Agreed to all"),
            lambda: Decision.objects.filter(pk=decision.pk).update(rationale="Rewritten"),
            # Emptied, then pointed at someone else's risk assessment: an empty column
            # cannot be filled in either.
            lambda: (
                Decision.objects.filter(pk=decision.pk).update(risk_assessment=None),
                Decision.objects.filter(pk=decision.pk).update(
                    risk_assessment=Event.objects.filter(offender=bystander).first()
                ),
            ),
        ):
            with pytest.raises(DatabaseError, match="may only remove"), transaction.atomic():
                change()


def test_a_name_searched_for_goes_from_every_row_of_that_search(
    zeb, bystander, police_om, coordinator
):
    """A search that showed the erased person showed others too: the name typed goes from
    their rows of that request as well, and from nothing else."""

    def logged(path, people):
        access_log_record(
            user=police_om, entries=[(person.pk, ["identity"]) for person in people],
            purpose="page_view", client_address="10.0.0.1", path=path,
        )  # fmt: skip

    logged("/offenders/?q=quixotic", [zeb, bystander])
    logged("/offenders/?q=bystander", [bystander])
    others = AccessLogEntry.objects.filter(offender=bystander)
    shared_request = others.get(path="/offenders/?q=quixotic")
    with transaction.atomic():  # none of the others' rows may be touched but those
        _erasing(zeb.pk)
        _refused(lambda: others.filter(path="/offenders/?q=bystander").update(path="/offenders/"))
        rows = AccessLogEntry.objects.filter(pk=shared_request.pk)
        _refused(lambda: rows.update(path="/elsewhere/"))
        _refused(lambda: rows.update(path="/offenders/", purpose="export"))
    _erase(zeb, coordinator)
    assert sorted(others.values_list("path", flat=True)) == [
        "/offenders/",
        "/offenders/?q=bystander",
    ]
    assert _leftovers() == []


def test_the_lookup_log_is_append_only_but_for_erasing_what_was_typed(zeb, bystander):
    lookup = LookupLog.objects.get(matches=zeb)
    rows = LookupLog.objects.filter(pk=lookup.pk)
    _refused(lambda: rows.update(on_list=True))
    _refused(lambda: rows.update(name=""))  # not while erasing
    _refused(lambda: _sql("DELETE FROM ppo_lookuplog WHERE id = %s", [lookup.pk]))
    _refused(lambda: lookup.matches.remove(zeb))
    with transaction.atomic():
        _erasing(bystander.pk)  # someone the lookup did not find
        _refused(lambda: rows.update(name=""))
    with transaction.atomic():
        _erasing(zeb.pk)
        _refused(lambda: rows.update(name="Someone else"))
        _refused(lambda: rows.update(name="", on_list=True))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="not logged"), transaction.atomic():
            rows.update(pnc_id="", name="", date_of_birth=None)


def test_an_unlogged_erasure_cannot_commit(zeb):
    with transaction.atomic():
        _erasing(zeb.pk)
        with connection.cursor() as cursor:
            # The check waits for the commit; make it run now, as a commit would.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="not logged"), transaction.atomic():
            Disclosure.objects.filter(offender=zeb).update(reason=ERASED_TEXT)


def test_an_export_being_built_when_the_record_is_erased_leaves_no_file(
    zeb, coordinator, data_protection_officer, monkeypatch, django_capture_on_commit_callbacks
):
    """A subject access export claimed by the worker before the erasure and finished after
    it: the erasure fails it, and the build removes the file it wrote instead of making it
    ready."""
    from sharing import subject_access

    export = SubjectAccessExport.objects.create(offender=zeb, requested_by=data_protection_officer)
    written = []
    real_save = default_storage.save

    def erased_meanwhile(export, tables):
        with django_capture_on_commit_callbacks(execute=True):
            _erase(zeb, coordinator)
        return b"%PDF"

    def save(name, content, **kwargs):
        written.append(real_save(name, content, **kwargs))
        return written[-1]

    monkeypatch.setattr(subject_access, "_pdf", erased_meanwhile)
    monkeypatch.setattr(default_storage, "save", save)
    assert subject_access.subject_access_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert (export.state, export.file.name, export.problem) == ("failed", "", NOT_BUILT)
    assert len(written) == 1
    assert not default_storage.exists(written[0])


def test_a_file_that_cannot_be_removed_is_logged_and_the_others_still_go(
    zeb, coordinator, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    files = [
        ConsentEntry.objects.filter(offender=zeb).exclude(evidence="").get().evidence.name,
        SubjectAccessExport.objects.get(offender=zeb).file.name,
    ]
    real_delete = default_storage.delete

    def delete(name):
        if name == files[0]:
            raise PermissionError(f"Permission denied: {name}")
        real_delete(name)

    monkeypatch.setattr(default_storage, "delete", delete)
    with django_capture_on_commit_callbacks(execute=True):
        log = _erase(zeb, coordinator)
    assert default_storage.exists(files[0])
    assert not default_storage.exists(files[1])
    assert f"Erasure {log.reference}: could not remove the file {files[0]}" in caplog.text


def test_a_log_row_alone_does_not_let_an_erasure_commit(zeb, coordinator):
    """The person's own row must be marked erased by the same transaction too."""
    with transaction.atomic():
        _erasing(zeb.pk)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ErasureLog.objects.create(
            reference="ER-FORGED0001", offender=zeb, scheme=zeb.scheme, erased_by=coordinator,
            at=TransactionStart(), reason="Not really", removed={}, redacted={},
            files_removed=0,
        )  # fmt: skip
        with pytest.raises(DatabaseError, match="not logged"), transaction.atomic():
            Disclosure.objects.filter(offender=zeb).update(reason=ERASED_TEXT)


def test_the_erasure_log_is_append_only(zeb, coordinator):
    log = _erase(zeb, coordinator)
    _erasing(zeb.pk)
    _refused(lambda: ErasureLog.objects.filter(pk=log.pk).update(reason="edited"))
    _refused(lambda: _sql("DELETE FROM ppo_erasurelog WHERE id = %s", [log.pk]))
    _refused(lambda: LedgerRedaction.objects.all().delete())


@pytest.mark.django_db(transaction=True)
def test_at_commit_a_logged_erasure_lands_and_an_unlogged_change_does_not(zeb, coordinator):
    # The other tests run inside one transaction that never commits, so the checks made at
    # commit run here for real.
    log = _erase(zeb, coordinator)
    assert ErasureLog.objects.get() == log
    assert Decision.objects.get(offender=zeb).rationale == ERASED_TEXT
    assert ledger_verify()[1] == []
    other = offender_create(
        scheme=zeb.scheme, by=coordinator, aliases=[],
        fields={"local_id": "B-2", "first_name": "Bo", "last_name": "Peep",
                "date_of_birth": date(1990, 1, 1), "gender": "F"},
    )  # fmt: skip
    Disclosure.objects.create(
        offender=other, agency=coordinator.memberships.get().agency, categories=["health"],
        gateway="cda_1998_s115", reason="Bo's reason", expires_on=date(2030, 1, 1),
        authorised_by=coordinator,
    )  # fmt: skip

    def unlogged_change():
        with transaction.atomic():  # commits here, when the check runs
            _erasing(other.pk)
            Disclosure.objects.filter(offender=other).update(reason=ERASED_TEXT)

    with pytest.raises(DatabaseError, match="not logged"):
        unlogged_change()
    assert Disclosure.objects.get(offender=other).reason == "Bo's reason"
