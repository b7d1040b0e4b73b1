"""The letters to the person: why they were selected, in plain English from their own
breakdown, what the scheme offers and what gets them off the list (induction); what support
continues and who to contact (exit). Wakefield §7.3 and §9.5: nobody could explain to
offenders why they were PPOs."""

from django.conf import settings
from django.utils.formats import date_format
from django.utils.module_loading import import_string

from ppo.codes import ExitDestination, Strand
from ppo.models import Offender, OffenderManagerAssignment, Scheme
from ppo.selectors import scheme_coordinators, scheme_overviews
from ppo.status import memberships_open_on
from selection.flags import thresholds_for
from selection.matrix import breakdown_for_reader, criterion_key
from selection.models import Decision, DecisionKind
from selection.scoring import person_score


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def reason_sentences(criteria: list[dict], breakdown: dict, on, access) -> list[str]:
    """A sentence for each criterion that gave the person points, addressed to them, from
    what the letter's author is shown; what they are not shown is only said to exist. Police
    intelligence is mentioned, never counted, so the letter does not reveal how much the
    police know."""
    when = date_format(on, "j F Y")
    sentences = []
    rows, _ = breakdown_for_reader(criteria, breakdown, access)
    withheld = any(
        entry is None and breakdown.get(criterion_key(criterion), {}).get("points")
        for criterion, (_, entry) in zip(criteria, rows, strict=True)
    )
    for criterion, (_, entry) in zip(criteria, rows, strict=True):
        if not entry or not entry.get("points"):
            continue
        kind, count = criterion["type"], entry.get("count", 0)
        months = criterion.get("window_months")
        if kind == "convictions":
            sentences.append(
                f"You were convicted {_times(count)} in the {months} months up to {when}."
            )
        elif kind == "arrests":
            sentences.append(
                f"You were arrested {_times(count)} in the {months} months up to {when}."
            )
        elif kind == "intelligence":
            sentences.append("Police information links you to recent offending.")
        elif kind == "class_a_positive":
            sentences.append(
                f"You tested positive for heroin or crack cocaine {_times(count)} in the "
                f"{months} months up to {when}."
            )
        elif kind == "offence_weight":
            sentences.append(
                f"You were charged {_times(count)} with offences that cause the most harm to "
                f"local people, such as burglary or robbery, in the {months} months up to {when}."
            )
        elif kind == "release_within":
            sentences.append("You are due to be released from prison soon.")
        elif kind == "age_under":
            sentences.append(f"You are under {criterion['years']}.")
        elif kind == "cjit_caseload":
            sentences.append("You are working with the drug intervention team (CJIT).")
        elif kind == "manual":
            label = criterion["label"][:1].lower() + criterion["label"][1:]
            sentences.append(f"The panel also took into account {label}.")
    if withheld:
        sentences.append("The panel also took into account information other agencies hold.")
    return sentences


OFFERS = {
    Strand.CATCH_CONVICT: (
        "The police will keep a close eye on you. If you offend, you are likely to be caught "
        "quickly and your case dealt with fast."
    ),
    Strand.REHABILITATE_RESETTLE: (
        "You will get priority help to change: drug and alcohol treatment, somewhere to live, "
        "training and work, money and debt advice, and support with family. Your offender "
        "manager will agree a plan with you and the other services."
    ),
    Strand.PREVENT_DETER: (
        "The youth offending team and its partners will work with you and your family to help "
        "you stay out of trouble, with education, training and activities."
    ),
}

CONTINUING_SUPPORT = {
    ExitDestination.IOM: (
        "You will stay with Integrated Offender Management, a less intensive scheme. Your "
        "offender manager will keep in touch and help you keep the progress you have made."
    ),
    ExitDestination.CJIT: (
        "The drug intervention team (CJIT) will keep working with you on your drug treatment."
    ),
    ExitDestination.MAINSTREAM: (
        "The services you use now, such as housing, health and employment support, carry on "
        "as normal."
    ),
    ExitDestination.NONE: "No further support from the scheme is planned.",
}


def _contacts(offender: Offender, on) -> dict:
    managers = OffenderManagerAssignment.objects.filter(
        memberships_open_on(on), offender=offender
    ).select_related("manager", "agency")
    scheme = scheme_overviews(schemes=Scheme.objects.filter(pk=offender.scheme_id)).get()
    return {"managers": list(managers), "coordinators": scheme_coordinators(scheme)}


def letter_context(*, offender: Offender, kind: str, access) -> dict | None:
    """What the induction or exit letter says, from the latest decision to select or remove
    the person; None when there is no such decision."""
    wanted = DecisionKind.SELECT if kind == "induction" else DecisionKind.DESELECT
    decision = (
        Decision.objects.filter(offender=offender, kind=wanted)
        .select_related("meeting", "matrix")
        .order_by("-meeting__held_on", "-decided_at")
        .first()
    )
    if decision is None:
        return None
    on = decision.meeting.held_on
    context = {
        "offender": offender,
        "scheme": offender.scheme,
        "decision": decision,
        "on": on,
        **_contacts(offender, on),
    }
    if kind == "induction":
        reasons = []
        if decision.matrix:
            _, breakdown = person_score(offender=offender, on=on, matrix=decision.matrix)
            reasons = reason_sentences(decision.matrix.criteria, breakdown, on, access)
        context.update(
            reasons=reasons,
            offer=OFFERS.get(decision.strand, OFFERS[Strand.REHABILITATE_RESETTLE]),
            thresholds=thresholds_for(offender.scheme),
        )
    else:
        context["support"] = CONTINUING_SUPPORT.get(
            decision.exit_destination, CONTINUING_SUPPORT[ExitDestination.NONE]
        )
    # What the case plan adds (the exit plan agreed with the person), from apps above.
    for path in settings.LETTER_CONTEXT:
        context.update(import_string(path)(offender=offender, kind=kind, access=access))
    return context
