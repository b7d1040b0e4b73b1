"""Effective access: which data categories of each record a user may see, now.

A category of a record is shown to a user when one of their agencies, through a role that
reads records, holds a grant on the record, the scheme's protocol in force lets that agency's
type see the category, and, where the protocol says sharing needs consent, the person's latest
consent decision covering that agency and category is "given" or an active disclosure to that
agency covers it. Evaluated on every request, so a withdrawal or an expiry applies at once.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from ppo.models import REGISTER_ROLES, Offender, OffenderGroupObjectPermission, User
from ppo.models.register import VIEW_OFFENDER
from sharing.categories import EVENT_CATEGORIES, OFFENDER_FIELD_CATEGORIES, Category, default_rules
from sharing.models import ConsentEntry, ConsentKind, Disclosure, Protocol

WITHHELD = "Withheld - not shared with your agency"
STATUS_CATEGORIES = frozenset({Category.OFFENDING, Category.CUSTODY, Category.SUPERVISION})


@dataclass(frozen=True)
class RecordAccess:
    """What one user may see of one record."""

    categories: frozenset[str] = field(default_factory=frozenset)

    def shows(self, category: str) -> bool:
        return category in self.categories

    def shows_field(self, name: str) -> bool:
        return OFFENDER_FIELD_CATEGORIES[name] in self.categories

    def shows_event(self, kind: str) -> bool:
        return EVENT_CATEGORIES[kind] in self.categories

    @property
    def shows_all_personal_fields(self) -> bool:
        return {OFFENDER_FIELD_CATEGORIES[name] for name in OFFENDER_FIELD_CATEGORIES} <= (
            self.categories
        )

    @property
    def shows_status(self) -> bool:
        """Status is derived from custody, court and supervision history: shown only when
        all of it may be."""
        return self.categories >= STATUS_CATEGORIES

    notice = WITHHELD

    @property
    def withheld(self) -> list[str]:
        """Labels of the categories not shown, in the protocol's order (never whether any
        such information exists)."""
        return [label for code, label in Category.choices if code not in self.categories]


def record_access(*, user: User, offenders: list[Offender], on: date) -> dict[int, RecordAccess]:
    """RecordAccess for each offender, in four queries however many offenders."""
    ids = [offender.pk for offender in offenders]
    grants = (
        OffenderGroupObjectPermission.objects.filter(
            content_object_id__in=ids,
            permission__codename=VIEW_OFFENDER,
            group__agency__memberships__user=user,
            group__agency__memberships__role__in=REGISTER_ROLES,
        )
        .values_list(
            "content_object_id", "group__agency__id", "group__agency__type",
            "content_object__scheme_id",
        )
        .distinct()
    )  # fmt: skip
    grants = list(grants)
    agency_ids = {agency_id for _, agency_id, _, _ in grants}
    rules = _rules_by_scheme({scheme_id for *_, scheme_id in grants})
    decisions = _consent_decisions(ids, on)
    disclosed = {
        (offender_id, agency_id, category)
        for offender_id, agency_id, categories in Disclosure.objects.filter(
            offender_id__in=ids,
            agency_id__in=agency_ids,
            recorded_at__date__lte=on,
            expires_on__gt=on,
        ).values_list("offender_id", "agency_id", "categories")
        for category in categories
    }
    shown: dict[int, set[str]] = {pk: set() for pk in ids}
    for offender_id, agency_id, agency_type, scheme_id in grants:
        for (rule_type, category), needs_consent in rules[scheme_id].items():
            if rule_type != agency_type:
                continue
            if (
                not needs_consent
                or (offender_id, agency_id, category) in disclosed
                or _consented(decisions.get(offender_id, []), agency_id, agency_type, category)
            ):
                shown[offender_id].add(category)
    return {pk: RecordAccess(frozenset(categories)) for pk, categories in shown.items()}


def _rules_by_scheme(scheme_ids: set[int]) -> dict[int, dict[tuple[str, str], bool]]:
    latest = (
        Protocol.objects.filter(scheme_id__in=scheme_ids)
        .order_by("scheme_id", "-version")
        .distinct("scheme_id")
        .values("id")
    )
    # A scheme with a protocol uses it even when it allows nothing; the default applies
    # only to schemes that never saved one. (LEFT JOIN: a protocol without rules still
    # yields its scheme, with NULL rule columns.)
    rules: dict[int, dict[tuple[str, str], bool]] = {}
    for scheme_id, agency_type, category, needs_consent in Protocol.objects.filter(
        id__in=latest
    ).values_list("scheme_id", "rules__agency_type", "rules__category", "rules__needs_consent"):
        scheme_rules = rules.setdefault(scheme_id, {})
        if agency_type is not None:
            scheme_rules[(agency_type, category)] = needs_consent
    defaults = default_rules()
    return {scheme_id: rules.get(scheme_id, defaults) for scheme_id in scheme_ids}


def _consent_decisions(ids: list[int], on: date) -> dict[int, list[tuple]]:
    """Each offender's consent entries in force by `on`, oldest first."""
    decisions: dict[int, list[tuple]] = {}
    for offender_id, kind, agency_types, agency_ids, categories in (
        ConsentEntry.objects.filter(Q(effective_date__lte=on), offender_id__in=ids)
        .order_by("effective_date", "id")
        .values_list("offender_id", "kind", "agency_types", "agency_ids", "categories")
    ):
        decisions.setdefault(offender_id, []).append((kind, agency_types, agency_ids, categories))
    return decisions


def _consented(decisions: list[tuple], agency_id: int, agency_type: str, category: str) -> bool:
    """Whether the latest decision covering this agency and category gave consent."""
    latest = None
    for kind, agency_types, agency_ids, categories in decisions:
        if category in categories and (agency_type in agency_types or agency_id in agency_ids):
            latest = kind
    return latest == ConsentKind.GIVEN


def consent_covers(*, offender: Offender, agency, categories: list[str], on: date) -> bool:
    """Whether the person's latest decisions give consent for every one of these categories
    to this agency (by name or type) on `on`."""
    decisions = _consent_decisions([offender.pk], on).get(offender.pk, [])
    return all(_consented(decisions, agency.pk, agency.type, category) for category in categories)
