"""Selection benchmark (issue 5 target): score a pool of 10,000 people in under 5 s.

    .venv/bin/python benchmarks/selection.py [--runs 5]

Builds a benchmark scheme once (10,000 people, about 30 events each, some in custody, some
on the PPO and CJIT programmes) with bulk inserts, then scores it with the formats.md
example matrix. Uses DATABASE_URL, or the embedded PostgreSQL that `make run` started.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from ppo.codes import EventKind, OffenceCategory, Programme  # noqa: E402
from ppo.identifiers import name_key  # noqa: E402
from ppo.models import Event, Offender, ProgrammeMembership, Scheme  # noqa: E402
from selection.models import Matrix  # noqa: E402
from selection.scoring import pool_score  # noqa: E402
from selection.services import matrix_save  # noqa: E402

SLUG = "benchmark-pool"
PEOPLE = 10_000
MATRIX = {
    "name": "Benchmark (formats.md example)",
    "threshold": 20,
    "criteria": [
        {"type": "convictions", "window_months": 12, "points_each": 2, "cap": 20},
        {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10},
        {"type": "intelligence", "window_months": 6, "points_each": 1, "cap": 10},
        {"type": "class_a_positive", "window_months": 12, "points_each": 3, "cap": 9},
        {"type": "offence_weight", "window_months": 12,
         "weights": {"burglary_dwelling": 5, "robbery": 6}, "cap": 30},
        {"type": "release_within", "days": 90, "points": 5},
        {"type": "age_under", "years": 25, "points": 2},
        {"type": "cjit_caseload", "points": 3},
        {"type": "manual", "key": "community_impact", "label": "Impact on the community",
         "max": 10},
    ],
}  # fmt: skip


@transaction.atomic
def build_pool() -> Scheme:
    scheme, created = Scheme.objects.get_or_create(
        slug=SLUG, defaults={"name": "Benchmark pool", "capacity_min": 60, "capacity_max": 100}
    )
    if not created:
        return scheme
    print(f"Building the benchmark pool ({PEOPLE:,} people)...", flush=True)
    rng = random.Random(5)  # noqa: S311 - repeatable synthetic data, not security
    today = timezone.localdate()
    people = Offender.objects.bulk_create(
        Offender(
            scheme=scheme, local_id=f"B-{n:05d}", first_name="Pool", last_name=f"Person{n}",
            name_key=name_key("Pool", f"Person{n}"), gender="M",
            date_of_birth=today - timedelta(days=rng.randint(18 * 365, 50 * 365)),
        )
        for n in range(PEOPLE)
    )  # fmt: skip
    kinds = [EventKind.ARREST, EventKind.INTELLIGENCE, EventKind.CHARGE, EventKind.CONVICTION]
    categories = [OffenceCategory.BURGLARY_DWELLING, OffenceCategory.ROBBERY,
                  OffenceCategory.THEFT_SHOP]  # fmt: skip
    events, memberships = [], []
    offending = (EventKind.CHARGE, EventKind.CONVICTION)

    def days_ago(days: int):
        return today - timedelta(days=days)

    for number, person in enumerate(people):
        for serial in range(rng.randint(10, 50)):
            kind = rng.choice(kinds)
            category = rng.choice(categories) if kind in offending else ""
            events.append(
                Event(offender=person, kind=kind, reference=f"B{serial}",
                      date=days_ago(rng.randint(0, 900)), offence_category=category)
            )  # fmt: skip
        if number % 10 == 0:
            release = today + timedelta(days=rng.randint(1, 400))
            events.append(
                Event(offender=person, kind=EventKind.CUSTODY_START, reference="C",
                      date=days_ago(200), expected_release=release)
            )  # fmt: skip
        for every, programme, since in ((100, Programme.PPO, 400), (7, Programme.CJIT, 100)):
            if number % every == 0:
                memberships.append(
                    ProgrammeMembership(offender=person, programme=programme,
                                        start_date=days_ago(since))
                )  # fmt: skip
    Event.objects.bulk_create(events, batch_size=5000)
    ProgrammeMembership.objects.bulk_create(memberships)
    matrix_save(scheme=scheme, document=MATRIX, by=None, note="Benchmark")
    return scheme


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    scheme = build_pool()
    matrix = Matrix.objects.filter(scheme=scheme).order_by("-version").first()
    today = timezone.localdate()
    events = Event.objects.filter(offender__scheme=scheme).count()
    print(f"Pool: {Offender.objects.filter(scheme=scheme).count():,} people, {events:,} events.")
    pool_score(scheme=scheme, on=today, matrix=matrix)  # warm-up
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = pool_score(scheme=scheme, on=today, matrix=matrix)
            timings.append(time.perf_counter() - started)
    print(
        f"{'Score a pool of 10,000 people':40} median {statistics.median(timings):.2f} s, "
        f"worst {max(timings):.2f} s, {len(captured)} queries, {len(result['ranking']):,} "
        "ranked (target < 5 s)"
    )


if __name__ == "__main__":
    main()
