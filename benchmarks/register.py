"""Register and sharing benchmarks on national-scale demo data (issue 3 and 4 targets).

    .venv/bin/python benchmarks/register.py [--runs 30]

Builds the national demo data first if it is missing (seed_demo --scale national: several
minutes, once). Uses DATABASE_URL, or the embedded PostgreSQL that `make run` started.
Prints p50/p95 and query counts for: the register list of a user who can see about 1,000
people, an offender page with 200 events, the lookup by PNC ID and by name and date of birth,
the status of every current PPO at a date, effective access on its own (two queries for a
page or for the whole register), the register CSV export, the record PDF and the subject
access export.
Targets on the reference 2-core machine: pages p95 < 150 ms, lookup p95 < 50 ms, all-PPO
status < 2 s, effective access 2 queries, subject access export < 60 s.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from ppo.codes import EventKind, Programme  # noqa: E402
from ppo.lookup import lookup_run  # noqa: E402
from ppo.models import Agency, Event, Offender, Role, User  # noqa: E402
from ppo.selectors import offenders_visible_to  # noqa: E402
from ppo.services import membership_add, staff_create  # noqa: E402
from ppo.status import on_programme, statuses_at  # noqa: E402
from sharing.access import record_access  # noqa: E402
from sharing.models import SubjectAccessExport  # noqa: E402
from sharing.subject_access import subject_access_build  # noqa: E402

BENCH_EMAIL = "benchmark.reader@demo.example"


def ensure_national_data() -> None:
    if Offender.objects.filter(scheme__slug__startswith="national-").count() < 100_000:
        print("Building national demo data (seed_demo --scale national)...", flush=True)
        call_command("seed_demo", "--scale", "national")


def reader_of_about(people: int) -> User:
    """A user whose police agencies together grant about `people` records."""
    user, _ = staff_create(email=BENCH_EMAIL, full_name="Benchmark Reader", password="x" * 16)
    if not user.memberships.exists():
        sizes = list(
            Agency.objects.filter(name__startswith="Police ", scheme__slug__startswith="national-")
            .annotate(people=Count("scheme__offenders"))
            .order_by("people")
        )
        # The two police agencies whose records together come closest to `people`.
        first, second = min(
            ((a, b) for a in sizes for b in sizes if a.pk < b.pk),
            key=lambda pair: abs(pair[0].people + pair[1].people - people),
        )
        for agency in (first, second):
            membership_add(user=user, agency=agency, role=Role.OFFENDER_MANAGER)
    return user


def offender_with_events(count: int) -> Offender:
    """A national offender given `count` events (arrests added once, then reused)."""
    busiest = (
        Offender.objects.filter(scheme__slug="national-001")
        .annotate(events_count=Count("events"))
        .order_by("-events_count")
        .first()
    )
    missing = count - busiest.events_count
    if missing > 0:
        start = timezone.localdate() - timedelta(days=3 * 365)
        Event.objects.bulk_create(
            Event(offender=busiest, kind=EventKind.INTELLIGENCE, date=start + timedelta(days=n),
                  reference=f"BENCH-{n}")
            for n in range(missing)
        )  # fmt: skip
    return busiest


def measure(label: str, run, runs: int, unit_target_ms: float | None = None) -> None:
    for _ in range(3):
        run()
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    target = f"  (target p95 < {unit_target_ms:.0f} ms)" if unit_target_ms else ""
    print(f"{label:48} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   {queries:3d} queries{target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # as in production: no query logging overhead outside captures

    ensure_national_data()
    reader = reader_of_about(1000)
    client = Client()
    client.force_login(reader)
    visible = offenders_visible_to(user=reader).count()
    target = offender_with_events(200)
    om = User.objects.get(email="offender.manager1@national-001.demo.example")
    om_client = Client()
    om_client.force_login(om)
    today = timezone.localdate()
    ppos = Offender.objects.filter(Exists(on_programme(Programme.PPO, today)))
    print(
        f"National data: {Offender.objects.count():,} people, {Event.objects.count():,} events, "
        f"{ppos.count():,} current PPOs; the register reader sees {visible:,} people."
    )

    def ok(response):
        if response.status_code != 200:
            raise SystemExit(f"Benchmark page answered {response.status_code}")
        return response

    measure("Register list (first page of ~1,000)", lambda: ok(client.get("/offenders/")), runs,
            150)  # fmt: skip
    measure(
        "Register search by name",
        lambda: ok(client.get("/offenders/", {"q": target.last_name})),
        runs, 150,
    )  # fmt: skip
    events = target.events.count()
    measure(
        f"Offender page ({events} events)",
        lambda: ok(om_client.get(f"/offenders/{target.pk}/")),
        runs, 150,
    )  # fmt: skip
    measure(
        "Lookup by PNC ID",
        lambda: lookup_run(by=reader, on=today, pnc_id=target.pnc_id),
        runs, 50,
    )  # fmt: skip
    measure(
        "Lookup by name and date of birth",
        lambda: lookup_run(
            by=reader, on=today, first_name=target.first_name, last_name=target.last_name,
            date_of_birth=target.date_of_birth,
        ),
        runs, 50,
    )  # fmt: skip
    register = list(offenders_visible_to(user=reader).order_by("last_name", "pk"))
    measure(
        "Effective access, one page of 50 people",
        lambda: record_access(user=reader, offenders=register[:50], on=today),
        runs, None,
    )  # fmt: skip
    measure(
        f"Effective access, all {len(register):,} people",
        lambda: record_access(user=reader, offenders=register, on=today),
        runs, None,
    )  # fmt: skip
    measure(
        f"Register CSV export ({len(register):,} people)",
        lambda: b"".join(ok(client.get("/offenders/export.csv")).streaming_content),
        max(5, runs // 3), 2000,
    )  # fmt: skip
    measure(
        f"Record PDF ({events} events)",
        lambda: ok(om_client.get(f"/offenders/{target.pk}/record.pdf")),
        max(5, runs // 3), 3000,
    )  # fmt: skip
    started = time.perf_counter()
    statuses = statuses_at(offenders=ppos, on=today)
    elapsed = time.perf_counter() - started
    print(f"{'Status of every current PPO':48} {len(statuses):,} people in {elapsed:.2f} s "
          "(target < 2 s)")  # fmt: skip

    export = SubjectAccessExport.objects.create(offender=target, requested_by=om)
    started = time.perf_counter()
    subject_access_build(export_id=export.pk)
    elapsed = time.perf_counter() - started
    print(f"{'Subject access export (' + str(events) + ' events)':48} built in {elapsed:.2f} s "
          "(target < 60 s)")  # fmt: skip


if __name__ == "__main__":
    main()
