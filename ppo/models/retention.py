"""Retention: when a person's record is reviewed, the decisions to keep it, and the log of
records erased. Both tables are append-only in PostgreSQL (migration 0005): a decision or an
erasure is never edited, a later one is a new row. See docs/adr/0015-retention-and-erasure.md.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ppo.models.organisations import Scheme
from ppo.models.register import Offender

# What replaces free text that a kept audit row must still hold (its constraint refuses an
# empty value) once the person's record is erased.
ERASED_TEXT = "Removed when the record was erased."


class RetentionDecision(models.Model):
    """A coordinator kept a record that was due for review, saying why; it is due again on
    `review_by`. The latest decision counts; earlier ones stay as history."""

    offender = models.ForeignKey(
        Offender, on_delete=models.PROTECT, related_name="retention_decisions"
    )
    decided_on = models.DateField()
    review_by = models.DateField()
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["offender", "review_by"], name="retention_offender_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="retention_decision_has_reason"),
            models.CheckConstraint(
                condition=Q(review_by__gt=F("decided_on")),
                name="retention_decision_review_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Retained on {self.decided_on:%Y-%m-%d} until {self.review_by:%Y-%m-%d}"


class ErasureLog(models.Model):
    """That a record was erased, by whom, when and why, and how many rows of each kind were
    removed or stripped of personal content. It holds no personal data itself: the person is
    named only by the record's internal id and a random reference (which also replaces the
    scheme reference on the erased record)."""

    reference = models.CharField(max_length=20, unique=True)
    offender = models.OneToOneField(Offender, on_delete=models.PROTECT, related_name="erasure")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="erasures")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The erasing transaction's start time, PostgreSQL's now() (ppo.erasure writes it): the
    # append-only triggers accept the erasure's changes only if a log row of the person
    # carries it, that is, was written in the same transaction (migration 0005).
    at = models.DateTimeField(editable=False)
    reason = models.TextField()
    removed = models.JSONField(default=dict, help_text="Rows deleted, by model label.")
    redacted = models.JSONField(
        default=dict, help_text="Rows kept with their personal content removed, by model label."
    )
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="erasure_log_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Erasure {self.reference}"

    @staticmethod
    def _described(counts: dict) -> list[tuple[str, int]]:
        described = []
        for label, count in sorted(counts.items()):
            model = apps.get_model(label)
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            described.append((str(name), count))
        return described

    @property
    def removed_described(self) -> list[tuple[str, int]]:
        """[("events", 12), ...] in plain words, for the page."""
        return self._described(self.removed)

    @property
    def redacted_described(self) -> list[tuple[str, int]]:
        return self._described(self.redacted)
