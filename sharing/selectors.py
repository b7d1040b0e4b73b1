"""Reads of the protocol and the consent ledger."""

from ppo.models import Offender, Scheme
from sharing.categories import default_rules
from sharing.models import ConsentEntry, Protocol


def protocol_in_force(*, scheme: Scheme) -> Protocol | None:
    """The scheme's latest protocol version, or None while it uses the default."""
    return Protocol.objects.filter(scheme=scheme).prefetch_related("rules").first()


def protocol_rules(*, scheme: Scheme) -> set[tuple[str, str]]:
    """(agency type, category) pairs the scheme's protocol allows (the default if none)."""
    protocol = protocol_in_force(scheme=scheme)
    if protocol is None:
        return default_rules()
    return {(rule.agency_type, rule.category) for rule in protocol.rules.all()}


def consent_history(*, offender: Offender):
    return (
        ConsentEntry.objects.filter(offender=offender).select_related("recorded_by").order_by("-id")
    )
