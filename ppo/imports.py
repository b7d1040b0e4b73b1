"""CSV import of offenders.csv, events.csv and programmes.csv, exactly per formats.md.

A file imports whole or not at all: every row is parsed and checked first, and every problem
is reported as "line N, column C: what is wrong" (the header is line 1). Only a file without
problems is written, in one transaction, keyed so that importing it again changes nothing.
"""

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ppo.codes import (
    Ethnicity,
    EventKind,
    ExitDestination,
    ExitReason,
    Gender,
    Programme,
    ReferralSource,
    Strand,
)
from ppo.events import (
    BOOLEAN_COLUMNS,
    CODE_COLUMNS,
    DATE_COLUMNS,
    EXTRA_COLUMNS,
    INTEGER_COLUMNS,
    NULLABLE_EVENT_COLUMNS,
    event_problems,
)
from ppo.identifiers import crn_normalise, name_key, nomis_normalise, pnc_normalise
from ppo.models import (
    Event,
    ImportKind,
    ImportRun,
    Offender,
    OffenderAlias,
    ProgrammeMembership,
    Scheme,
    User,
)
from ppo.selectors import offenders_visible_to
from ppo.services import NO_RECEIVING_AGENCY, creating_agencies, offender_access_grant

REQUIRED_COLUMNS = {
    ImportKind.OFFENDERS: (
        "scheme", "local_id", "first_name", "last_name", "date_of_birth", "gender",
    ),
    ImportKind.EVENTS: ("scheme", "local_id", "event", "date"),
    ImportKind.PROGRAMMES: ("scheme", "local_id", "programme", "start_date"),
}  # fmt: skip

OFFENDER_FIELDS = (
    "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "pnc_id", "cro_number",
    "nomis_number", "crn", "postcode", "area",
)  # fmt: skip
MEMBERSHIP_FIELDS = (
    "end_date", "strand", "referral_source", "exit_reason", "exit_destination",
)  # fmt: skip


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_WHOLE_NUMBER = re.compile(r"^[0-9]+$")
MAX_INTEGER = 2**31 - 1  # PostgreSQL integer columns
ALIAS_LENGTH = OffenderAlias._meta.get_field("name").max_length


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem], run: ImportRun):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems
        self.run = run


@dataclass
class _Row:
    """One data row being checked: its line, raw cells and the problems found so far."""

    line: int
    cells: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = (self.cells.get(column) or "").strip()
        if required and not value:
            self.problem(column, "is required")
        elif len(value) > max_length:
            self.problem(column, f"must be {max_length} characters or fewer")
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.problem(column, f"{value!r} is not a real date in the form YYYY-MM-DD")
            return None

    def code(self, column: str, choices, *, required: bool = False) -> str:
        value = self.text(column, required=required)
        if value and value not in choices.values:
            allowed = ", ".join(choices.values)
            self.problem(column, f"{value!r} is not a known code (use one of: {allowed})")
            return ""
        return value

    def integer(self, column: str) -> int | None:
        value = self.text(column)
        if not value:
            return None
        if not _WHOLE_NUMBER.match(value) or int(value) > MAX_INTEGER:
            self.problem(column, f"{value!r} is not a whole number from 0 to {MAX_INTEGER:,}")
            return None
        return int(value)

    def boolean(self, column: str) -> bool | None:
        value = self.text(column).lower()
        if not value:
            return None
        if value not in {"true", "false"}:
            self.problem(column, f"{value!r} must be true or false")
            return None
        return value == "true"

    def checked(self, column: str, normalise: Callable[[str], str]) -> str:
        value = self.text(column)
        if not value:
            return ""
        try:
            return normalise(value)
        except ValueError as error:
            self.problem(column, str(error))
            return ""

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))


@dataclass
class ImportReport:
    run: ImportRun

    @property
    def summary(self) -> str:
        run = self.run
        return (
            f"Imported {run.file_name}: {run.rows} rows - {run.created} created, "
            f"{run.updated} updated, {run.unchanged} unchanged."
        )


