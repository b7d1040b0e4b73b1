"""Selection: the versioned matrix, panel-entered scores, stored scoring runs, and each
scheme's review thresholds."""

from django.conf import settings
from django.db import models

from ppo.codes import ExitDestination, ExitReason, Strand
from ppo.models import Offender, Scheme


class Matrix(models.Model):
    """One version of a scheme's selection matrix (formats.md). Saving a change makes a new
    version; runs and decisions keep the version they used, so nothing here is edited."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="matrices")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    threshold = models.PositiveIntegerField()
    criteria = models.JSONField(help_text="The criteria, as in matrix.json.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True, help_text="What changed and why.")

    class Meta:
        ordering = ["scheme", "-version"]
        verbose_name_plural = "matrices"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="matrix_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def as_document(self) -> dict:
        """The matrix as matrix.json (import_matrix reads the same shape back)."""
        return {"name": self.name, "threshold": self.threshold, "criteria": self.criteria}


class ManualScore(models.Model):
    """The panel's score for one person on a `manual` criterion (by its key), with the
    evidence. The latest entry recorded on or before a scoring date counts; earlier ones
    stay as history."""

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=60)
    score = models.PositiveIntegerField()
    evidence = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["offender", "key"], name="manual_score_offender_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(evidence=""), name="manual_score_has_evidence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.score}"


class ScoringRun(models.Model):
    """A run of the matrix over a scheme's pool as at a date, kept with the version used and
    the ranking exactly as score_pool prints it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="scoring_runs")
    matrix = models.ForeignKey(Matrix, on_delete=models.PROTECT, related_name="runs")
    as_at = models.DateField()
    result = models.JSONField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_at"]

    def __str__(self) -> str:
        return f"{self.scheme} scored as at {self.as_at} with {self.matrix}"


class ReviewThresholds(models.Model):
    """A scheme's own review rule thresholds (formats.md "Review flags"); a scheme without a
    row uses the defaults below."""

    scheme = models.OneToOneField(
        Scheme, on_delete=models.CASCADE, related_name="review_thresholds"
    )
    no_offending_months = models.PositiveSmallIntegerField(
        default=6, help_text="Months without arrest or intelligence before 'stopped offending'."
    )
    two_year_review_months = models.PositiveSmallIntegerField(
        default=24, help_text="Months on the list before the two-year review."
    )
    quarterly_review_months = models.PositiveSmallIntegerField(
        default=3, help_text="Months without a case review before one is due."
    )
    long_custody_months = models.PositiveSmallIntegerField(
        default=24, help_text="Expected time left in custody that counts as long custody."
    )
    reselection_months = models.PositiveSmallIntegerField(
        default=3, help_text="Months before release to consider re-selection."
    )
    release_notification_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days before release to notify the police."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "review thresholds"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(no_offending_months__gte=1)
                & models.Q(two_year_review_months__gte=1)
                & models.Q(quarterly_review_months__gte=1)
                & models.Q(long_custody_months__gte=1)
                & models.Q(reselection_months__gte=1)
                & models.Q(release_notification_days__gte=1),
                name="review_thresholds_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Review thresholds for {self.scheme}"


class Referral(models.Model):
    """A referral of a person on the register to the next panel, from any agency, on one
    form (Birmingham §5); CJIT referrals of non-compliant drug-misusing clients are marked
    (alignment guidance, Element 3). Its outcome is the panel's decision on it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="referrals")
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "ppo.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(help_text="Why this person should be considered.")
    evidence = models.TextField(blank=True, help_text="Offences, intelligence, drug tests.")
    from_cjit = models.BooleanField(default=False)
    # A de-selection for moving area creates a referral in the receiving scheme.
    from_scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reasons=""), name="referral_has_reasons")
        ]

    def __str__(self) -> str:
        return f"Referral of {self.offender.local_id} on {self.created_at:%Y-%m-%d}"


class PanelMeeting(models.Model):
    """A meeting of the multi-agency selection panel."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="panel_meetings")
    held_on = models.DateField()
    chair = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Panel of {self.held_on}"


class PanelAttendee(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey("ppo.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class DecisionKind(models.TextChoices):
    SELECT = "select", "Select"
    REJECT = "reject", "Do not select"
    DEFER = "defer", "Defer to a later panel"
    RETAIN = "retain", "Keep on the list"
    DESELECT = "deselect", "Remove from the list"


class Decision(models.Model):
    """A panel decision about one person: with its rationale, the meeting (and so its date
    and attendees) and the matrix version in force. Never edited; a later decision
    supersedes it."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="decisions")
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    rationale = models.TextField()
    matrix = models.ForeignKey(
        Matrix, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    two_year_review = models.BooleanField(
        default=False, help_text="This decision is the person's two-year review."
    )
    score = models.PositiveIntegerField(null=True, blank=True)
    strand = models.CharField(max_length=30, choices=Strand.choices, blank=True)
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    exit_destination = models.CharField(max_length=20, choices=ExitDestination.choices, blank=True)
    risk_assessment = models.ForeignKey(
        "ppo.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The multi-agency risk assessment a long-custody de-selection rests on.",
    )
    to_scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the person moved to, for a de-selection on moving area.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["offender", "kind"], name="decision_offender_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="decision_has_rationale"
            ),
            models.CheckConstraint(
                condition=models.Q(two_year_review=False)
                | models.Q(kind__in=[DecisionKind.RETAIN, DecisionKind.DESELECT]),
                name="two_year_review_retains_or_deselects",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.offender.local_id}"


class FlagResponse(models.Model):
    """Someone acknowledged a review flag, or snoozed it until a date, with a reason. Kept
    as the audit of who decided what about each flag; the latest response counts."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        SNOOZED = "snoozed", "Snoozed"

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    reason = models.TextField()
    snoozed_until = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["offender", "code"], name="flag_response_offender_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="flag_response_has_reason"),
            models.CheckConstraint(
                condition=models.Q(kind="snoozed", snoozed_until__isnull=False)
                | models.Q(kind="acknowledged", snoozed_until__isnull=True),
                name="flag_response_snooze_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} for {self.offender.local_id}"
