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