def csv_import(
    *,
    kind: ImportKind,
    file_name: str,
    content: bytes,
    by: User | None,
    via: str,
    schemes: set[str] | None = None,
) -> ImportReport:
    """Import one file of the given kind, whole or not at all.

    Atomic: on any problem nothing but a rejected ImportRun is written and ImportRejected is
    raised with every problem. Idempotent: re-importing a file changes nothing. `via` says
    how it arrived ("upload", or "command" with the operating-system user) for the audit.
    `schemes`, when given, are the only scheme slugs the file may touch (an uploader's).
    """
    checksum = hashlib.sha256(content).hexdigest()
    run = ImportRun(kind=kind, file_name=file_name, checksum=checksum, imported_by=by, via=via)
    file_problems, rows = _read(kind, content)
    if schemes is not None:
        for row in rows:
            slug = row.cells.get("scheme", "").strip()
            if slug and slug not in schemes:
                row.problem("scheme", f"you cannot import into scheme {slug!r}")
    importer = {
        ImportKind.OFFENDERS: _import_offenders,
        ImportKind.EVENTS: _import_events,
        ImportKind.PROGRAMMES: _import_programmes,
    }[kind]
    with transaction.atomic():
        # Every row is checked even when others are bad, so the report lists every problem;
        # an importer writes nothing when there is any problem, in the file or its rows.
        created, updated, unchanged, problems = importer(rows, by, file_problems)
        if not problems:
            run.outcome = ImportRun.Outcome.IMPORTED
            run.rows, run.created = len(rows), created
            run.updated, run.unchanged = updated, unchanged
            run.save()
            return ImportReport(run)
    run.outcome = ImportRun.Outcome.REJECTED
    run.problems = len(problems)
    run.save()
    raise ImportRejected(sorted(problems, key=lambda p: (p.line, p.column)), run)


def _read(kind: ImportKind, content: bytes) -> tuple[list[Problem], list[_Row]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        return [Problem(line, "-", "the file is not UTF-8 text")], []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS[kind] if column not in header]
    problems = [Problem(1, column, "this required column is missing") for column in missing]
    duplicates = {name for name in header if name and header.count(name) > 1}
    problems += [Problem(1, name, "this column appears more than once") for name in duplicates]
    if problems:
        return problems, []
    rows = []
    while True:
        # A quoted cell may hold line breaks: a row is reported at the line it starts on.
        line = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets often leave blank lines at the end
        if len(cells) != len(header):
            problems.append(
                Problem(line, "-", f"has {len(cells)} cells but the header has {len(header)}")
            )
            continue
        rows.append(_Row(line, dict(zip(header, cells, strict=True))))
    if not rows and not problems:
        problems.append(Problem(2, "-", "the file has no data rows"))
    return problems, rows


def _schemes(rows: Iterable[_Row]) -> dict[str, Scheme]:
    slugs = {row.cells.get("scheme", "").strip() for row in rows}
    return {scheme.slug: scheme for scheme in Scheme.objects.filter(slug__in=slugs)}


def _scheme_of(row: _Row, schemes: dict[str, Scheme]) -> Scheme | None:
    slug = row.text("scheme", required=True)
    if slug and slug not in schemes:
        row.problem("scheme", f"there is no scheme {slug!r}")
    return schemes.get(slug)


def _people(
    rows: list[_Row], schemes: dict[str, Scheme], by: User | None
) -> dict[tuple[int, str], Offender]:
    """Existing offenders named by the rows that the importer may change, by (scheme id,
    local_id), locked until the import commits. An uploader may change only records shared
    with their agency; a command-line import (by=None) may change any."""
    local_ids = {row.cells.get("local_id", "").strip() for row in rows}
    people = Offender.objects if by is None else offenders_visible_to(user=by)
    people = people.filter(scheme__in=schemes.values(), local_id__in=local_ids)
    return {(p.scheme_id, p.local_id): p for p in people.select_for_update(of=("self",))}


def _person_of(row: _Row, scheme: Scheme | None, people: dict) -> Offender | None:
    local_id = row.text("local_id", required=True, max_length=50)
    if scheme is None or not local_id:
        return None
    person = people.get((scheme.pk, local_id))
    if person is None:
        # The same words whether the reference is unknown or not shared with the importer.
        row.problem(
            "local_id", f"no record you can see in {scheme.slug!r} has reference {local_id!r}"
        )
    return person


def _first_seen(row: _Row, key: tuple, seen: dict[tuple, int], column: str) -> bool:
    """False (with a problem) when an earlier row of the file has the same key."""
    if key in seen:
        row.problem(column, f"repeats the row on line {seen[key]}")
        return False
    seen[key] = row.line
    return True


# --- offenders.csv ---------------------------------------------------------------------------


