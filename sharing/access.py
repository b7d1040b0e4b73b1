"""Effective access: which data categories of each record a user may see, now.

A category of a record is shown to a user when one of their agencies, through a role that
reads records, holds a grant on the record, the scheme's protocol in force lets that agency's
type see the category, and, where the protocol says sharing needs consent, the person's latest
consent decision covering that agency and category is "given" or an active disclosure to that
agency covers it. Evaluated on every request, so a withdrawal or an expiry applies at once.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, CharField, F, Func, OuterRef, Subquery, Value
from django.db.models.functions import JSONObject, TruncDate

from ppo.models import REGISTER_ROLES, Offender, OffenderGroupObjectPermission, User
from ppo.models.register import VIEW_OFFENDER
from sharing.categories import (
    APPOINTMENT_CATEGORIES,
    APPOINTMENT_NOTE_CATEGORIES,
    CASE_RECORD_CATEGORY,
    EVENT_CATEGORIES,
    NEED_CATEGORIES,
    OFFENDER_FIELD_CATEGORIES,
    PATHWAY_CATEGORIES,
    Category,
    default_rules,
)
from sharing.models import ConsentEntry, ConsentKind, Disclosure, Protocol, ProtocolRule

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

    def shows_need(self, need: str) -> bool:
        return NEED_CATEGORIES[need] in self.categories

    def shows_pathway(self, pathway: str) -> bool:
        return PATHWAY_CATEGORIES[pathway] in self.categories

    @property
    def shows_case_record(self) -> bool:
        """Minutes, the person's comments, enforcement and the exit plan."""
        return CASE_RECORD_CATEGORY in self.categories

    def shows_appointment(self, kind: str) -> bool:
        return APPOINTMENT_CATEGORIES[kind] in self.categories

    def shows_appointment_note(self, kind: str) -> bool:
        category = APPOINTMENT_NOTE_CATEGORIES.get(kind, APPOINTMENT_CATEGORIES[kind])
        return category in self.categories

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
    """RecordAccess for each offender, in two queries however many offenders: the user's
    grants with the protocol rules for each granted agency's type, then the consent decisions
    and active disclosures together."""
    ids = [offender.pk for offender in offenders]
    grants = _grants_with_rules(user, ids)
    decisions, disclosed = _consent_and_disclosures(ids, on)
    defaults = default_rules()
    shown: dict[int, set[str]] = {pk: set() for pk in ids}
    for offender_id, agency_id, agency_type, protocol_id, rules in grants:
        if protocol_id is None:
            # Only schemes that never saved a protocol use the default; one that saved a
            # protocol allowing nothing means nothing.
            rules = [
                {"category": category, "needs_consent": needs_consent}
                for (rule_type, category), needs_consent in defaults.items()
                if rule_type == agency_type
            ]
        for rule in rules:
            category = rule["category"]
            if (
                not rule["needs_consent"]
                or (offender_id, agency_id, category) in disclosed
                or _consented(decisions.get(offender_id, []), agency_id, agency_type, category)
            ):
                shown[offender_id].add(category)
    return {pk: RecordAccess(frozenset(categories)) for pk, categories in shown.items()}


def _grants_with_rules(user: User, ids: list[int]) -> list[tuple]:
    """(offender, agency, agency type, protocol in force or None, its rules for that agency
    type) for each grant the user holds through a role that reads records."""
    protocol_in_force = (
        Protocol.objects.filter(scheme_id=OuterRef("content_object__scheme_id"))
        .order_by("-version")
        .values("id")[:1]
    )
    rules = ProtocolRule.objects.filter(
        protocol_id=OuterRef("protocol_id"), agency_type=OuterRef("group__agency__type")
    ).values(rule=JSONObject(category="category", needs_consent="needs_consent"))
    return list(
        OffenderGroupObjectPermission.objects.filter(
            content_object_id__in=ids,
            permission__codename=VIEW_OFFENDER,
            group__agency__memberships__user=user,
            group__agency__memberships__role__in=REGISTER_ROLES,
        )
        .annotate(protocol_id=Subquery(protocol_in_force))
        .annotate(rules=ArraySubquery(rules))
        .values_list(
            "content_object_id", "group__agency__id", "group__agency__type", "protocol_id",
            "rules",
        )
        .distinct()
    )  # fmt: skip


def _consent_and_disclosures(ids: list[int], on: date) -> tuple[dict[int, list[tuple]], set]:
    """Each offender's consent entries in force by `on`, oldest first, and the (offender,
    agency, category) triples an active disclosure covers, from one query."""
    consents = ConsentEntry.objects.filter(offender_id__in=ids, effective_date__lte=on).annotate(
        source=Value("consent"), recipients=F("agency_ids"), since=F("effective_date")
    )
    disclosures = Disclosure.objects.filter(
        offender_id__in=ids, recorded_at__date__lte=on, expires_on__gt=on
    ).annotate(
        source=Value("disclosure"),
        kind=Value(ConsentKind.GIVEN),
        agency_types=Value([], output_field=ArrayField(CharField())),
        recipients=Func(
            F("agency_id"), template="ARRAY[%(expressions)s]",
            output_field=ArrayField(BigIntegerField()),
        ),
        since=TruncDate("recorded_at"),
    )  # fmt: skip
    columns = ("source", "offender_id", "kind", "agency_types", "recipients", "categories")
    rows = consents.values_list(*columns, "since", "id").union(
        disclosures.values_list(*columns, "since", "id"), all=True
    )
    decisions: dict[int, list[tuple]] = {}
    disclosed = set()
    for source, offender_id, kind, agency_types, agency_ids, categories, *_ in sorted(
        rows, key=lambda row: (row[-2], row[-1])
    ):
        if source == "disclosure":
            disclosed.update((offender_id, agency_ids[0], category) for category in categories)
        else:
            decisions.setdefault(offender_id, []).append(
                (kind, agency_types, agency_ids, categories)
            )
    return decisions, disclosed


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
    decisions = _consent_and_disclosures([offender.pk], on)[0].get(offender.pk, [])
    return all(_consented(decisions, agency.pk, agency.type, category) for category in categories)
