"""Synthetic case management for the demo schemes, so plans, caseloads and packs have
something in them: for a dozen current PPOs each, a case conference held last quarter with
its needs, actions on several pathways (some overdue, some done), appointments with
outcomes, a partner referral and an exit plan; some conferences booked for the coming weeks."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from cases.models import Conference
from cases.services import (
    action_create,
    action_update,
    appointment_outcome,
    appointment_plan,
    conference_record,
    conference_schedule,
    exit_plan_save,
    partner_referral_send,
)
from ppo.codes import Need, NeedLevel, Pathway, Programme
from ppo.models import Agency, Offender, Role, Scheme, User

ACTIONS = {
    Pathway.ACCOMMODATION: "Find supported housing",
    Pathway.ETE: "Start a construction skills course",
    Pathway.DRUGS: "Attend the drug rehabilitation requirement every week",
    Pathway.FINANCE: "Sort out benefit claim and rent arrears",
    Pathway.ATTITUDES: "Complete the thinking skills programme",
}


def cases_demo_load(*, scheme: Scheme, people: int = 12) -> int:
    """Case records for a demo scheme that has none yet; returns for how many people."""
    if Conference.objects.filter(offender__scheme=scheme).exists():
        return 0
    manager = (
        User.objects.filter(
            memberships__agency__scheme=scheme, memberships__role=Role.OFFENDER_MANAGER
        )
        .order_by("email")
        .first()
    )
    agencies = list(Agency.objects.filter(scheme=scheme).order_by("name"))
    if manager is None or not agencies:
        return 0
    rng = random.Random(scheme.pk * 7)  # noqa: S311 - reproducible synthetic data, not security
    today = timezone.localdate()
    ppos = [
        person for person in Offender.objects.filter(scheme=scheme).order_by("pk")
        if person.memberships.filter(programme=Programme.PPO, end_date__isnull=True).exists()
    ][:people]  # fmt: skip
    agency = manager.memberships.filter(agency__scheme=scheme).first().agency
    for number, person in enumerate(ppos):
        held_on = today - timedelta(days=rng.randint(30, 80))
        conference = conference_schedule(offender=person, kind=Conference.Kind.CONFERENCE,
                                         scheduled_for=held_on, by=manager)  # fmt: skip
        conference_record(
            conference=conference, version=1, held_on=held_on,
            attendees=[(a, f"{a.name} representative") for a in agencies[:3]],
            offender_attended=rng.random() < 0.6, offender_comments="", by=manager,
            minutes="Reviewed progress and agreed the actions below.",
            needs={need: (rng.choice(NeedLevel.values), "") for need in Need.values},
        )  # fmt: skip
        for pathway in rng.sample(list(ACTIONS), 3):
            lead = rng.choice(agencies)
            action = action_create(
                offender=person, conference=conference, pathway=pathway,
                description=ACTIONS[pathway], lead_agency=lead,
                lead_officer=f"{lead.name} key worker",
                due_date=held_on + timedelta(days=rng.randint(14, 90)), by=manager,
            )  # fmt: skip
            if rng.random() < 0.3:
                action_update(
                    action=action, version=1, status="done", outcome="Completed",
                    due_date=action.due_date, lead_agency=lead, lead_officer=action.lead_officer,
                    by=manager,
                )  # fmt: skip
        if number % 3 == 0:
            conference_schedule(offender=person, kind=Conference.Kind.CONFERENCE,
                                scheduled_for=today + timedelta(days=rng.randint(3, 20)),
                                by=manager)  # fmt: skip
        for days in (9, 5, 2):
            at = timezone.make_aware(datetime.combine(today - timedelta(days=days), time(10)))
            done = appointment_plan(offender=person, agency=agency, kind="supervision", at=at,
                                    by=manager)  # fmt: skip
            outcome = "attended" if rng.random() < 0.8 else "failed"
            appointment_outcome(appointment=done, outcome=outcome, note="", by=manager)
        at = timezone.make_aware(datetime.combine(today + timedelta(days=2), time(14)))
        appointment_plan(offender=person, agency=agency, kind="supervision", at=at, by=manager)
        partner_referral_send(offender=person, pathway=Pathway.ACCOMMODATION,
                              service="Supported housing scheme", agency=None,
                              sent_on=held_on, by=manager)  # fmt: skip
        exit_plan_save(
            offender=person, version=None,
            removal_criteria="Six months without arrest or intelligence, and keeping a tenancy",
            continuing_support="Integrated Offender Management contact each month",
            destination="iom", agreed_with_offender_on=held_on, by=manager,
        )  # fmt: skip
    return len(ppos)
