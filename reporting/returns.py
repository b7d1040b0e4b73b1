"""The monthly return (formats.md "The monthly return"): a scheme's PPO cohort by status as
at the month's last day, and the flows during the month, computed from history, so the same
history gives the same JSON. A handful of set-based queries whatever the size of the scheme.
"""

import calendar
import csv
import io
from collections import Counter
from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook

from ppo.codes import (
    DrugTestResult,
    EventKind,
    ExitDestination,
    ExitReason,
    Gender,
    Programme,
    ReferralSource,
    Status,
    Substance,
)
from ppo.models import Event, Offender, ProgrammeMembership, Scheme
from ppo.status import memberships_open_on, on_programme, with_status

AGE_BANDS = [
    ("10-17", 10, 17), ("18-20", 18, 20), ("21-25", 21, 25), ("26-30", 26, 30),
    ("31-35", 31, 35), ("36-40", 36, 40), ("41+", 41, 200),
]  # fmt: skip
CLASS_A = [Substance.OPIATES, Substance.COCAINE, Substance.BOTH]
STATUS_KEYS = [
    Status.CUSTODY_REMAND, Status.CUSTODY_SENTENCED, "custody_sentenced_over_12m",
    Status.IN_COURT_PROCESS, Status.COMMUNITY_STATUTORY, Status.COMMUNITY_NON_STATUTORY,
]  # fmt: skip


class ReturnRefused(ValueError):
    """A month the return cannot be made for, with the reason in words."""


def month_bounds(month: str, *, today: date) -> tuple[date, date]:
    """First and last day of a YYYY-MM month that has ended by `today`."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        raise ReturnRefused(f"{month!r} is not a month: use YYYY-MM, for example 2026-10") from None
    if len(month) != 7:
        raise ReturnRefused(f"{month!r} is not a month: use YYYY-MM, for example 2026-10")
    last = month_end(first)
    if last >= today:
        raise ReturnRefused(f"{month} has not ended yet: a return is made once the month is over")
    return first, last


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _band(age: int) -> str:
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_BANDS[0][0]  # under 10 cannot be convicted; counted with the youngest


def monthly_return(*, scheme: Scheme, first: date, last: date) -> dict:
    ppo = ProgrammeMembership.objects.filter(offender__scheme=scheme, programme=Programme.PPO)
    open_memberships = ppo.filter(memberships_open_on(last))
    # The custody being served on the day began after the last release: its longest
    # sentence decides "over 12 months" (a further short sentence does not shorten it).
    released = (
        Event.objects.filter(offender_id=OuterRef(OuterRef("pk")), kind=EventKind.RELEASE,
                             date__lte=last)
        .order_by("-date")
        .values("date")[:1]
    )  # fmt: skip
    sentence = (
        Event.objects.filter(
            offender_id=OuterRef("pk"), kind=EventKind.CUSTODY_START, date__lte=last
        )
        .filter(date__gt=Coalesce(Subquery(released), Value(date.min)))
        .order_by()
        .values("offender_id")
        .annotate(longest=Max("sentence_months"))
        .values("longest")
    )
    people = {
        row["pk"]: row
        for row in with_status(
            Offender.objects.filter(pk__in=open_memberships.values("offender_id")), on=last
        )
        .annotate(
            sentence_months=Subquery(sentence),
            on_cjit=Exists(on_programme(Programme.CJIT, last)),
        )
        .values("pk", "status", "sentence_months", "on_cjit", "gender", "ethnicity",
                "date_of_birth")
    }  # fmt: skip
    counted = [people[pk] for pk in open_memberships.values_list("offender_id", flat=True)]
    statuses = Counter(person["status"] for person in counted)
    over_12 = sum(
        1
        for person in counted
        if person["status"] == Status.CUSTODY_SENTENCED and (person["sentence_months"] or 0) > 12
    )
    cohort = {"total": len(counted)}
    for key in STATUS_KEYS:
        cohort[key] = over_12 if key == "custody_sentenced_over_12m" else statuses[key]

    started = list(ppo.filter(start_date__gte=first, start_date__lte=last).values_list(
        "referral_source", flat=True
    ))  # fmt: skip
    ended = list(
        ppo.filter(end_date__gte=first, end_date__lte=last).values_list(
            "exit_reason", "exit_destination"
        )
    )
    reasons = Counter(reason for reason, _ in ended)
    flow = {
        "selected": len(started),
        "selected_from_cjit": sum(1 for source in started if source == ReferralSource.CJIT),
        "deselected": len(ended),
        "deselected_by_reason": {code: reasons[code] for code in ExitReason.values},
        "deselected_to_cjit": sum(1 for _, to in ended if to == ExitDestination.CJIT),
    }

    # Drug tests in the month by people on the PPO list on the test's own date.
    listed_on_test_day = ProgrammeMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("date")),
        offender_id=OuterRef("offender_id"), programme=Programme.PPO,
        start_date__lte=OuterRef("date"),
    )  # fmt: skip
    tests = (
        Event.objects.filter(
            offender__scheme=scheme, kind=EventKind.DRUG_TEST, date__gte=first, date__lte=last
        )
        .filter(Exists(listed_on_test_day))
        .values_list("offender_id", "result", "substance")
    )
    tests = list(tests)
    drugs = {
        "tested": len({offender_id for offender_id, *_ in tests}),
        "positive_class_a": len(
            {
                offender_id
                for offender_id, result, substance in tests
                if result == DrugTestResult.POSITIVE and substance in CLASS_A
            }
        ),
    }

    # The people counted (once each, should someone hold two open memberships).
    distinct = list(people.values())
    genders = Counter(person["gender"] for person in distinct)
    bands = Counter(_band(_age(person["date_of_birth"], last)) for person in distinct)
    ethnicities = Counter(person["ethnicity"] or "not_recorded" for person in distinct)
    ethnicity = {code: ethnicities[code] for code in sorted(ethnicities) if code != "not_recorded"}
    ethnicity["not_recorded"] = ethnicities["not_recorded"]
    return {
        "scheme": scheme.slug,
        "month": f"{first:%Y-%m}",
        "as_at": last.isoformat(),
        "cohort": cohort,
        "flow": flow,
        "drugs": drugs,
        "demographics": {
            "gender": {code: genders[code] for code in Gender.values},
            "age_band": {label: bands[label] for label, *_ in AGE_BANDS},
            "ethnicity": ethnicity,
        },
        "crossover_cjit": sum(1 for person in distinct if person["on_cjit"]),
    }


def return_rows(document: dict) -> list[tuple[str, object]]:
    """The return as (key, value) rows, nested keys joined with dots, in the JSON's order:
    the CSV, spreadsheet and PDF forms."""
    rows = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        else:
            rows.append((prefix, value))

    walk("", document)
    return rows


def return_csv(document: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["key", "value"])
    writer.writerows(return_rows(document))
    return buffer.getvalue()


def return_xlsx(document: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Return {document['month']}"
    sheet.append(["key", "value"])
    for key, value in return_rows(document):
        sheet.append([key, value])
    sheet.column_dimensions["A"].width = 44
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def previous_month(today: date | None = None) -> tuple[date, date]:
    """The month before `today`'s (default: today in UK time)."""
    today = today or timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last
