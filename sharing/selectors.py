"""Reads of the protocol and the consent ledger."""

from django.db.models import QuerySet

from ppo.models import Membership, Offender, Role, Scheme, User
from sharing.categories import default_rules
from sharing.models import (
    AccessLogEntry,
    ConsentEntry,
    Disclosure,
    Protocol,
    SubjectAccessExport,
)


def protocol_in_force(*, scheme: Scheme) -> Protocol | None:
    """The scheme's latest protocol version, or None while it uses the default."""
    return Protocol.objects.filter(scheme=scheme).prefetch_related("rules").first()


def protocol_rules(*, scheme: Scheme) -> dict[tuple[str, str], bool]:
    """(agency type, category) -> needs consent, for what the scheme's protocol allows (the
    default if it has none)."""
    protocol = protocol_in_force(scheme=scheme)
    if protocol is None:
        return default_rules()
    return {(rule.agency_type, rule.category): rule.needs_consent for rule in protocol.rules.all()}


def consent_history(*, offender: Offender):
    return (
        ConsentEntry.objects.filter(offender=offender).select_related("recorded_by").order_by("-id")
    )


def access_log_for(*, user: User, filters: dict) -> QuerySet[AccessLogEntry]:
    """Access log entries about people in the schemes the user coordinates or is data
    protection officer for, newest first, filtered by reference, staff email and dates."""
    schemes = Scheme.objects.filter(
        agencies__memberships__user=user,
        agencies__memberships__role__in=[Role.COORDINATOR, Role.DATA_PROTECTION],
    )
    entries = AccessLogEntry.objects.filter(offender__scheme__in=schemes).select_related(
        "user", "offender__scheme"
    )
    if filters.get("reference"):
        entries = entries.filter(offender__local_id=filters["reference"])
    if filters.get("email"):
        entries = entries.filter(user__email=filters["email"].strip().lower())
    if filters.get("date_from"):
        entries = entries.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        entries = entries.filter(at__date__lte=filters["date_to"])
    return entries.order_by("-at", "-id")


def can_read_access_log(*, user: User) -> bool:
    return Membership.objects.filter(
        user=user, role__in=[Role.COORDINATOR, Role.DATA_PROTECTION]
    ).exists()


def is_authoriser_for(*, user: User, scheme: Scheme) -> bool:
    return Membership.objects.filter(
        user=user, role=Role.AUTHORISER, agency__scheme=scheme
    ).exists()


def disclosures_of(*, offender: Offender) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(offender=offender).select_related("agency", "authorised_by")


def may_export_subject_access(*, user: User, scheme: Scheme) -> bool:
    return Membership.objects.filter(
        user=user, role__in=[Role.COORDINATOR, Role.DATA_PROTECTION], agency__scheme=scheme
    ).exists()


def subject_access_exports(*, offender: Offender) -> QuerySet[SubjectAccessExport]:
    return SubjectAccessExport.objects.filter(offender=offender).select_related("requested_by")


def subject_access_offenders(*, user: User) -> QuerySet[Offender]:
    """People whose subject access exports the user may handle: those of the schemes where
    they are coordinator or data protection officer."""
    return Offender.objects.filter(
        scheme__agencies__memberships__user=user,
        scheme__agencies__memberships__role__in=[Role.COORDINATOR, Role.DATA_PROTECTION],
    ).distinct()
