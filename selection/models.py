"""Selection: the versioned matrix, panel-entered scores, stored scoring runs, and each
scheme's review thresholds."""

from django.conf import settings
from django.db import models

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
