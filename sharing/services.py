"""Every write to the protocol and the consent ledger."""

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from ppo.models import Agency, AgencyType, Membership, Offender, Role, Scheme, User
from sharing.access import consent_covers
from sharing.categories import Category
from sharing.ledger import GENESIS, entry_hash
from sharing.models import (
    AccessLogEntry,
    ConsentEntry,
    ConsentKind,
    Disclosure,
    Gateway,
    Protocol,
    ProtocolRule,
    Purpose,
    SubjectAccessExport,
)
from sharing.tasks import subject_access_export_build

# Serialises appends to the ledger, so two consents recorded at once cannot both claim the
# same previous row and fork the hash chain.
LEDGER_LOCK = 0x5350_4C45  # "SPLE"


@transaction.atomic
def protocol_save(
    *, scheme: Scheme, rules: dict[tuple[str, str], bool], by: User | None, note: str = ""
) -> Protocol:
    """Save a new version of the scheme's protocol allowing exactly `rules`: (agency type,
    category) -> whether sharing needs consent. Earlier versions stay as they were."""
    unknown = {
        pair for pair in rules if pair[0] not in AgencyType.values or pair[1] not in Category.values
    }
    if unknown:
        raise ValidationError(f"Unknown agency types or categories: {sorted(unknown)}")
    latest = Protocol.objects.select_for_update().filter(scheme=scheme).first()
    protocol = Protocol.objects.create(
        scheme=scheme, version=(latest.version + 1) if latest else 1, created_by=by, note=note
    )
    ProtocolRule.objects.bulk_create(
        ProtocolRule(
            protocol=protocol, agency_type=agency_type, category=category, needs_consent=consent
        )
        for (agency_type, category), consent in sorted(rules.items())
    )
    return protocol


@transaction.atomic
def consent_record(
    *,
    offender: Offender,
    kind: ConsentKind,
    agency_types: list[str],
    agencies: list[Agency],
    categories: list[str],
    effective_date: date,
    review_date: date | None,
    by: User,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ConsentEntry:
    """Append one entry to the consent ledger. Atomic; checks everything first and raises
    ValidationError by field, writing nothing.

    Withdrawing needs consent given earlier for part of the same scope.
    """
    errors: dict[str, list[str]] = {}
    if not categories:
        errors["categories"] = ["Select the information the consent covers"]
    if not agency_types and not agencies:
        errors["agency_types"] = ["Select who the information may be shared with"]
    if effective_date > timezone.localdate():
        errors["effective_date"] = ["The date cannot be in the future"]
    if review_date and review_date <= effective_date:
        errors["review_date"] = ["The review date must be after the date of the consent"]
    if kind == ConsentKind.WITHDRAWN and not errors:
        # Consent given to a type of agency covers each named agency of that type, and a
        # withdrawal must come on or after the consent it withdraws.
        earlier = ConsentEntry.objects.filter(
            offender=offender,
            kind=ConsentKind.GIVEN,
            categories__overlap=categories,
            effective_date__lte=effective_date,
        )
        types = set(agency_types) | {agency.type for agency in agencies}
        given = earlier.filter(agency_types__overlap=sorted(types)) | earlier.filter(
            agency_ids__overlap=[agency.pk for agency in agencies]
        )
        if not given.exists():
            errors["kind"] = ["Consent cannot be withdrawn: it was not given for this by that date"]
    if errors:
        raise ValidationError(errors)

    entry = ConsentEntry(
        offender=offender,
        kind=kind,
        agency_types=sorted(set(agency_types)),
        agency_ids=sorted({agency.pk for agency in agencies}),
        categories=sorted(set(categories)),
        effective_date=effective_date,
        review_date=review_date,
        recorded_by=by,
        recorded_at=timezone.now(),
        note=note,
    )
    if evidence is not None:
        digest = hashlib.sha256()
        for chunk in evidence.chunks():
            digest.update(chunk)
        entry.evidence_sha256 = digest.hexdigest()
        # Store the file first, so its final name is known and covered by the row's hash.
        entry.evidence.save(evidence.name, evidence, save=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK])
    last = ConsentEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry.previous_hash = last or GENESIS
    entry.hash = entry_hash(entry)
    entry.save()
    return entry


@transaction.atomic
def disclosure_record(
    *,
    offender: Offender,
    agency: Agency,
    categories: list[str],
    gateway: str,
    reason: str,
    expires_on: date | None,
    by: User,
    client_address: str | None = None,
) -> Disclosure:
    """Record a disclosure without consent. Only an authoriser in the person's scheme may,
    and only for information the person's consent does not already cover for that agency.
    Checks everything first and raises ValidationError by field, writing nothing."""
    errors: dict[str, list[str]] = {}
    authorised = Membership.objects.filter(
        user=by, role=Role.AUTHORISER, agency__scheme=offender.scheme
    ).exists()
    if not authorised:
        errors["__all__"] = ["Only an authoriser in this scheme can record a disclosure"]
    if not categories:
        errors["categories"] = ["Select the information to disclose"]
    if gateway not in Gateway.values:
        errors["gateway"] = ["Select the legal gateway"]
    if not reason.strip():
        errors["reason"] = ["Explain why sharing without consent is necessary"]
    if expires_on is None or expires_on <= timezone.localdate():
        errors["expires_on"] = ["The date sharing stops must be in the future"]
    covered = consent_covers(
        offender=offender, agency=agency, categories=categories, on=timezone.localdate()
    )
    if categories and covered:
        errors.setdefault("categories", []).append(
            "The person's consent already covers this for that agency: no disclosure is needed"
        )
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure.objects.create(
        offender=offender,
        agency=agency,
        categories=sorted(set(categories)),
        gateway=gateway,
        reason=reason.strip(),
        expires_on=expires_on,
        authorised_by=by,
    )
    access_log_record(
        user=by,
        entries=[(offender.pk, disclosure.categories)],
        purpose=Purpose.DISCLOSURE,
        client_address=client_address,
        path="",
    )
    return disclosure


def access_log_record(
    *,
    user: User,
    entries: list[tuple[int | None, list[str]]],
    purpose: str,
    client_address: str | None,
    path: str,
) -> None:
    """Write one access log entry per (offender id, categories shown). Append-only; called
    for every consultation and disclosure (the register calls it through
    settings.ACCESS_LOG_WRITER). The entries share one time: they are one consultation."""
    at = timezone.now()
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            at=at,
            user=user,
            offender_id=offender_id,
            categories=sorted(categories),
            purpose=purpose,
            client_address=client_address or None,
            path=path[:500],
        )
        for offender_id, categories in entries
    )


@transaction.atomic
def subject_access_request(*, offender: Offender, by: User) -> SubjectAccessExport:
    """Ask for a subject access export; a worker builds it once this transaction commits.
    Only the scheme's coordinators and data protection officers may (ValidationError)."""
    allowed = Membership.objects.filter(
        user=by, role__in=[Role.COORDINATOR, Role.DATA_PROTECTION], agency__scheme=offender.scheme
    ).exists()
    if not allowed:
        raise ValidationError("Only the scheme's coordinators and data protection officers can.")
    export = SubjectAccessExport.objects.create(offender=offender, requested_by=by)
    transaction.on_commit(lambda: subject_access_export_build.delay(export.pk))
    return export
