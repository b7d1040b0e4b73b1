"""Which columns each kind of event uses (formats.md, events.csv), declared once for the
import, the forms and the API. Values arrive here already parsed into Python types."""

from dataclasses import dataclass
from datetime import date

from ppo.codes import (
    Disposal,
    DrugTestResult,
    EventKind,
    OffenceCategory,
    OrderType,
    RiskOutcome,
    Substance,
)

# Every column an event may carry besides scheme, local_id, event, date and reference.
EXTRA_COLUMNS = (
    "offence_category", "offence_date", "case_ref", "tics", "disposal", "breach", "result",
    "substance", "establishment", "sentence_months", "expected_release", "licence_end",
    "order_type", "end_date", "to_area", "outcome",
)  # fmt: skip
DATE_COLUMNS = frozenset({"offence_date", "expected_release", "licence_end", "end_date"})
INTEGER_COLUMNS = frozenset({"tics", "sentence_months"})
BOOLEAN_COLUMNS = frozenset({"breach"})
# Columns holding a code, and the codes each accepts.
CODE_COLUMNS = {
    "offence_category": OffenceCategory,
    "disposal": Disposal,
    "result": DrugTestResult,
    "substance": Substance,
    "order_type": OrderType,
    "outcome": RiskOutcome,
}
# Empty values of these are stored as NULL; empty text columns as "".
NULLABLE_EVENT_COLUMNS = DATE_COLUMNS | INTEGER_COLUMNS | BOOLEAN_COLUMNS


@dataclass(frozen=True)
class EventSpec:
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


EVENT_SPECS: dict[str, EventSpec] = {
    EventKind.ARREST: EventSpec(optional=("offence_category",)),
    EventKind.INTELLIGENCE: EventSpec(),
    EventKind.CHARGE: EventSpec(("offence_category",), ("offence_date", "case_ref")),
    EventKind.CONVICTION: EventSpec(
        ("offence_category",), ("offence_date", "case_ref", "tics", "disposal", "breach")
    ),
    EventKind.CASE_CLOSED: EventSpec(("case_ref",)),
    EventKind.DRUG_TEST: EventSpec(("result",), ("substance",)),
    EventKind.REMAND_START: EventSpec(optional=("establishment",)),
    EventKind.REMAND_END: EventSpec(optional=("establishment",)),
    EventKind.CUSTODY_START: EventSpec(
        optional=("establishment", "sentence_months", "expected_release")
    ),
    EventKind.RELEASE: EventSpec(optional=("licence_end",)),
    EventKind.ORDER_START: EventSpec(("order_type",), ("end_date",)),
    EventKind.ORDER_END: EventSpec(("order_type",)),
    EventKind.MOVED_AREA: EventSpec(optional=("to_area",)),
    EventKind.RISK_ASSESSMENT: EventSpec(("outcome",)),
}

# Date columns that must not fall before the event's own date, and those that must not
# fall after it.
_NOT_BEFORE_EVENT = ("end_date", "licence_end", "expected_release")
_NOT_AFTER_EVENT = ("offence_date",)


def event_problems(kind: str, event_date: date, values: dict[str, object]) -> dict[str, str]:
    """Problems with an event's extra columns, by column: missing, unused or out of order.

    `values` maps column names to parsed values, None or "" meaning empty. Returns {} when
    the event is consistent.
    """
    spec = EVENT_SPECS[kind]
    label = EventKind(kind).label.lower()
    problems: dict[str, str] = {}
    for column in spec.required:
        if values.get(column) in (None, ""):
            problems[column] = f"is required for {label} events"
    for column, value in values.items():
        if column not in spec.columns and value not in (None, ""):
            problems[column] = f"is not used for {label} events: leave it empty"
    positive = kind == EventKind.DRUG_TEST and values.get("result") == DrugTestResult.POSITIVE
    if positive and not values.get("substance"):
        problems["substance"] = "is required for a positive drug test"
    for column in _NOT_BEFORE_EVENT:
        other = values.get(column)
        if isinstance(other, date) and other < event_date and column not in problems:
            problems[column] = f"cannot be before the event's date ({event_date:%Y-%m-%d})"
    for column in _NOT_AFTER_EVENT:
        other = values.get(column)
        if isinstance(other, date) and other > event_date and column not in problems:
            problems[column] = f"cannot be after the event's date ({event_date:%Y-%m-%d})"
    return problems
