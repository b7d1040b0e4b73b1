"""What selection adds to the register's pages (see ppo/extensions.py): review flags with
why they fired, the panel's decisions, referrals and letters on the offender page, and flag
tags on the register list. Flags are shown only to readers shown everything they reveal."""

from datetime import date

from django.template.loader import render_to_string

from ppo.codes import Programme
from ppo.context_processors import request_memberships
from ppo.models import Offender, Role
from ppo.selectors import can_edit_offender
from selection.flags import Flag, flag_rules, review_flags
from selection.matrix import breakdown_for_reader
from selection.models import Decision, DecisionKind, FlagResponse, Referral


def visible(flag: Flag, access) -> bool:
    return all(access.shows(category) for category in flag_rules()[flag.code].categories)


def latest_responses(offender_ids: list[int]) -> dict[tuple[int, str], FlagResponse]:
    responses = (
        FlagResponse.objects.filter(offender_id__in=offender_ids)
        .select_related("by")
        .order_by("offender_id", "code", "-at", "-id")
        .distinct("offender_id", "code")
    )
    return {(response.offender_id, response.code): response for response in responses}


def snoozed(response: FlagResponse | None, on: date) -> bool:
    return bool(response and response.snoozed_until and response.snoozed_until > on)


def record_section(*, request, offender: Offender, access, on: date) -> str:
    people = Offender.objects.filter(pk=offender.pk)
    flags = review_flags(scheme=offender.scheme, on=on, people=people)
    flags = [flag for flag in flags if visible(flag, access)]
    responses = latest_responses([offender.pk])
    # The header reads the user's memberships anyway; a coordinator needs no further query.
    coordinator = any(
        m.role == Role.COORDINATOR and m.agency.scheme_id == offender.scheme_id
        for m in request_memberships(request)
    )
    may_act = coordinator or can_edit_offender(user=request.user, offender=offender)
    decisions = list(
        Decision.objects.filter(offender=offender).select_related("meeting", "matrix")
        .order_by("-meeting__held_on", "-decided_at")
    )  # fmt: skip
    for decision in decisions:
        # A total beside criteria the reader may not see would give their points away.
        decision.score_shown = (
            decision.matrix is not None
            and (breakdown_for_reader(decision.matrix.criteria, {}, access)[1])
        )
    # The offender page prefetched the memberships; anyone on it reads records.
    on_list = any(
        m.programme == Programme.PPO
        and m.start_date <= on
        and (m.end_date is None or m.end_date > on)
        for m in offender.memberships.all()
    )
    waiting = Referral.objects.filter(offender=offender).exclude(
        decisions__kind__in=[DecisionKind.SELECT, DecisionKind.REJECT]
    )
    changes = [d.kind for d in decisions if d.kind in (DecisionKind.SELECT, DecisionKind.DESELECT)]
    return render_to_string(
        "selection/record_section.html",
        {
            "offender": offender,
            "access": access,
            "flags": [
                {"flag": flag, "response": responses.get((offender.pk, flag.code)),
                 "snoozed": snoozed(responses.get((offender.pk, flag.code)), on)}
                for flag in flags
            ],
            "may_act": may_act,
            "decisions": decisions,
            "waiting_referral": waiting.select_related("agency").first(),
            "may_refer": not on_list,
            "letter": changes[0] if changes and may_act else None,
        },
        request=request,
    )  # fmt: skip


def register_flags(*, user, offenders: list, access: dict, on: date) -> dict[int, list[Flag]]:
    """The open, visible, not snoozed flags of each person on a register page."""
    by_scheme: dict = {}
    for person in offenders:
        by_scheme.setdefault(person.scheme, []).append(person.pk)
    responses = latest_responses([person.pk for person in offenders])
    shown: dict[int, list[Flag]] = {}
    for scheme, ids in by_scheme.items():
        people = Offender.objects.filter(pk__in=ids)
        for flag in review_flags(scheme=scheme, on=on, people=people):
            if visible(flag, access[flag.offender_id]) and not snoozed(
                responses.get((flag.offender_id, flag.code)), on
            ):
                shown.setdefault(flag.offender_id, []).append(flag)
    return shown
