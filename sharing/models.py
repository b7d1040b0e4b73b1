"""The Information Sharing Protocol and the consent ledger.

The ledger is append-only: PostgreSQL itself refuses UPDATE and DELETE on its rows (a trigger,
see migration 0002), and each row carries a SHA-256 of its content and of the previous row,
so `manage.py verify_ledger` finds any row changed behind the application's back.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from ppo.models import Agency, AgencyType, Offender, Scheme
from sharing.categories import Category


class Protocol(models.Model):
    """One version of a scheme's Information Sharing Protocol: which agency types may see
    which categories. Each change is a new version; the latest is in force."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="protocols")
    version = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True, help_text="What changed and why.")

    class Meta:
        ordering = ["scheme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="protocol_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} protocol v{self.version}"


class ProtocolRule(models.Model):
    """A protocol allows an agency type to see a category (absent = not allowed), either only
    with the person's consent (or a recorded disclosure), or without it where a legal gateway
    covers all such sharing (Crime and Disorder Act 1998 s115 between criminal justice
    agencies, say)."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="rules")
    agency_type = models.CharField(max_length=20, choices=AgencyType.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    needs_consent = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "agency_type", "category"], name="protocol_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_type} may see {self.category}"


class ConsentKind(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class ConsentEntry(models.Model):
    """One row of the consent ledger: the offender gave, refused or withdrew consent to share
    the listed categories with the listed agencies and/or agency types, from `effective_date`.

    The latest entry covering an (agency, category) pair decides. Rows are never updated or
    deleted; corrections are new rows.
    """

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    agency_types = ArrayField(
        models.CharField(max_length=20, choices=AgencyType.choices), default=list, blank=True
    )
    agency_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    categories = ArrayField(models.CharField(max_length=30, choices=Category.choices))
    effective_date = models.DateField()
    review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    note = models.TextField(blank=True)
    evidence = models.FileField(upload_to="consent-evidence/%Y/%m/", blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "consent entries"
        indexes = [models.Index(fields=["offender", "effective_date"], name="consent_offender_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(agency_types=[], agency_ids=[]),
                name="consent_has_recipients",
            ),
            models.CheckConstraint(
                condition=~models.Q(categories=[]), name="consent_has_categories"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.offender} from {self.effective_date}"


class LedgerCheckpoint(models.Model):
    """The ledger's head (newest entry, how many entries up to it, its hash) as it was at a
    moment, recorded nightly and written to the application log too. The hash chain alone
    cannot show that the newest rows were removed, or that someone with the power to disable
    the trigger rewrote every hash after an edit; a checkpoint can, and the logged copy,
    kept outside the database, can show the checkpoints themselves were rewritten.
    Append-only."""

    at = models.DateTimeField(auto_now_add=True)
    last_entry_id = models.BigIntegerField()
    entry_count = models.PositiveIntegerField()
    head_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Ledger head at {self.at:%Y-%m-%d %H:%M}: {self.entry_count} entries"


class LedgerRedaction(models.Model):
    """A ledger entry's personal content (its note and evidence file) was removed when the
    person's record was erased under the retention rules. The entry keeps its place and its
    hash, so the chain, the checkpoints and any head hash kept outside still hold; what is
    left of it can no longer reproduce that hash, so verify_ledger checks it against
    `residual_hash` instead, and that the erasure is logged for the entry's person.
    Append-only."""

    entry = models.OneToOneField(ConsentEntry, on_delete=models.PROTECT, related_name="redaction")
    # By reference: the redaction is written before the erasure's log row, whose counts it
    # feeds; the foreign key is checked at commit, so both land or neither does.
    erasure = models.ForeignKey(
        "ppo.ErasureLog", on_delete=models.PROTECT, to_field="reference", related_name="+"
    )
    entry_hash = models.CharField(max_length=64, help_text="The entry's hash in the chain.")
    residual_hash = models.CharField(
        max_length=64, help_text="The hash of the entry as it was left (sharing.ledger)."
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Ledger entry {self.entry_id} redacted by erasure {self.erasure_id}"


class Gateway(models.TextChoices):
    CDA_S115 = "cda_1998_s115", "Crime and Disorder Act 1998, section 115"
    DPA_CRIME = (
        "dpa_2018_crime",
        "Data Protection Act 2018: prevention or detection of crime",
    )


class Disclosure(models.Model):
    """Sharing without consent: an authoriser decided that not sharing these categories with
    this agency would prejudice the prevention or detection of crime. It acts as consent for
    that scope from when it is recorded until `expires_on` (sharing stops that day).
    Append-only, like the consent ledger."""

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="disclosures")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    categories = ArrayField(models.CharField(max_length=30, choices=Category.choices))
    gateway = models.CharField(max_length=20, choices=Gateway.choices)
    reason = models.TextField(help_text="Why sharing is necessary without consent.")
    expires_on = models.DateField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["offender", "agency"], name="disclosure_offender_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(categories=[]), name="disclosure_has_categories"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="disclosure_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Disclosure to {self.agency} about {self.offender}"


class Purpose(models.TextChoices):
    PAGE_VIEW = "page_view", "Viewed the record"
    API_READ = "api_read", "Read through the API"
    LOOKUP = "lookup", "Custody lookup"
    EXPORT = "export", "Export"
    DISCLOSURE = "disclosure", "Disclosure without consent"
    CONSENT_VIEW = "consent_view", "Viewed consent decisions"


class AccessLogEntry(models.Model):
    """Who consulted or disclosed which record, when (UTC), seeing which categories, why, and
    from where: the logging duty of the Data Protection Act 2018 (Part 3). Append-only.

    The rows one request writes share `at` (sharing.services.access_log_record), so that
    erasing a person can also cut a name searched for from the others that search showed."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offender = models.ForeignKey(
        Offender, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    categories = ArrayField(
        models.CharField(max_length=30, choices=Category.choices), default=list, blank=True
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"
        indexes = [models.Index(fields=["offender", "at"], name="access_log_offender_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_purpose_display().lower()} at {self.at:%Y-%m-%d %H:%M}"


class SubjectAccessExport(models.Model):
    """A subject access export for one person: a ZIP of a PDF summary and CSVs of everything
    held, every disclosure and who consulted the record. Built by a Celery job."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="subject-access/%Y/%m/", blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Subject access export for {self.offender} ({self.state})"
