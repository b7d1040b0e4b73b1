"""Review flags as at a date (formats.md "Review flags"), for a whole scheme in one query.

Each person's dates that the rules need (on the list since, last arrest or intelligence
report, last case review, last two-year review, the open sentence's expected release, ...)
are correlated subqueries on indexed columns; the rules themselves are applied in Python to
those rows, so the thresholds read plainly next to formats.md.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.formats import date_format
from django.utils.module_loading import import_string

from ppo.codes import EventKind, ExitReason, Programme
from ppo.dates import add_months, months_before
from ppo.models import Event, Offender, ProgrammeMembership, Scheme
from ppo.status import on_programme, period_open
from selection.models import Decision, ReviewThresholds
from sharing.categories import Category


@dataclass(frozen=True)
class FlagRule:
    code: str
    label: str
    # What the flag reveals: shown only to readers shown all of these.
    categories: frozenset[str]


BUILT_IN = {
    rule.code: rule
    for rule in [
        FlagRule("no_offending_6m", "Stopped offending?",
                 frozenset({Category.OFFENDING, Category.INTELLIGENCE, Category.CUSTODY})),
        FlagRule("two_year_review", "Two-year review due", frozenset()),
        FlagRule("quarterly_review_due", "Case review due", frozenset()),
        FlagRule("long_custody", "Long custody", frozenset({Category.CUSTODY})),
        FlagRule("reselection_due", "Consider re-selection", frozenset({Category.CUSTODY})),
        FlagRule("release_notification", "Release soon: notify police",
                 frozenset({Category.CUSTODY})),
        FlagRule("moved_area", "Moved area", frozenset({Category.ACCOMMODATION})),
    ]
}  # fmt: skip


class FlagExtension(Protocol):
    """Flags an app above selection adds (settings.REVIEW_FLAG_EXTENSIONS): the rules, the
    columns its rules read (correlated on the outer person), and which rules fire for a row.
    `review_date`, if set, names a column holding a date that counts as a case review for
    quarterly_review_due."""

    rules: list[FlagRule]
    review_date: str

    def context(self, scheme: Scheme): ...
    def annotations(self, on: date) -> dict: ...
    def fired(self, row: dict, on: date, thresholds, context) -> list[tuple[str, str]]: ...


@cache
def extensions() -> list[FlagExtension]:
    return [import_string(path) for path in settings.REVIEW_FLAG_EXTENSIONS]


@cache
def flag_rules() -> dict[str, FlagRule]:
    """Every rule by code: selection's own and those of the extensions."""
    return BUILT_IN | {rule.code: rule for ext in extensions() for rule in ext.rules}


@dataclass(frozen=True)
class Flag:
    offender_id: int
    local_id: str
    code: str
    reason: str

    @property
    def label(self) -> str:
        return flag_rules()[self.code].label

    def as_json(self) -> dict:
        return {"local_id": self.local_id, "code": self.code, "reason": self.reason}


def thresholds_for(scheme: Scheme) -> ReviewThresholds:
    """The scheme's thresholds, or the formats.md defaults (an unsaved row)."""
    try:
        return scheme.review_thresholds
    except ReviewThresholds.DoesNotExist:
        return ReviewThresholds(scheme=scheme)


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _latest(events: QuerySet, field: str = "date") -> Subquery:
    return Subquery(events.order_by(f"-{field}").values(field)[:1])


REMAND = (EventKind.REMAND_START, EventKind.REMAND_END)
SENTENCE = (EventKind.CUSTODY_START, EventKind.RELEASE)


def _custody_begun(start: EventKind, end: EventKind, after: date, on: date) -> QuerySet:
    """Custody of the outer person that began after `after`, up to `on`, and lasted at
    least a day: a start closed the same day was never custody ("Dates and periods")."""
    closed_that_day = Event.objects.filter(
        offender_id=OuterRef("offender_id"), kind=end, date=OuterRef("date")
    )
    return Event.objects.filter(
        offender_id=OuterRef("pk"), kind=start, date__gt=after, date__lte=on
    ).filter(~Exists(closed_that_day))


