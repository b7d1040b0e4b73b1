"""What erasing a person's record (ppo/erasure.py, settings.ERASURE_STEPS) does to case
management: the whole case record about the person goes. Conferences (with their attendees,
needs assessments, minutes and the person's comments), the action plan, partner referrals,
appointments and enforcement flags, their contact target and exit plan. In that order:
flags point at appointments, and actions at conferences."""

from cases.models import (
    Action,
    Appointment,
    Conference,
    ContactTarget,
    EnforcementFlag,
    ExitPlan,
    PartnerReferral,
)
from ppo.erasure import Erasure


def erase_person(*, erasure: Erasure) -> None:
    person = erasure.offender
    for model in (
        EnforcementFlag, Appointment, Action, Conference, PartnerReferral, ContactTarget, ExitPlan,
    ):  # fmt: skip
        erasure.delete(model.objects.filter(offender=person))
