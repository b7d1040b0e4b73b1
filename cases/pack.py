"""The conference pack: for a scheme's case conference day, every PPO due (a conference booked
that day, or overdue and not yet booked), with their review flags, what happened since their
last conference, their open actions and matrix score, each redacted for the reader. Built in
a fixed number of queries however many people are in it."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, OuterRef, Subquery

from cases.models import OPEN_ACTION, Action, Conference
from ppo.access import record_access
from ppo.codes import Programme
from ppo.models import Event, Offender, ProgrammeMembership, Scheme, User
from ppo.selectors import offenders_visible_to
from ppo.status import memberships_open_on, with_status
from selection.flags import Flag, review_flags
from selection.matrix import breakdown_for_reader
from selection.models import ScoringRun
from selection.sections import visible


@dataclass
class PackEntry:
    person: Offender
    access: object
    last_conference: date | None
    booked: bool
    flags: list[Flag] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    score: int | None = None
    score_withheld: bool = False


def conference_pack(*, user: User, scheme: Scheme, on: date) -> list[PackEntry]:
    visible_people = offenders_visible_to(user=user).filter(scheme=scheme)
    flags = review_flags(scheme=scheme, on=on, people=visible_people)
    # Overdue and not yet booked: those booked for a later day are in that day's pack.
    booked_later = set(
        Conference.objects.filter(
            offender__in=visible_people, kind=Conference.Kind.CONFERENCE,
            held_on__isnull=True, scheduled_for__gt=on,
        ).values_list("offender_id", flat=True)
    )  # fmt: skip
    overdue = {f.offender_id for f in flags if f.code == "conference_overdue"} - booked_later
    booked = set(
        Conference.objects.filter(
            offender__in=visible_people, kind=Conference.Kind.CONFERENCE, scheduled_for=on
        ).values_list("offender_id", flat=True)
    )
    held = (
        Conference.objects.filter(
            offender_id=OuterRef("pk"), kind=Conference.Kind.CONFERENCE, held_on__lt=on
        )
        .order_by()
        .values("offender_id")
        .annotate(last=Max("held_on"))
        .values("last")
    )
    listed = ProgrammeMembership.objects.filter(
        memberships_open_on(on), offender_id=OuterRef("pk"), programme=Programme.PPO
    ).order_by("-start_date")
    people = list(
        with_status(visible_people.filter(pk__in=booked | overdue), on=on)
        .annotate(
            last_conference=Subquery(held),
            listed_since=Subquery(listed.values("start_date")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )
    access = record_access(user=user, offenders=people, on=on)
    ids = [person.pk for person in people]
    # What happened since the last conference, or since joining the list if none was held.
    since = {person.pk: person.last_conference or person.listed_since or on for person in people}
    events: dict[int, list[Event]] = {}
    for event in (
        Event.objects.filter(offender_id__in=ids, date__lte=on)
        .filter(date__gte=min(since.values(), default=on))
        .order_by("date", "id")
    ):
        if event.date > since[event.offender_id]:
            events.setdefault(event.offender_id, []).append(event)
    actions: dict[int, list[Action]] = {}
    for action in Action.objects.filter(OPEN_ACTION, offender_id__in=ids).select_related(
        "lead_agency"
    ):
        actions.setdefault(action.offender_id, []).append(action)
    run = (
        ScoringRun.objects.filter(scheme=scheme, as_at__lte=on)
        .select_related("matrix")
        .order_by("-as_at", "-run_at")
        .first()
    )
    ranked = {row["local_id"]: row for row in (run.result["ranking"] if run else [])}
    entries = []
    for person in people:
        reader = access[person.pk]
        entry = PackEntry(
            person=person, access=reader, last_conference=person.last_conference,
            booked=person.pk in booked,
            flags=[f for f in flags if f.offender_id == person.pk and visible(f, reader)],
            events=[e for e in events.get(person.pk, []) if reader.shows_event(e.kind)],
            actions=[a for a in actions.get(person.pk, []) if reader.shows_pathway(a.pathway)],
        )  # fmt: skip
        row = ranked.get(person.local_id)
        if row is not None:
            _, shown = breakdown_for_reader(run.matrix.criteria, row["breakdown"], reader)
            entry.score, entry.score_withheld = (row["score"], False) if shown else (None, True)
        entries.append(entry)
    return entries
