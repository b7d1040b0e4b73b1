"""Consent states for the effective-access matrix tests: how to put a record in each, and which
categories each agency type should then see under the default protocol."""

from datetime import timedelta

from django.utils import timezone

from sharing.categories import Category, default_rules
from sharing.models import ConsentKind, Disclosure, Gateway
from sharing.services import consent_record, disclosure_record

STATES = ["none", "given", "refused", "withdrawn", "disclosure_active", "disclosure_expired"]
EVERYONE = ["police", "cjit", "housing", "probation", "local_authority"]


def set_state(state, record, recorder, authoriser, agencies):
    everything = list(Category.values)
    decided = timezone.localdate() - timedelta(days=30)
    if state in ("given", "withdrawn"):
        consent_record(
            offender=record, kind=ConsentKind.GIVEN, agency_types=EVERYONE, agencies=[],
            categories=everything, effective_date=decided, review_date=None, by=recorder,
        )  # fmt: skip
    if state == "withdrawn":
        consent_record(
            offender=record, kind=ConsentKind.WITHDRAWN, agency_types=EVERYONE, agencies=[],
            categories=everything, effective_date=decided + timedelta(days=1),
            review_date=None, by=recorder,
        )  # fmt: skip
    if state.startswith("disclosure") or state == "refused":
        consent_record(
            offender=record, kind=ConsentKind.REFUSED, agency_types=EVERYONE, agencies=[],
            categories=everything, effective_date=decided, review_date=None, by=recorder,
        )  # fmt: skip
    for agency in agencies if state.startswith("disclosure") else []:
        if state == "disclosure_active":
            disclosure_record(
                offender=record, agency=agency, categories=everything,
                gateway=Gateway.CDA_S115, reason="Prevent further burglaries",
                expires_on=timezone.localdate() + timedelta(days=30), by=authoriser,
            )  # fmt: skip
        else:
            # An expired disclosure cannot be recorded through the service (its end must be in
            # the future); one recorded earlier that has since expired looks like this.
            Disclosure.objects.create(
                offender=record, agency=agency, categories=everything,
                gateway=Gateway.CDA_S115, reason="Earlier risk", authorised_by=authoriser,
                expires_on=timezone.localdate(),
            )  # fmt: skip


def expected_categories(agency_type, state):
    shown = set()
    for (rule_type, category), needs_consent in default_rules().items():
        if rule_type != agency_type:
            continue
        if not needs_consent or state in ("given", "disclosure_active"):
            shown.add(category)
    return shown
