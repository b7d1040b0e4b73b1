""" "Is this a PPO?" for custody suites and prison reception.

The answer says only whether the person is on a PPO or IOM list today and, if so, the scheme,
strand and offender manager's contact details. "No match" and "matched but on no list" give
the same answer, so the check never reveals that someone is known to a scheme. Every lookup
is logged, whatever the answer.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from ppo.codes import Programme
from ppo.identifiers import name_key
from ppo.models import (
    LookupLog,
    Offender,
    OffenderAlias,
    OffenderManagerAssignment,
    ProgrammeMembership,
    User,
)
from ppo.status import memberships_open_on

LISTS = (Programme.PPO, Programme.IOM)


@dataclass(frozen=True)
class ListEntry:
    programme: str
    scheme: str
    strand: str
    manager_name: str
    manager_phone: str
    manager_email: str


@dataclass(frozen=True)
class LookupAnswer:
    entries: list[ListEntry]
    # For the access log only: never shown, since the answer must not reveal a match.
    matched_ids: tuple[int, ...] = ()

    @property
    def on_list(self) -> bool:
        return bool(self.entries)


def lookup_matches(
    *, pnc_id: str = "", first_name: str = "", last_name: str = "", date_of_birth=None
) -> list[Offender]:
    """People matching a normalised PNC ID, or a name (or alias) and date of birth."""
    if pnc_id:
        return list(Offender.objects.filter(pnc_id=pnc_id))
    key = name_key(first_name, last_name)
    alias = OffenderAlias.objects.filter(offender_id=OuterRef("pk"), name_key=key)
    return list(
        Offender.objects.filter(Q(name_key=key) | Q(Exists(alias)), date_of_birth=date_of_birth)
    )


def lookup_answer(*, matches: list[Offender], on: date) -> LookupAnswer:
    """The PPO and IOM memberships open on `on` among the matches, with their managers."""
    memberships = (
        ProgrammeMembership.objects.filter(
            memberships_open_on(on), offender__in=matches, programme__in=LISTS
        )
        .select_related("offender__scheme")
        .order_by("programme", "offender__scheme__name")
    )
    managers = {
        assignment.offender_id: assignment.manager
        for assignment in OffenderManagerAssignment.objects.filter(
            memberships_open_on(on), offender__in=matches
        )
        .select_related("manager")
        .order_by("start_date")
    }
    entries = []
    for membership in memberships:
        manager = managers.get(membership.offender_id)
        entries.append(
            ListEntry(
                programme=membership.get_programme_display(),
                scheme=membership.offender.scheme.name,
                strand=membership.get_strand_display(),
                manager_name=manager.full_name if manager else "",
                manager_phone=manager.phone if manager else "",
                manager_email=manager.email if manager else "",
            )
        )
    return LookupAnswer(entries, tuple(offender.pk for offender in matches))


@transaction.atomic
def lookup_run(
    *,
    by: User,
    on: date,
    pnc_id: str = "",
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
) -> LookupAnswer:
    """Answer a lookup and log it (who, when, what was asked, what they were told)."""
    matches = lookup_matches(
        pnc_id=pnc_id, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth
    )
    answer = lookup_answer(matches=matches, on=on)
    log = LookupLog.objects.create(
        by=by,
        pnc_id=pnc_id,
        name=f"{first_name} {last_name}".strip(),
        date_of_birth=date_of_birth,
        on_list=answer.on_list,
    )
    log.matches.set(matches)
    return answer
