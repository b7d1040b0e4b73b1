"""Synthetic register history for demo data and benchmarks.

Each person's two years are simulated in date order so the history is internally consistent:
no arrests while in custody, a charge is followed by a conviction or a closed case, a custodial
sentence by a release on licence, a community sentence by an order, remand ends at the
outcome. Names come from Faker (en_GB): synthetic people only. A seeded random generator makes
every run produce the same data.

Rows are written with PostgreSQL's COPY, which loads millions of events in minutes; ids are
allocated here and the sequences moved past them afterwards.
"""

import io
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from ppo.codes import EventKind as K
from ppo.codes import OffenceCategory, OrderType, Programme
from ppo.identifiers import name_key, pnc_check_character
from ppo.models import (
    Agency,
    Event,
    GrantChange,
    Offender,
    OffenderAlias,
    OffenderGroupObjectPermission,
    OffenderManagerAssignment,
    ProgrammeMembership,
    Scheme,
    User,
)
from ppo.models.register import VIEW_OFFENDER

HISTORY_DAYS = 730
ACQUISITIVE = [
    OffenceCategory.THEFT_SHOP, OffenceCategory.THEFT_SHOP, OffenceCategory.BURGLARY_DWELLING,
    OffenceCategory.BURGLARY_OTHER, OffenceCategory.THEFT_FROM_VEHICLE,
    OffenceCategory.THEFT_OF_VEHICLE, OffenceCategory.ROBBERY, OffenceCategory.THEFT_OTHER,
]  # fmt: skip
OTHER_OFFENCES = [
    OffenceCategory.COMMON_ASSAULT, OffenceCategory.CRIMINAL_DAMAGE, OffenceCategory.DRUGS,
    OffenceCategory.PUBLIC_ORDER, OffenceCategory.MOTORING, OffenceCategory.OTHER_WOUNDING,
]  # fmt: skip
ETHNICITIES = ["W1"] * 14 + ["W2", "W3", "W4", "M1", "A2", "B2", "NS", ""]
AREAS = ["North", "South", "East", "West", "Central"]
EXIT_REASONS = [("stopped_offending", "iom"), ("long_custody", "none"), ("moved_area", "none"),
                ("two_year_review", "mainstream"), ("stopped_offending", "cjit")]  # fmt: skip


@dataclass
class SchemeStaff:
    """Who the simulated records belong to in one scheme."""

    scheme: Scheme
    granted_agencies: list[Agency]
    managers: list[tuple[User, Agency]]


@dataclass
class _Tables:
    """Rows for COPY, per table, and the next id of each."""

    next_ids: dict[str, int]
    rows: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, model, values: tuple) -> int:
        table = model._meta.db_table
        pk = self.next_ids[table]
        self.next_ids[table] = pk + 1
        self.rows.setdefault(table, []).append((pk, *values))
        return pk


EVENT_COLUMNS = (
    "id", "offender_id", "kind", "date", "reference", "offence_category", "offence_date",
    "case_ref", "tics", "disposal", "breach", "result", "substance", "establishment",
    "sentence_months", "expected_release", "licence_end", "order_type", "end_date", "to_area",
    "outcome", "recorded_by_id", "recorded_at",
)  # fmt: skip
_EVENT_DEFAULTS = dict.fromkeys(EVENT_COLUMNS[2:], None) | {
    "reference": "", "offence_category": "", "case_ref": "", "disposal": "", "result": "",
    "substance": "", "establishment": "", "order_type": "", "to_area": "", "outcome": "",
}  # fmt: skip


