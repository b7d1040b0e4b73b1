"""Every write to selection: matrix versions, the panel's manual scores, scoring runs,
referrals, panel meetings and their decisions, and responses to review flags."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from ppo.codes import EventKind, ExitDestination, ExitReason, Programme, RiskOutcome, Strand
from ppo.dates import add_months
from ppo.models import Agency, AgencyType, Event, Offender, ProgrammeMembership, Scheme, User
from ppo.services import offender_create, programme_membership_close, programme_membership_record
from ppo.status import period_open
from selection.flags import flag_rules, thresholds_for
from selection.matrix import matrix_problems
from selection.models import (
    Decision,
    DecisionKind,
    FlagResponse,
    ManualScore,
    Matrix,
    PanelAttendee,
    PanelMeeting,
    Referral,
    ReviewThresholds,
    ScoringRun,
)
from selection.scoring import pool_score
from selection.selectors import run_for_meeting


@transaction.atomic
def matrix_save(*, scheme: Scheme, document, by: User | None, note: str = "") -> Matrix:
    """Save `document` (parsed matrix.json) as the scheme's next matrix version. Raises
    ValidationError listing every problem, writing nothing."""
    problems = matrix_problems(document)
    if problems:
        raise ValidationError(problems)
    # Locking the scheme's latest version serialises two saves, so both cannot take the same
    # number (the unique constraint would refuse the second anyway).
    latest = Matrix.objects.select_for_update().filter(scheme=scheme).first()
    try:
        # A savepoint: the first version has no row to lock, so two first saves at once
        # can both try version 1; the unique constraint turns the second away.
        with transaction.atomic():
            return Matrix.objects.create(
                scheme=scheme,
                version=(latest.version + 1) if latest else 1,
                name=document["name"].strip(),
                threshold=document["threshold"],
                criteria=document["criteria"],
                created_by=by,
                note=note,
            )
    except IntegrityError:
        raise ValidationError(
            ["Someone saved a version of the matrix at the same moment: save yours again"]
        ) from None


def manual_score_record(
    *, offender: Offender, matrix: Matrix, key: str, score: int, evidence: str, by: User
) -> ManualScore:
    """The panel's score for a person on one of the matrix's manual criteria."""
    criterion = next(
        (c for c in matrix.criteria if c["type"] == "manual" and c["key"] == key), None
    )
    errors: dict[str, list[str]] = {}
    if criterion is None:
        errors["key"] = [f"This matrix has no panel assessment called {key!r}"]
    elif not 0 <= score <= criterion["max"]:
        errors["score"] = [f"Enter a score from 0 to {criterion['max']}"]
    if not evidence.strip():
        errors["evidence"] = ["Enter the evidence for the score"]
    if errors:
        raise ValidationError(errors)
    return ManualScore.objects.create(
        offender=offender, key=key, score=score, evidence=evidence.strip(), recorded_by=by
    )


def scoring_run_create(*, scheme: Scheme, matrix: Matrix, on: date, by: User | None) -> ScoringRun:
    """Score the pool and keep the result with its date and matrix version."""
    if matrix.scheme_id != scheme.pk:
        raise ValidationError({"matrix": ["This matrix belongs to another scheme"]})
    return ScoringRun.objects.create(
        scheme=scheme, matrix=matrix, as_at=on, run_by=by,
        result=pool_score(scheme=scheme, on=on, matrix=matrix),
    )  # fmt: skip


def referral_create(
    *, offender: Offender, agency: Agency, reasons: str, evidence: str, by: User
) -> Referral:
    """Refer a person to the scheme's next panel. A referral from a CJIT is marked as one
    (the monthly return counts selections from CJIT referrals)."""
    errors: dict[str, list[str]] = {}
    if not reasons.strip():
        errors["reasons"] = ["Enter why this person should be considered"]
    if (
        Referral.objects.filter(offender=offender)
        .exclude(decisions__kind__in=[DecisionKind.SELECT, DecisionKind.REJECT])
        .exists()
    ):
        errors["__all__"] = ["This person has already been referred and is waiting for the panel"]
    elif ProgrammeMembership.objects.filter(
        offender=offender, programme=Programme.PPO, end_date__isnull=True
    ).exists():
        errors["__all__"] = ["This person is already on the PPO list"]
    if errors:
        raise ValidationError(errors)
    return Referral.objects.create(
        scheme=offender.scheme, offender=offender, referred_by=by, agency=agency,
        reasons=reasons.strip(), evidence=evidence.strip(),
        from_cjit=agency.type == AgencyType.CJIT,
    )  # fmt: skip


@transaction.atomic
def panel_meeting_create(
    *, scheme: Scheme, held_on: date, chair: str, attendees: list[tuple[Agency, str]], by: User
) -> PanelMeeting:
    """Schedule (or record) a panel meeting with its attendees, each from an agency."""
    named = [(agency, name.strip()) for agency, name in attendees if name.strip()]
    if not named:
        raise ValidationError({"attendees": ["Add at least one attendee and their agency"]})
    outside = [a.name for a, _ in named if a.scheme_id not in (None, scheme.pk)]
    if outside:
        raise ValidationError({"attendees": [f"{outside[0]} is not part of this scheme"]})
    meeting = PanelMeeting.objects.create(
        scheme=scheme, held_on=held_on, chair=chair.strip(), created_by=by
    )
    PanelAttendee.objects.bulk_create(
        PanelAttendee(meeting=meeting, agency=agency, name=name) for agency, name in named
    )
    return meeting


REFERRAL_SOURCES = {
    AgencyType.POLICE: "police", AgencyType.PROBATION: "probation", AgencyType.PRISON: "prison",
    AgencyType.YOT: "yot", AgencyType.CJIT: "cjit", AgencyType.LOCAL_AUTHORITY: "local_authority",
    AgencyType.VOLUNTARY: "voluntary",
}  # fmt: skip
# De-selection to these destinations opens that programme's membership the same day.
EXIT_PROGRAMMES = {ExitDestination.CJIT: Programme.CJIT, ExitDestination.IOM: Programme.IOM}


@transaction.atomic
def decision_record(
    *,
    meeting: PanelMeeting,
    offender: Offender,
    kind: str,
    rationale: str,
    by: User,
    referral: Referral | None = None,
    two_year_review: bool = False,
    strand: str = "",
    exit_reason: str = "",
    exit_destination: str = "",
    to_scheme: Scheme | None = None,
) -> Decision:
    """Record the panel's decision about one person and do what it means: selecting opens
    their PPO membership, removing closes it (opening CJIT or IOM when that is where they
    go). Raises ValidationError by field, writing nothing.

    The person's row is locked first, so two decisions about the same person at once run
    one after the other: the second sees the first's result and is refused if it no longer
    makes sense ("already on the list").
    """
    person = Offender.objects.select_for_update().select_related("scheme").get(pk=offender.pk)
    on = meeting.held_on
    # The form offers every field; keep only those that belong to this kind of decision.
    if kind != DecisionKind.SELECT:
        strand = ""
    if kind != DecisionKind.DESELECT:
        exit_reason, exit_destination, to_scheme = "", "", None
    current = (
        ProgrammeMembership.objects.filter(offender=person, programme=Programme.PPO)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .order_by("-start_date")
        .first()
    )
    errors = _decision_problems(
        meeting, person, kind, rationale, current, referral, two_year_review, strand
    )
    risk = None
    if kind == DecisionKind.DESELECT and current is not None:
        exit_errors, risk = _exit_problems(person, on, exit_reason, exit_destination, to_scheme)
        errors.update(exit_errors)
    if errors:
        raise ValidationError(errors)
    matrix, score = _panel_score(meeting, person)
    decision = Decision.objects.create(
        meeting=meeting, offender=person, kind=kind, rationale=rationale.strip(),
        matrix=matrix, referral=referral, two_year_review=two_year_review, score=score,
        strand=strand, exit_reason=exit_reason, exit_destination=exit_destination,
        risk_assessment=risk, to_scheme=to_scheme, decided_by=by,
    )  # fmt: skip
    if kind == DecisionKind.SELECT:
        source = REFERRAL_SOURCES.get(referral.agency.type, "other") if referral else ""
        programme_membership_record(
            offender=person, by=by, programme=Programme.PPO, start_date=on,
            values={"strand": strand, "referral_source": source},
        )  # fmt: skip
    if kind == DecisionKind.DESELECT:
        programme_membership_close(
            membership=current, end_date=on, exit_reason=exit_reason,
            exit_destination=exit_destination,
        )  # fmt: skip
        _open_exit_programme(person, on, exit_destination, by)
        if exit_reason == ExitReason.MOVED_AREA and to_scheme is not None:
            _refer_to_receiving_scheme(person, to_scheme, current)
    return decision


def _decision_problems(
    meeting, person, kind, rationale, current, referral, two_year_review, strand
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    on = meeting.held_on
    if person.scheme_id != meeting.scheme_id:
        errors["__all__"] = ["This person is on another scheme's register"]
    if on > timezone.localdate():
        errors["meeting"] = ["Record decisions once the meeting has been held"]
    if kind not in DecisionKind.values:
        errors["kind"] = ["Select a decision"]
    if not rationale.strip():
        errors["rationale"] = ["Enter the reasons for the decision"]
    listed = f"is on the PPO list since {date_format(current.start_date)}" if current else ""
    if kind == DecisionKind.SELECT:
        if current is not None:
            errors["kind"] = [f"Cannot select: this person {listed}"]
        if strand not in Strand.values:
            errors["strand"] = ["Select the strand they join"]
    if kind in (DecisionKind.REJECT, DecisionKind.DEFER) and current is not None:
        errors["kind"] = [f"This person {listed}: keep them on the list or remove them instead"]
    if kind in (DecisionKind.RETAIN, DecisionKind.DESELECT) and (
        current is None or current.start_date > on
    ):
        errors["kind"] = ["Cannot keep or remove: this person is not on the PPO list"]
    elif kind == DecisionKind.DESELECT and current.end_date is not None:
        errors["kind"] = [f"Their time on the list already ends on {date_format(current.end_date)}"]
    if two_year_review and kind not in (DecisionKind.RETAIN, DecisionKind.DESELECT):
        errors["two_year_review"] = [
            "A two-year review keeps the person on the list or removes them"
        ]
    if referral is not None and (
        referral.offender_id != person.pk
        or referral.decisions.filter(kind__in=[DecisionKind.SELECT, DecisionKind.REJECT]).exists()
    ):
        errors["referral"] = ["This referral is not waiting for a decision about this person"]
    return errors


def _exit_problems(person, on, exit_reason, exit_destination, to_scheme):
    errors: dict[str, list[str]] = {}
    risk = None
    if exit_reason not in ExitReason.values:
        errors["exit_reason"] = ["Select why they are leaving the list"]
    if exit_destination not in ExitDestination.values:
        errors["exit_destination"] = ["Select where they go next"]
    if exit_reason == ExitReason.LONG_CUSTODY:
        in_custody = Offender.objects.filter(
            period_open(EventKind.CUSTODY_START, EventKind.RELEASE, on), pk=person.pk
        ).exists()
        risk = (
            Event.objects.filter(offender=person, kind=EventKind.RISK_ASSESSMENT, date__lte=on)
            .order_by("-date", "-id")
            .first()
        )
        sentence = (
            Event.objects.filter(offender=person, kind=EventKind.CUSTODY_START, date__lte=on)
            .order_by("-date", "-id")
            .first()
        )
        months = thresholds_for(person.scheme).long_custody_months
        long_after = add_months(on, months)
        if not in_custody:
            errors["exit_reason"] = ["They are not serving a custodial sentence"]
        elif not (sentence.expected_release and sentence.expected_release > long_after):
            errors["exit_reason"] = [
                f"Their expected release is not after {date_format(long_after)}: removal for "
                f"long custody is for sentences with more than {months} months left"
            ]
        elif risk is None or risk.date < sentence.date:
            errors["exit_reason"] = [
                "Record the multi-agency risk assessment first: removal for long custody "
                "needs one made during this sentence"
            ]
        elif risk.outcome == RiskOutcome.HIGH:
            errors["exit_reason"] = [
                f"The risk assessment of {date_format(risk.date)} found a high risk of harm: "
                "people at the highest risk stay on the list in custody (2009 de-selection "
                "criteria). Consider a referral to MAPPA."
            ]
    if to_scheme is not None and (
        exit_reason != ExitReason.MOVED_AREA or to_scheme == person.scheme
    ):
        errors["to_scheme"] = ["Name a receiving scheme only when they moved to another area"]
    return errors, risk


def _panel_score(meeting: PanelMeeting, person: Offender) -> tuple[Matrix | None, int | None]:
    """The matrix version the panel worked from and the person's score in it: the run for
    the meeting (see run_for_meeting), else the version in force and no score."""
    run = run_for_meeting(meeting=meeting)
    if run is None:
        in_force = Matrix.objects.filter(scheme_id=person.scheme_id).order_by("-version").first()
        return in_force, None
    ranked = {row["local_id"]: row["score"] for row in run.result["ranking"]}
    return run.matrix, ranked.get(person.local_id)


def _open_exit_programme(person: Offender, on: date, destination: str, by: User) -> None:
    programme = EXIT_PROGRAMMES.get(destination)
    already = ProgrammeMembership.objects.filter(
        offender=person, programme=programme, end_date__isnull=True
    )
    if programme and not already.exists():
        programme_membership_record(
            offender=person, by=by, programme=programme, start_date=on, values={}
        )


IDENTITY_FIELDS = (
    "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "pnc_id", "cro_number",
    "nomis_number", "crn",
)  # fmt: skip


def _refer_to_receiving_scheme(
    person: Offender, to_scheme: Scheme, membership: ProgrammeMembership
) -> Referral:
    """Tell the receiving scheme, which decides on its own: a referral on its register, for
    its record of the person (found by PNC ID, or created from the identity details only;
    the rest of the history stays with the scheme that held it)."""
    reference = f"{person.scheme.slug}-{person.local_id}"[:50]
    there = Offender.objects.filter(scheme=to_scheme)
    record = there.filter(pnc_id=person.pnc_id).first() if person.pnc_id else None
    record = record or there.filter(local_id=reference).first()
    if record is None:
        record = offender_create(
            scheme=to_scheme, by=None,
            fields={"local_id": reference,
                    **{name: getattr(person, name) for name in IDENTITY_FIELDS}},
            aliases=list(person.aliases.values_list("name", flat=True)),
        )  # fmt: skip
    # Not "referred by" the sending coordinator: their My referrals must not show another
    # scheme's record and its panel's decision.
    return Referral.objects.create(
        scheme=to_scheme, offender=record, from_scheme=person.scheme,
        reasons=(
            f"Moved here from the {person.scheme.name} area, where they were a PPO from "
            f"{date_format(membership.start_date)}. Contact that scheme's coordinator for "
            "their history and plan."
        ),
    )  # fmt: skip


def flag_respond(
    *, offender: Offender, code: str, kind: str, reason: str, snoozed_until: date | None, by: User
) -> FlagResponse:
    """Acknowledge a review flag, or snooze it until a date, with the reason (audited)."""
    errors: dict[str, list[str]] = {}
    if code not in flag_rules():
        errors["code"] = ["Unknown review flag"]
    if kind not in FlagResponse.Kind.values:
        errors["kind"] = ["Choose acknowledge or snooze"]
    if not reason.strip():
        errors["reason"] = ["Enter the reason"]
    today = timezone.localdate()
    if kind == FlagResponse.Kind.SNOOZED and (snoozed_until is None or snoozed_until <= today):
        errors["snoozed_until"] = ["Enter a date in the future to snooze until"]
    if errors:
        raise ValidationError(errors)
    return FlagResponse.objects.create(
        offender=offender, code=code, kind=kind, reason=reason.strip(), by=by,
        snoozed_until=snoozed_until if kind == FlagResponse.Kind.SNOOZED else None,
    )  # fmt: skip


def review_thresholds_save(*, scheme: Scheme, by: User, values: dict) -> ReviewThresholds:
    """Set the scheme's review-flag thresholds (`values`: months and days by field name, each
    at least 1, as the page checks), noting who changed them."""
    thresholds, _ = ReviewThresholds.objects.update_or_create(
        scheme=scheme, defaults={**values, "updated_by": by}
    )
    return thresholds