def _people(people: QuerySet[Offender], on: date, rules: ReviewThresholds) -> QuerySet:
    """Each person with the dates the rules read (the extensions' too), as at `on`."""
    extra = {name: column for ext in extensions() for name, column in ext.annotations(on).items()}
    mine = {"offender_id": OuterRef("pk")}
    ppo_now = on_programme(Programme.PPO, on).order_by("-start_date")
    quiet_from = months_before(on, rules.no_offending_months)
    window_opens = quiet_from + timedelta(days=1)
    last_ppo = ProgrammeMembership.objects.filter(
        **mine, programme=Programme.PPO, start_date__lte=on
    ).order_by("-start_date")
    decisions = Decision.objects.filter(**mine, meeting__held_on__lte=on)
    return people.annotate(
        listed_since=Subquery(ppo_now.values("start_date")[:1]),
        last_quiet_breaker=_latest(
            Event.objects.filter(
                **mine, kind__in=[EventKind.ARREST, EventKind.INTELLIGENCE], date__lte=on
            )
        ),
        # In custody at any time in the quiet window: already in on its first day, or
        # taken in during it.
        custody_in_window=ExpressionWrapper(
            Q(period_open(*REMAND, window_opens))
            | Q(period_open(*SENTENCE, window_opens))
            | Q(Exists(_custody_begun(*REMAND, quiet_from, on)))
            | Q(Exists(_custody_begun(*SENTENCE, quiet_from, on))),
            output_field=BooleanField(),
        ),
        last_review=_latest(decisions, "meeting__held_on"),
        last_two_year_review=_latest(decisions.filter(two_year_review=True), "meeting__held_on"),
        in_sentenced_custody=period_open(EventKind.CUSTODY_START, EventKind.RELEASE, on),
        on_remand=period_open(EventKind.REMAND_START, EventKind.REMAND_END, on),
        expected_release=Subquery(
            Event.objects.filter(**mine, kind=EventKind.CUSTODY_START, date__lte=on)
            .order_by("-date", "-id")
            .values("expected_release")[:1]
        ),
        last_ppo_end=Subquery(last_ppo.values("end_date")[:1]),
        last_ppo_exit=Subquery(last_ppo.values("exit_reason")[:1]),
        last_moved=_latest(Event.objects.filter(**mine, kind=EventKind.MOVED_AREA, date__lte=on)),
        **extra,
    ).values(
        *extra,
        "pk", "local_id", "listed_since", "last_quiet_breaker", "custody_in_window",
        "last_review", "last_two_year_review", "in_sentenced_custody", "on_remand",
        "expected_release", "last_ppo_end", "last_ppo_exit", "last_moved",
    )  # fmt: skip


def _flags_of(row: dict, on: date, rules: ReviewThresholds) -> list[tuple[str, str]]:
    """(code, reason) for each rule that fires for one person's row."""
    fired = []
    since = row["listed_since"]
    release = row["expected_release"] if row["in_sentenced_custody"] else None
    if since is not None:
        quiet = rules.no_offending_months
        quiet_from = months_before(on, quiet)
        breaker = row["last_quiet_breaker"]
        if (
            since <= quiet_from
            and not (breaker and breaker > quiet_from)
            and not row["custody_in_window"]
        ):
            last = f"the last was on {_day(breaker)}" if breaker else "none recorded"
            fired.append(("no_offending_6m", (
                f"No arrest or intelligence report for {quiet} months ({last}) and not in "
                "custody in that time: consider de-selection for stopped offending."
            )))  # fmt: skip
        review_every = rules.two_year_review_months
        due_from = months_before(on, review_every)
        reviewed = row["last_two_year_review"]
        if since <= due_from and not (reviewed and reviewed > due_from):
            fired.append(("two_year_review", (
                f"On the list since {_day(since)}, {review_every} months or more, with no "
                "two-year review in that time: the panel should keep them on the list or "
                "remove them."
            )))  # fmt: skip
        quarter = rules.quarterly_review_months
        quarter_from = months_before(on, quarter)
        # A panel decision is a case review, and so is anything an extension says is one
        # (a case conference held).
        reviews = [
            row["last_review"],
            *(row[ext.review_date] for ext in extensions() if ext.review_date),
        ]
        last_review = max((day for day in reviews if day), default=None)
        if since < quarter_from and not (last_review and last_review > quarter_from):
            last = f"the last was on {_day(last_review)}" if last_review else "none yet"
            fired.append(("quarterly_review_due", (
                f"No case review for {quarter} months ({last}): review the case."
            )))  # fmt: skip
        if release and release > add_months(on, rules.long_custody_months):
            fired.append(("long_custody", (
                f"Serving a sentence with release expected on {_day(release)}, more than "
                f"{rules.long_custody_months} months away: consider removing them from the "
                "list after a multi-agency risk assessment."
            )))  # fmt: skip
        in_custody = row["in_sentenced_custody"] or row["on_remand"]
        notice = rules.release_notification_days
        if in_custody and release and on < release <= on + timedelta(days=notice):
            fired.append(("release_notification", (
                f"Release expected on {_day(release)}, within {notice} days: make sure the "
                "police know."
            )))  # fmt: skip
        if row["last_moved"] and row["last_moved"] >= since:
            fired.append(("moved_area", (
                f"Moved area on {_day(row['last_moved'])}, since selection: remove them from "
                "the list and tell the receiving scheme."
            )))  # fmt: skip
    elif (
        row["last_ppo_end"] is not None
        and row["last_ppo_exit"] == ExitReason.LONG_CUSTODY
        and release
        and release <= add_months(on, rules.reselection_months)
    ):
        fired.append(("reselection_due", (
            f"Left the list for a long custodial sentence; release expected on {_day(release)}, "
            f"within {rules.reselection_months} months: consider selecting them again."
        )))  # fmt: skip
    return fired


def review_flags(
    *, scheme: Scheme, on: date, people: QuerySet[Offender] | None = None
) -> list[Flag]:
    """Every flag open on `on` for the scheme's people (or just `people`), sorted by
    local_id then code, in one query."""
    rules = thresholds_for(scheme)
    people = Offender.objects.not_erased().filter(scheme=scheme) if people is None else people
    contexts = [(ext, ext.context(scheme)) for ext in extensions()]
    flags = []
    for row in _people(people, on, rules):
        fired = _flags_of(row, on, rules)
        for ext, context in contexts:
            fired += ext.fired(row, on, rules, context)
        flags += [Flag(row["pk"], row["local_id"], code, reason) for code, reason in fired]
    return sorted(flags, key=lambda flag: (flag.local_id, flag.code))