def _import_offenders(rows: list[_Row], by: User | None, file_problems: list[Problem]):
    schemes = _schemes(rows)
    existing = _people(rows, schemes, by)
    taken = set()
    if by is not None:
        # References in use by records the uploader cannot see cannot be imported again.
        taken = set(
            Offender.objects.filter(
                scheme__in=schemes.values(),
                local_id__in={row.cells.get("local_id", "").strip() for row in rows},
            ).values_list("scheme_id", "local_id")
        ) - set(existing)
    today = timezone.localdate()
    receivers: dict[int, list] = {}
    seen: dict[tuple, int] = {}
    parsed = []
    for row in rows:
        scheme = _scheme_of(row, schemes)
        local_id = row.text("local_id", required=True, max_length=50)
        values = {
            "first_name": row.text("first_name", required=True, max_length=100),
            "last_name": row.text("last_name", required=True, max_length=100),
            "date_of_birth": row.date("date_of_birth", required=True),
            "gender": row.code("gender", Gender, required=True),
            "ethnicity": row.code("ethnicity", Ethnicity),
            "pnc_id": row.checked("pnc_id", lambda v: pnc_normalise(v, today=today)),
            "cro_number": row.text("cro_number", max_length=20),
            "nomis_number": row.checked("nomis_number", nomis_normalise),
            "crn": row.checked("crn", crn_normalise),
            "postcode": row.text("postcode", max_length=10).upper(),
            "area": row.text("area", max_length=100),
        }
        if values["date_of_birth"] and values["date_of_birth"] > today:
            row.problem("date_of_birth", "cannot be in the future")
        alias_cell = row.text("aliases", max_length=2000)
        aliases = sorted({alias.strip() for alias in alias_cell.split(";")} - {""})
        if any(len(alias) > ALIAS_LENGTH for alias in aliases):
            row.problem("aliases", f"each name must be {ALIAS_LENGTH} characters or fewer")
        if scheme and (scheme.pk, local_id) in taken:
            row.problem("local_id", "this reference belongs to a record not shared with you")
        elif scheme and (scheme.pk, local_id) not in existing:
            if scheme.pk not in receivers:
                receivers[scheme.pk] = creating_agencies(scheme=scheme, user=by)
            if not receivers[scheme.pk]:
                row.problem("scheme", NO_RECEIVING_AGENCY)
        if scheme and local_id and _first_seen(row, (scheme.pk, local_id), seen, "local_id"):
            parsed.append((scheme, local_id, values, aliases))
    problems = file_problems + [problem for row in rows for problem in row.problems]
    if problems:
        return 0, 0, 0, problems

    current_aliases: dict[int, list[str]] = {}
    for offender_id, name in OffenderAlias.objects.filter(
        offender__in=existing.values()
    ).values_list("offender_id", "name"):
        current_aliases.setdefault(offender_id, []).append(name)

    new_people, new_aliases, updated, unchanged = [], [], 0, 0
    for scheme, local_id, values, aliases in parsed:
        values["name_key"] = name_key(values["first_name"], values["last_name"])
        person = existing.get((scheme.pk, local_id))
        if person is None:
            person = Offender(scheme=scheme, local_id=local_id, **values)
            new_people.append(person)
            new_aliases.append((person, aliases))
            continue
        changed = {k: v for k, v in values.items() if getattr(person, k) != v}
        aliases_changed = sorted(current_aliases.get(person.pk, [])) != aliases
        if changed or aliases_changed:
            # A new version either way, so a form opened before the import refuses to save
            # over it (optimistic locking); the row is locked, so nothing slips in between.
            Offender.objects.filter(pk=person.pk).update(
                **changed, version=F("version") + 1, updated_at=timezone.now()
            )
        if aliases_changed:
            person.aliases.all().delete()
            new_aliases.append((person, aliases))
        if changed or aliases_changed:
            updated += 1
        else:
            unchanged += 1
    Offender.objects.bulk_create(new_people, batch_size=2000)
    for scheme in {person.scheme for person in new_people}:
        people_in_scheme = [person for person in new_people if person.scheme == scheme]
        for agency in receivers[scheme.pk]:
            offender_access_grant(offenders=people_in_scheme, agency=agency, by=by)
    OffenderAlias.objects.bulk_create(
        [
            OffenderAlias(offender=person, name=alias, name_key=name_key(alias))
            for person, names in new_aliases
            for alias in names
        ],
        batch_size=2000,
    )
    return len(new_people), updated, unchanged, []


# --- events.csv ------------------------------------------------------------------------------


