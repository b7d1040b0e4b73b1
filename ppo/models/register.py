"""The offender register: people, their dated history, programme memberships and offender
managers. Nothing here is overwritten to record a change of circumstances: status and cohorts
are derived as at a date from events and memberships (see ppo/status.py)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ppo.codes import (
    Disposal,
    DrugTestResult,
    Ethnicity,
    EventKind,
    ExitDestination,
    ExitReason,
    Gender,
    OffenceCategory,
    OrderType,
    Programme,
    ReferralSource,
    RiskOutcome,
    Strand,
    Substance,
)
from ppo.models.organisations import Agency, Scheme

# The object permission that agency grants carry (Django's default "view" permission).
VIEW_OFFENDER = "view_offender"


# The person's own details on their record: what erasure blanks (ppo/erasure.py), and what a
# live record's constraint below leaves alone. The scheme reference (local_id) is replaced by
# the erasure's reference rather than blanked, since it must stay unique in the scheme.
PERSONAL_FIELDS = (
    "first_name", "last_name", "name_key", "date_of_birth", "gender", "ethnicity", "pnc_id",
    "cro_number", "nomis_number", "crn", "postcode", "area",
)  # fmt: skip


class OffenderQuerySet(models.QuerySet):
    def not_erased(self) -> "OffenderQuerySet":
        """Records still on the register. Erased records keep their row only so that the
        append-only audit tables (consent ledger, access log, decisions) still point
        somewhere; nobody holds a grant on them, so every page already leaves them out."""
        return self.filter(erased_at__isnull=True)


class Offender(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="offenders")
    local_id = models.CharField("scheme reference", max_length=50)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Empty only on an erased record (the constraint below); forms and the API require it.
    date_of_birth = models.DateField(null=True)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, blank=True)
    pnc_id = models.CharField("PNC ID", max_length=13, blank=True)
    cro_number = models.CharField("CRO number", max_length=20, blank=True)
    nomis_number = models.CharField("prison number", max_length=7, blank=True)
    crn = models.CharField("probation case reference", max_length=7, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    area = models.CharField(
        max_length=100, blank=True, help_text="Police neighbourhood or command unit."
    )
    # first + last name with case, spaces and hyphens removed, for the custody lookup.
    name_key = models.CharField(max_length=200, editable=False)
    # Optimistic locking: every update must name the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the record was erased under the retention rules (ppo/erasure.py): from then on the
    # row holds no personal data, only its id, scheme and the erasure's reference.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OffenderQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "local_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "local_id"],
                name="offender_local_id_unique_in_scheme",
                violation_error_message="This scheme already has someone with this reference.",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True, date_of_birth__isnull=False)
                | Q(
                    erased_at__isnull=False,
                    date_of_birth__isnull=True,
                    **{name: "" for name in PERSONAL_FIELDS if name != "date_of_birth"},
                ),
                name="offender_erased_holds_no_personal_data",
                violation_error_message="An erased record keeps no personal data; any other "
                "record has a date of birth.",
            ),
        ]
        indexes = [
            models.Index(fields=["pnc_id"], name="offender_pnc_idx"),
            models.Index(fields=["date_of_birth", "name_key"], name="offender_dob_name_idx"),
            models.Index(fields=["scheme", "area"], name="offender_scheme_area_idx"),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return f"Erased record {self.local_id}"
        return f"{self.first_name} {self.last_name} ({self.local_id})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class OffenderAlias(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)

    class Meta:
        verbose_name_plural = "offender aliases"
        constraints = [
            models.UniqueConstraint(fields=["offender", "name"], name="alias_unique_per_offender")
        ]
        indexes = [models.Index(fields=["name_key"], name="alias_name_key_idx")]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One dated thing that happened, of any kind. Columns unused by a kind stay empty.

    Which columns each kind uses, and which it requires, is declared in ppo/events.py.
    """

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    date = models.DateField()
    reference = models.CharField(
        max_length=100, blank=True, default="", help_text="The source system's id."
    )
    offence_category = models.CharField(max_length=30, choices=OffenceCategory.choices, blank=True)
    offence_date = models.DateField(null=True, blank=True)
    case_ref = models.CharField("court case reference", max_length=100, blank=True)
    tics = models.PositiveIntegerField("offences taken into consideration", null=True, blank=True)
    disposal = models.CharField(max_length=20, choices=Disposal.choices, blank=True)
    breach = models.BooleanField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=DrugTestResult.choices, blank=True)
    substance = models.CharField(max_length=10, choices=Substance.choices, blank=True)
    establishment = models.CharField(max_length=200, blank=True)
    sentence_months = models.PositiveIntegerField(null=True, blank=True)
    expected_release = models.DateField(null=True, blank=True)
    licence_end = models.DateField(null=True, blank=True)
    order_type = models.CharField(max_length=30, choices=OrderType.choices, blank=True)
    end_date = models.DateField(null=True, blank=True)
    to_area = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=RiskOutcome.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offender", "kind", "date", "reference"],
                name="event_unique_key",
                violation_error_message="This event is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="event_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(licence_end__isnull=True) | Q(licence_end__gte=F("date")),
                name="event_licence_end_not_before_release",
            ),
            models.CheckConstraint(
                condition=Q(offence_date__isnull=True) | Q(offence_date__lte=F("date")),
                name="event_offence_not_after_event",
            ),
        ]
        indexes = [
            models.Index(fields=["offender", "kind", "date"], name="event_offender_kind_date_idx"),
            models.Index(fields=["kind", "date"], name="event_kind_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%Y-%m-%d}"


class ProgrammeMembership(models.Model):
    """Being on a programme's caseload from start_date until end_date (open on D when
    start_date <= D and end_date is empty or after D)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="memberships")
    programme = models.CharField(max_length=4, choices=Programme.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    strand = models.CharField(max_length=30, choices=Strand.choices, blank=True)
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    exit_destination = models.CharField(max_length=20, choices=ExitDestination.choices, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["offender", "programme", "start_date"],
                name="membership_unique_start",
                violation_error_message="This membership is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(programme=Programme.PPO) | Q(strand=""),
                name="membership_strand_only_for_ppo",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | (Q(exit_reason="") & Q(exit_destination="")),
                name="membership_exit_only_when_ended",
            ),
        ]
        indexes = [
            models.Index(
                fields=["programme", "start_date", "end_date"], name="membership_open_idx"
            ),
            models.Index(fields=["offender", "programme"], name="membership_offender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} from {self.start_date:%Y-%m-%d}"


class OffenderManagerAssignment(models.Model):
    """The named offender manager for a person, from start_date until end_date."""

    offender = models.ForeignKey(
        Offender, on_delete=models.CASCADE, related_name="manager_assignments"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_not_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "end_date"], name="assignment_manager_idx"),
            models.Index(fields=["offender", "start_date"], name="assignment_offender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.manager} for {self.offender}"


class OffenderGroupObjectPermission(GroupObjectPermissionBase):
    """An agency's grant on an offender. Agencies act through their Django group; direct
    foreign keys are guardian's documented route for large tables."""

    content_object = models.ForeignKey(Offender, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "agency grant"


class OffenderUserObjectPermission(UserObjectPermissionBase):
    """Guardian needs the user counterpart to route lookups; grants are never given to one
    person (sharing.services is the only writer, and it grants to agencies)."""

    content_object = models.ForeignKey(Offender, on_delete=models.CASCADE)


class ImportKind(models.TextChoices):
    OFFENDERS = "offenders", "People (offenders.csv)"
    EVENTS = "events", "Events (events.csv)"
    PROGRAMMES = "programmes", "Programme memberships (programmes.csv)"


class ImportRun(models.Model):
    """The audit record of one CSV import: who imported which file, when, and what it did.

    A rejected file writes nothing but this record, with how many problems it had.
    """

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField("SHA-256 of the file", max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=100, help_text="upload, or command (and the OS user)")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_outcome_display().lower()})"


class GrantChange(models.Model):
    """Audit of an agency gaining or losing access to an offender's record."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="grant_changes")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField(help_text="True when access was given, False when removed.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency} {'granted' if self.granted else 'revoked'} on {self.offender}"


class LookupLog(models.Model):
    """Every "is this a PPO?" lookup: who asked, when, what, and what they were told."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    pnc_id = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    matches = models.ManyToManyField(Offender, blank=True, related_name="+")
    on_list = models.BooleanField(help_text="Whether the answer said the person is on a list.")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Lookup by {self.by} at {self.at:%Y-%m-%d %H:%M}"