class _Person:
    """One simulated person: identity and the events of their two years."""

    def __init__(self, rng: random.Random, today: date, *, ppo: bool, drugs: bool):
        self.rng, self.today, self.ppo, self.drugs = rng, today, ppo, drugs
        self.events: list[dict] = []
        self.serial = 0

    def add(self, kind: str, on: date, **columns) -> None:
        self.serial += 1
        self.events.append({**_EVENT_DEFAULTS, "kind": kind, "date": on,
                            "reference": f"R{self.serial:04d}", **columns})  # fmt: skip

    def simulate(self, start: date) -> None:
        rng, end = self.rng, self.today
        mean_gap = 18 if self.ppo else 20
        t = start + timedelta(days=rng.randint(0, 60))
        cases = 0
        while True:
            t += timedelta(days=max(1, int(rng.expovariate(1 / mean_gap))))
            if t > end:
                return
            offence = rng.choice(ACQUISITIVE if rng.random() < 0.7 else OTHER_OFFENCES)
            self.add(K.ARREST, t, offence_category=offence)
            if rng.random() < 0.3:
                self.add(K.INTELLIGENCE, t - timedelta(days=rng.randint(1, 20)))
            if self.drugs:
                result = rng.choices(["positive", "negative", "refused"], [6, 3, 1])[0]
                substance = (
                    rng.choice(["opiates", "cocaine", "both"]) if result == "positive" else ""
                )
                self.add(K.DRUG_TEST, t, result=result, substance=substance)
            if rng.random() > 0.6:
                continue
            cases += 1
            case_ref = f"C{cases:03d}"
            charged = t + timedelta(days=1)
            if charged > end:
                return
            self.add(K.CHARGE, charged, offence_category=offence, offence_date=t, case_ref=case_ref)
            outcome = charged + timedelta(days=rng.randint(20, 120))
            remanded = rng.random() < (0.15 if self.ppo else 0.05)
            if remanded:
                self.add(K.REMAND_START, charged, establishment="HMP Demo")
            if outcome > end:
                return  # still going through the courts (or on remand) today
            if remanded:
                self.add(K.REMAND_END, outcome, establishment="HMP Demo")
            if rng.random() < 0.2:
                self.add(K.CASE_CLOSED, outcome, case_ref=case_ref)
                t = outcome
                continue
            disposal = rng.choices(
                ["custody", "community", "fine", "discharge"],
                [2, 5, 2, 1] if self.ppo else [1, 3, 3, 2],
            )[0]
            self.add(
                K.CONVICTION, outcome, offence_category=offence, offence_date=t,
                case_ref=case_ref, disposal=disposal,
                tics=rng.randint(1, 6) if rng.random() < 0.2 else None,
                breach=rng.random() < 0.1,
            )  # fmt: skip
            t = outcome
            if disposal == "custody":
                months = rng.choice([3, 4, 6, 9, 12, 18, 24, 36, 48])
                release = outcome + timedelta(days=months * 15)
                self.add(
                    K.CUSTODY_START, outcome, establishment="HMP Demo", sentence_months=months,
                    expected_release=release,
                )  # fmt: skip
                if release > end:
                    return
                self.add(K.RELEASE, release, licence_end=outcome + timedelta(days=months * 30))
                t = release
            elif disposal == "community":
                order = rng.choice(
                    [OrderType.COMMUNITY_ORDER, OrderType.DRR, OrderType.SUSPENDED_SENTENCE]
                )
                self.add(K.ORDER_START, outcome, order_type=order,
                         end_date=outcome + timedelta(days=365))  # fmt: skip
                ended = outcome + timedelta(days=rng.randint(30, 300))
                if rng.random() < 0.15 and ended <= end:
                    self.add(K.ORDER_END, ended, order_type=order)
            if rng.random() < 0.005:
                moved = t + timedelta(days=rng.randint(1, 30))
                if moved <= end:
                    self.add(K.MOVED_AREA, moved, to_area="Another area")
                return


def _random_pnc(rng: random.Random, birth_year: int) -> str:
    year = min(birth_year + rng.randint(14, 25), date.today().year)
    serial = rng.randint(1, 9_999_999)
    return f"{year:04d}/{serial:07d}{pnc_check_character(year, serial)}"


def generate(
    *,
    staff: list[tuple[SchemeStaff, int, int]],
    seed: int,
    today: date | None = None,
) -> dict[str, int]:
    """Simulate and load people for each (scheme staff, PPO count, other people count).

    Atomic. Returns counts of rows written by table.
    """
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    first_names_m = [fake.first_name_male() for _ in range(400)]
    first_names_f = [fake.first_name_female() for _ in range(400)]
    last_names = [fake.last_name() for _ in range(1500)]
    start = today - timedelta(days=HISTORY_DAYS)
    now = timezone.now()
    view = Permission.objects.get(codename=VIEW_OFFENDER, content_type__app_label="ppo")
    models = (Offender, OffenderAlias, Event, ProgrammeMembership,
              OffenderManagerAssignment, OffenderGroupObjectPermission, GrantChange)  # fmt: skip
    with transaction.atomic():
        with connection.cursor() as cursor:
            for model in models:
                # Nothing else may insert while ids are handed out here.
                cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN EXCLUSIVE MODE')
        tables = _Tables({m._meta.db_table: _next_id(m) for m in models})
        for scheme_staff, ppo_count, other_count in staff:
            scheme = scheme_staff.scheme
            for number in range(ppo_count + other_count):
                ppo = number < ppo_count
                drugs = rng.random() < (0.6 if ppo else 0.2)
                male = rng.random() < 0.88
                first = rng.choice(first_names_m if male else first_names_f)
                last = rng.choice(last_names)
                born = today - timedelta(days=rng.randint(17 * 365, 50 * 365))
                pk = tables.add(Offender, (
                    scheme.pk, f"{scheme.slug[:3].upper()}-{number + 1:05d}", first, last, born,
                    "M" if male else "F", rng.choice(ETHNICITIES), _random_pnc(rng, born.year),
                    "", "", "", f"TS{rng.randint(1, 29)} {rng.randint(1, 9)}AB",
                    rng.choice(AREAS), name_key(first, last), 1, now, now,
                ))  # fmt: skip
                if rng.random() < 0.3:
                    alias = f"{rng.choice(first_names_m if male else first_names_f)} {last}"
                    tables.add(OffenderAlias, (pk, alias, name_key(alias)))
                person = _Person(rng, today, ppo=ppo, drugs=drugs)
                person.simulate(start)
                for event in person.events:
                    tables.add(Event, (pk, *(event[c] for c in EVENT_COLUMNS[2:21]), None, now))
                _memberships(rng, tables, pk, person, scheme_staff, start, today)
                for agency in scheme_staff.granted_agencies:
                    tables.add(OffenderGroupObjectPermission, (agency.group_id, view.pk, pk))
                    tables.add(GrantChange, (pk, agency.pk, True, None, now))
        counts = _copy(tables)
    return counts