def _import_events(rows: list[_Row], by: User | None, file_problems: list[Problem]):
    schemes = _schemes(rows)
    people = _people(rows, schemes, by)
    seen: dict[tuple, int] = {}
    parsed = []
    for row in rows:
        person = _person_of(row, _scheme_of(row, schemes), people)
        kind = row.code("event", EventKind, required=True)
        event_date = row.date("date", required=True)
        reference = row.text("reference", max_length=Event._meta.get_field("reference").max_length)
        values = {column: _event_value(row, column) for column in EXTRA_COLUMNS}
        if kind and event_date:
            for column, message in event_problems(kind, event_date, values).items():
                row.problem(column, message)
        if person and kind and event_date:
            key = (person.pk, kind, event_date, reference)
            if _first_seen(row, key, seen, "event"):
                parsed.append((key, values))
    problems = file_problems + [problem for row in rows for problem in row.problems]
    if problems:
        return 0, 0, 0, problems

    stored = [
        (key, {column: _stored(column, value) for column, value in values.items()})
        for key, values in parsed
    ]
    created, updated, unchanged = _upsert(
        Event, ("offender_id", "kind", "date", "reference"), stored, EXTRA_COLUMNS,
        recorded_by=by,
    )  # fmt: skip
    return created, updated, unchanged, []


def _event_value(row: _Row, column: str):
    if column in DATE_COLUMNS:
        return row.date(column)
    if column in INTEGER_COLUMNS:
        return row.integer(column)
    if column in BOOLEAN_COLUMNS:
        return row.boolean(column)
    if column in CODE_COLUMNS:
        return row.code(column, CODE_COLUMNS[column])
    return row.text(column, max_length=Event._meta.get_field(column).max_length)


def _stored(column: str, value):
    """Empty text columns are stored as "", other empty columns as NULL."""
    if value is None and column not in NULLABLE_EVENT_COLUMNS:
        return ""
    return value


# --- programmes.csv --------------------------------------------------------------------------


def _import_programmes(rows: list[_Row], by: User | None, file_problems: list[Problem]):
    schemes = _schemes(rows)
    people = _people(rows, schemes, by)
    seen: dict[tuple, int] = {}
    parsed = []
    for row in rows:
        person = _person_of(row, _scheme_of(row, schemes), people)
        programme = row.code("programme", Programme, required=True)
        start = row.date("start_date", required=True)
        values = {
            "end_date": row.date("end_date"),
            "strand": row.code("strand", Strand),
            "referral_source": row.code("referral_source", ReferralSource),
            "exit_reason": row.code("exit_reason", ExitReason),
            "exit_destination": row.code("exit_destination", ExitDestination),
        }
        if start and values["end_date"] and values["end_date"] < start:
            row.problem("end_date", "cannot be before the start date")
        if values["strand"] and programme and programme != Programme.PPO:
            row.problem("strand", "is only for PPO memberships")
        for column in ("exit_reason", "exit_destination"):
            if values[column] and not values["end_date"]:
                row.problem(column, "needs an end_date: only an ended membership has an exit")
        if person and programme and start:
            key = (person.pk, programme, start)
            if _first_seen(row, key, seen, "start_date"):
                parsed.append((key, values))
    problems = file_problems + [problem for row in rows for problem in row.problems]
    if problems:
        return 0, 0, 0, problems

    created, updated, unchanged = _upsert(
        ProgrammeMembership, ("offender_id", "programme", "start_date"), parsed,
        MEMBERSHIP_FIELDS,
    )  # fmt: skip
    return created, updated, unchanged, []


def _upsert(model, key_fields: tuple[str, ...], parsed: list, columns, **constant):
    """Create rows whose key is new and update those whose columns changed, in bulk.

    `parsed` holds (key, {column: value}); keys start with the offender id. Returns
    (created, updated, unchanged).
    """
    existing = {
        tuple(getattr(row, field) for field in key_fields): row
        for row in model.objects.filter(offender_id__in={key[0] for key, _ in parsed})
    }
    to_create, to_update, unchanged = [], [], 0
    for key, values in parsed:
        row = existing.get(key)
        if row is None:
            to_create.append(model(**dict(zip(key_fields, key, strict=True)), **values, **constant))
        elif any(getattr(row, column) != value for column, value in values.items()):
            for column, value in values.items():
                setattr(row, column, value)
            to_update.append(row)
        else:
            unchanged += 1
    model.objects.bulk_create(to_create, batch_size=2000)
    model.objects.bulk_update(to_update, columns, batch_size=2000)
    return len(to_create), len(to_update), unchanged
