from django.conf import settings
from django.db import models


class BackgroundCheck(models.Model):
    """A round trip through the job queue: requested here, completed by a Celery worker.

    The scheduler requests one every ten minutes and an administrator can request one at
    any time, so the service can say whether scheduled jobs (returns, review flags) run.
    """

    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the scheduler asked.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True, worker="")
                | models.Q(completed_at__isnull=False),
                name="background_check_worker_only_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"Background check {self.pk}"


class MonthlyReturn(models.Model):
    """A scheme's return for a month: built (and rebuilt) as a draft from history, then
    submitted by the coordinator, which freezes it: the exact JSON filed, its checksum, who
    and when. A submitted row is never changed (a trigger refuses it, migration 0002)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Ready to review"
        SUBMITTED = "submitted", "Submitted"

    scheme = models.ForeignKey("ppo.Scheme", on_delete=models.PROTECT, related_name="returns")
    month = models.DateField(help_text="The first day of the month.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    draft = models.JSONField(help_text="The return as last computed.")
    computed_at = models.DateTimeField()
    filed = models.TextField(blank=True, help_text="The JSON submitted, byte for byte.")
    checksum = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheme", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "month"], name="one_return_a_month"),
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | (
                    ~models.Q(filed="")
                    & ~models.Q(checksum="")
                    & models.Q(submitted_at__isnull=False)
                ),
                name="submitted_return_is_frozen_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} return for {self.month:%Y-%m}"


class FlagRecord(models.Model):
    """A review flag as the nightly job saw it: opened the first night it fired, closed the
    first night it did not. Its notification is given once, when it opens."""

    scheme = models.ForeignKey("ppo.Scheme", on_delete=models.CASCADE, related_name="+")
    offender = models.ForeignKey("ppo.Offender", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=30)
    reason = models.CharField(max_length=500)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on"]
        indexes = [models.Index(fields=["scheme", "closed_on"], name="flag_record_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["offender", "code"],
                condition=models.Q(closed_on__isnull=True),
                name="one_open_flag_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} for {self.offender_id} from {self.opened_on}"


class UnitCost(models.Model):
    """The estimated cost to society of one offence of a category, from a date: the
    national default (no scheme) or a scheme's own figure. Costs are whole pounds."""

    scheme = models.ForeignKey(
        "ppo.Scheme", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    offence_category = models.CharField(max_length=30)
    pounds = models.PositiveIntegerField()
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offence_category", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.offence_category}: £{self.pounds} from {self.effective_from}"
