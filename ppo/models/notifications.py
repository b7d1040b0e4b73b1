from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a member of staff should know or act on (a failed appointment, a review
    flag), shown on their notifications page. `key` names the thing it is about, so the
    same notification is never given twice however often the job or action that raises it
    runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=200)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user")
        ]

    def __str__(self) -> str:
        return self.text
