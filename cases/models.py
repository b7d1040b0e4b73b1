"""Managing a PPO: case conferences and core group meetings with their needs assessments,
the action plan by pathway, and each scheme's case-management settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ppo.codes import ActionStatus, Need, NeedLevel, Pathway
from ppo.models import Agency, Offender, Scheme


class CaseSettings(models.Model):
    """A scheme's rhythm of case conferences and contact (defaults: every 3 months; four
    contacts a week in the community). A scheme without a row uses the defaults."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="case_settings")
    conference_months = models.PositiveSmallIntegerField(
        default=3, help_text="Months between case conferences (3 to 6)."
    )
    contacts_per_week = models.PositiveSmallIntegerField(
        default=4, help_text="Contacts a week expected for a PPO in the community."
    )

    class Meta:
        verbose_name_plural = "case settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(conference_months__gte=3, conference_months__lte=6),
                name="case_settings_conference_months_3_to_6",
            )
        ]

    def __str__(self) -> str:
        return f"Case settings for {self.scheme}"


class Conference(models.Model):
    """A case conference (every few months) or a lighter core group meeting between them.
    Scheduled first; held when its date, attendees and minutes are recorded."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Case conference"
        CORE_GROUP = "core_group", "Core group meeting"

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CONFERENCE)
    scheduled_for = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    offender_attended = models.BooleanField(
        null=True, blank=True, help_text="Whether the person attended the final part."
    )
    offender_comments = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking, as for offender details: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        indexes = [models.Index(fields=["offender", "held_on"], name="conference_offender_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.offender.local_id} on {self.scheduled_for}"


class ConferenceAttendee(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class NeedAssessment(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=20, choices=Need.choices)
    level = models.CharField(max_length=12, choices=NeedLevel.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["conference", "need"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "need"], name="need_once_a_conference")
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()}: {self.get_level_display()}"


class Action(models.Model):
    """An action of the plan, on a resettlement pathway, led by a named officer of an
    agency. Open actions carry forward: they stay on the plan until done or not done."""

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="actions")
    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, null=True, blank=True, related_name="actions",
        help_text="The conference that agreed it.",
    )  # fmt: skip
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    description = models.TextField()
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    lead_officer = models.CharField(max_length=200)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default="open")
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pathway", "due_date", "id"]
        indexes = [models.Index(fields=["offender", "status"], name="action_offender_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
            models.CheckConstraint(condition=~Q(lead_officer=""), name="action_has_lead"),
            models.CheckConstraint(condition=Q(version__gte=1), name="action_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_pathway_display()}: {self.description[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


OPEN_ACTION = Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
