"""Synthetic selection data for the demo schemes, so the selection pages have something to
show: the formats.md example matrix, a run of it as at today, a panel held last month and
one booked for next week, and referrals waiting from the police and the CJIT."""

from datetime import timedelta

from django.utils import timezone

from ppo.models import Agency, AgencyType, Offender, Role, Scheme, User
from selection.models import Matrix
from selection.services import (
    matrix_save,
    panel_meeting_create,
    referral_create,
    scoring_run_create,
)

DEMO_MATRIX = {
    "threshold": 20,
    "criteria": [
        {"type": "convictions", "window_months": 12, "points_each": 2, "cap": 20},
        {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10},
        {"type": "intelligence", "window_months": 6, "points_each": 1, "cap": 10},
        {"type": "class_a_positive", "window_months": 12, "points_each": 3, "cap": 9},
        {"type": "offence_weight", "window_months": 12,
         "weights": {"burglary_dwelling": 5, "robbery": 6, "theft_of_vehicle": 3}, "cap": 30},
        {"type": "release_within", "days": 90, "points": 5},
        {"type": "age_under", "years": 25, "points": 2},
        {"type": "cjit_caseload", "points": 3},
        {"type": "manual", "key": "community_impact", "label": "Impact on the community",
         "max": 10},
    ],
}  # fmt: skip


def selection_demo_load(*, scheme: Scheme) -> bool:
    """Set up selection for a demo scheme that has no matrix yet; returns whether it did."""
    if Matrix.objects.filter(scheme=scheme).exists():
        return False
    coordinator = User.objects.filter(
        memberships__agency__scheme=scheme, memberships__role=Role.COORDINATOR
    ).first()
    today = timezone.localdate()
    matrix = matrix_save(
        scheme=scheme, by=coordinator, note="Demo data",
        document={"name": f"{scheme.name} matrix {today.year}", **DEMO_MATRIX},
    )  # fmt: skip
    run = scoring_run_create(scheme=scheme, matrix=matrix, on=today, by=coordinator)
    agencies = list(Agency.objects.filter(scheme=scheme).order_by("name"))
    if coordinator is None or not agencies:
        return True
    attendees = [(agency, f"{agency.name} representative") for agency in agencies[:4]]
    for held_on in (today - timedelta(days=30), today + timedelta(days=7)):
        panel_meeting_create(
            scheme=scheme, held_on=held_on, chair="PPO coordinator", attendees=attendees,
            by=coordinator,
        )  # fmt: skip
    candidates = [row["local_id"] for row in run.result["ranking"] if not row["on_ppo_list"]]
    referrers = User.objects.filter(
        memberships__agency__scheme=scheme, memberships__role=Role.OFFENDER_MANAGER
    ).order_by("email")
    for local_id, referrer in zip(candidates[:2], referrers, strict=False):
        agency = referrer.memberships.filter(agency__scheme=scheme).first().agency
        referral_create(
            offender=Offender.objects.get(scheme=scheme, local_id=local_id),
            agency=agency, by=referrer, evidence="",
            reasons=(
                "Not engaging with treatment; several thefts since the summer"
                if agency.type == AgencyType.CJIT
                else "Arrested repeatedly for burglary and shoplifting this year"
            ),
        )  # fmt: skip
    return True
