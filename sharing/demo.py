"""Synthetic consent decisions for the demo schemes, so each persona sees a realistic mix:
about two people in three have consented to share everything with every agency, some
refused, the rest were never asked."""

import random
from datetime import timedelta

from django.utils import timezone

from ppo.models import AgencyType, Offender, Role, Scheme, User
from sharing.categories import Category
from sharing.models import ConsentEntry, ConsentKind
from sharing.services import consent_record


def consent_demo_load(*, scheme: Scheme) -> int:
    """Record demo consent decisions for a scheme that has none yet; returns how many."""
    if ConsentEntry.objects.filter(offender__scheme=scheme).exists():
        return 0
    recorder = User.objects.filter(
        memberships__agency__scheme=scheme, memberships__role=Role.OFFENDER_MANAGER
    ).first()
    if recorder is None:
        return 0
    rng = random.Random(scheme.pk)  # noqa: S311 - reproducible synthetic data, not security
    today = timezone.localdate()
    recorded = 0
    for offender in Offender.objects.filter(scheme=scheme).order_by("pk"):
        draw = rng.random()
        if draw > 0.8:
            continue
        consent_record(
            offender=offender,
            kind=ConsentKind.GIVEN if draw < 0.65 else ConsentKind.REFUSED,
            agency_types=list(AgencyType.values),
            agencies=[],
            categories=list(Category.values),
            effective_date=today - timedelta(days=rng.randint(1, 600)),
            review_date=None,
            by=recorder,
            note="Demo data",
        )
        recorded += 1
    return recorded
