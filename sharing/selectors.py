"""Reads of the protocol and the consent ledger."""

from ppo.models import Offender, Scheme
from sharing.categories import default_rules
from sharing.models import ConsentEntry, Protocol


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
