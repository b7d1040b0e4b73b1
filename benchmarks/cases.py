"""Case management benchmarks on national-scale demo data (issue 6 targets): the caseload
page for an offender manager with 100 people (at most 15 queries), and the conference pack
PDF for a scheme's conference day with about 40 or more PPOs due (under 10 s).

    .venv/bin/python benchmarks/cases.py [--runs 10]

Needs the national demo data (benchmarks/register.py builds it). Uses DATABASE_URL, or the
embedded PostgreSQL that `make run` started. Gives one national offender manager a caseload
of 100 if they have fewer (the demo spreads people over two managers).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.pack import conference_pack  # noqa: E402
from ppo.codes import Programme  # noqa: E402
from ppo.models import Offender, OffenderManagerAssignment, Scheme, User  # noqa: E402
from ppo.status import memberships_open_on, on_programme  # noqa: E402

SCHEME = "national-001"
OM = f"offender.manager1@{SCHEME}.demo.example"


def busiest_scheme() -> str:
    """The national scheme with the most current PPOs, for the largest conference pack."""
    today = timezone.localdate()
    return (
        Scheme.objects.filter(slug__startswith="national-")
        .annotate(ppos=Count("offenders", filter=Q(offenders__in=Offender.objects.filter(
            Exists(on_programme(Programme.PPO, today))))))
        .order_by("-ppos")
        .values_list("slug", flat=True)
        .first()
    )  # fmt: skip


def caseload_of_100(om: User) -> int:
    today = timezone.localdate()
    current = OffenderManagerAssignment.objects.filter(memberships_open_on(today), manager=om)
    have = set(current.values_list("offender_id", flat=True))
    if len(have) < 100:
        agency = om.memberships.get().agency
        ppos_first = (
            Offender.objects.filter(scheme__slug=SCHEME)
            .exclude(pk__in=have)
            .order_by(~Exists(on_programme(Programme.PPO, today)), "pk")
        )
        OffenderManagerAssignment.objects.bulk_create(
            OffenderManagerAssignment(offender=person, manager=om, agency=agency,
                                      start_date=today)
            for person in ppos_first[: 100 - len(have)]
        )  # fmt: skip
    return current.count()


def timed(label: str, run, runs: int, target: str) -> None:
    run()
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            timings.append(time.perf_counter() - started)
        queries = len(captured)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"{label:44} p50 {statistics.median(timings) * 1000:8.0f} ms   "
          f"p95 {p95 * 1000:8.0f} ms   {queries:3d} queries  ({target})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    if not Offender.objects.filter(scheme__slug=SCHEME).exists():
        raise SystemExit("No national demo data: run benchmarks/register.py first.")
    om = User.objects.get(email=OM)
    people = caseload_of_100(om)
    om_client, coordinator_client = Client(), Client()
    om_client.force_login(om)

    def ok(response):
        if response.status_code != 200:
            raise SystemExit(f"Benchmark page answered {response.status_code}")
        return response

    timed(f"My caseload ({people} people)", lambda: ok(om_client.get("/caseload/")), runs,
          "at most 15 queries")  # fmt: skip
    busiest = busiest_scheme()
    coordinator = User.objects.get(email=f"coordinator1@{busiest}.demo.example")
    coordinator_client.force_login(coordinator)
    pack = f"/schemes/{busiest}/conference-pack/"
    due = len(
        conference_pack(user=coordinator, scheme=Scheme.objects.get(slug=busiest),
                        on=timezone.localdate())
    )  # fmt: skip
    timed(f"Conference pack page ({due} PPOs due)", lambda: ok(coordinator_client.get(pack)),
          runs, "")  # fmt: skip
    timed(
        f"Conference pack PDF ({due} PPOs due)",
        lambda: ok(coordinator_client.get(pack, {"format": "pdf"})),
        max(3, runs // 3), "target < 10 s",
    )  # fmt: skip


if __name__ == "__main__":
    main()