def _memberships(rng, tables, pk, person, staff: SchemeStaff, start: date, today: date) -> None:
    def membership(programme, begins, ends=None, strand="", source="", reason="", destination=""):
        tables.add(ProgrammeMembership, (pk, programme, begins, ends, strand, source, reason,
                                         destination))  # fmt: skip

    if person.drugs:
        membership(Programme.CJIT, start + timedelta(days=rng.randint(0, 400)))
    if not person.ppo:
        if rng.random() < 0.1:
            membership(Programme.IOM, start + timedelta(days=rng.randint(0, 600)))
        return
    begins = start + timedelta(days=rng.randint(30, HISTORY_DAYS - 30))
    strand = rng.choices(["catch_convict", "rehabilitate_resettle", "prevent_deter"], [3, 6, 1])[0]
    source = rng.choice(["police", "police", "probation", "cjit", "prison"])
    ends = begins + timedelta(days=rng.randint(120, 500))
    if rng.random() < 0.2 and ends < today:
        reason, destination = rng.choice(EXIT_REASONS)
        membership(Programme.PPO, begins, ends, strand, source, reason, destination)
        if destination == "iom":
            membership(Programme.IOM, ends)
    else:
        membership(Programme.PPO, begins, None, strand, source)
        if staff.managers:
            manager, agency = staff.managers[pk % len(staff.managers)]
            tables.add(OffenderManagerAssignment, (pk, manager.pk, agency.pk, begins, None))


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        # The table name comes from our own model, never from input.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608
        return cursor.fetchone()[0]


_COLUMNS = {
    Offender: ("id", "scheme_id", "local_id", "first_name", "last_name", "date_of_birth",
               "gender", "ethnicity", "pnc_id", "cro_number", "nomis_number", "crn",
               "postcode", "area", "name_key", "version", "created_at", "updated_at"),
    OffenderAlias: ("id", "offender_id", "name", "name_key"),
    Event: EVENT_COLUMNS,
    ProgrammeMembership: ("id", "offender_id", "programme", "start_date", "end_date", "strand",
                          "referral_source", "exit_reason", "exit_destination"),
    OffenderManagerAssignment: ("id", "offender_id", "manager_id", "agency_id", "start_date",
                                "end_date"),
    OffenderGroupObjectPermission: ("id", "group_id", "permission_id", "content_object_id"),
    GrantChange: ("id", "offender_id", "agency_id", "granted", "by_id", "at"),
}  # fmt: skip


def _copy(tables: _Tables) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model, columns in _COLUMNS.items():
            table = model._meta.db_table
            rows = tables.rows.get(table, [])
            counts[table] = len(rows)
            for chunk in _chunks(rows, 200_000):
                buffer = io.StringIO("".join(_copy_line(row) for row in chunk))
                cursor.cursor.copy_expert(
                    f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', buffer
                )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [table, max(tables.next_ids[table] - 1, 1)],
            )
            # Fresh statistics, or the planner misjudges queries on the bulk-loaded rows.
            cursor.execute(f'ANALYZE "{table}"')
    return counts


def _chunks(rows: list, size: int) -> Iterable[list]:
    for index in range(0, len(rows), size):
        yield rows[index : index + size]


def _copy_line(row: tuple) -> str:
    return "\t".join(_copy_value(value) for value in row) + "\n"


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
