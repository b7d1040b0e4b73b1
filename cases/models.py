"""Managing a PPO: case conferences and core group meetings with their needs assessments,
the action plan by pathway, and each scheme's case-management settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ppo.codes import ActionStatus, ExitDestination, Need, NeedLevel, Pathway
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


class PartnerReferral(models.Model):
    """A referral to a named partner service for a pathway, followed to its outcome:
    sent, then accepted or rejected (with the reason: Wakefield §8.6 found the reasons for
    rejected referrals missing), started, then completed or ended. Each step keeps its date
    so time to outcome can be reported."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        STARTED = "started", "Started"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended early"

    class RejectReason(models.TextChoices):
        NO_CAPACITY = "no_capacity", "No capacity"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        CLIENT_REFUSED = "client_refused", "Client refused"
        UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
        OTHER = "other", "Other"

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    service = models.CharField(max_length=200, help_text="The named service referred to.")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The partner agency, when it uses this service.",
    )  # fmt: skip
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    sent_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    rejected_on = models.DateField(null=True, blank=True)
    reject_reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    reject_detail = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(service=""), name="partner_referral_has_service"),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reject_reason=""),
                name="partner_referral_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_state_display()})"


class Appointment(models.Model):
    """A planned appointment with an agency and, once it has happened, its outcome."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", "Supervision"
        DRUG_TREATMENT = "drug_treatment", "Drug treatment"
        DRUG_TEST = "drug_test", "Drug test"
        HOUSING = "housing", "Housing"
        ETE = "ete", "Education, training or employment"
        HEALTH = "health", "Health"
        HOME_VISIT = "home_visit", "Home visit"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        FAILED = "failed", "Failed to attend"
        ACCEPTABLE_ABSENCE = "acceptable", "Acceptable absence"

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["offender", "at"], name="appointment_offender_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class EnforcementFlag(models.Model):
    """Two unacceptable absences within 28 days: consider breach or recall. Open until
    the follow-up is recorded."""

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    first_absence = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    second_absence = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    follow_up = models.TextField(blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    followed_up_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on"]
        constraints = [
            models.UniqueConstraint(fields=["second_absence"], name="enforcement_once_per_absence")
        ]

    def __str__(self) -> str:
        return f"Enforcement flag for {self.offender.local_id} on {self.raised_on}"


class ContactTarget(models.Model):
    """A PPO's own weekly contact target, where it differs from the scheme's."""

    offender = models.OneToOneField(Offender, on_delete=models.CASCADE, related_name="+")
    per_week = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.per_week} contacts a week"


class ExitPlan(models.Model):
    """The exit strategy, in the plan from the start (Wakefield §8.6): the removal criteria
    agreed with the person, the support that continues and where they go. It feeds the
    induction and exit letters."""

    offender = models.OneToOneField(Offender, on_delete=models.CASCADE, related_name="+")
    removal_criteria = models.TextField()
    continuing_support = models.TextField(blank=True)
    destination = models.CharField(max_length=20, choices=ExitDestination.choices, blank=True)
    agreed_with_offender_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Exit plan for {self.offender.local_id}"
