"""Reporting benchmarks on national-scale demo data (issue 7 targets): every scheme's
monthly return for last month (under 60 s in total; each return at most 20 queries), and
the steering dashboard (p95 under 300 ms, cached per day).

    .venv/bin/python benchmarks/reporting.py [--runs 20] [--workers 2]

Needs the national demo data (benchmarks/register.py builds it). Returns are built as the
beat job does, one job per scheme, here spread over `--workers` processes (the machine's
two cores); the time printed is the wall-clock time for all of them.
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ppo.models import Scheme, User  # noqa: E402
from reporting.returns import monthly_return, previous_month  # noqa: E402


def build(scheme_ids: list[int]) -> int:
    """Build the returns of these schemes in this process; the most queries any took."""
    first, last = previous_month()
    most = 0
    for scheme in Scheme.objects.filter(pk__in=scheme_ids):
        with CaptureQueriesContext(connection) as captured:
            monthly_return(scheme=scheme, first=first, last=last)
        most = max(most, len(captured))
    return most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    ids = list(Scheme.objects.filter(slug__startswith="national-").values_list("pk", flat=True))
    if not ids:
        raise SystemExit("No national demo data: run benchmarks/register.py first.")
    shares = [ids[n :: options.workers] for n in range(options.workers)]
    # Forked processes must not share the parent's database connection: close it first.
    connection.close()
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=options.workers) as pool:
        most = max(pool.map(build, shares))
    elapsed = time.perf_counter() - started
    print(f"{'Monthly returns, all ' + str(len(ids)) + ' schemes':44} {elapsed:6.1f} s in total "
          f"on {options.workers} processes, at most {most} queries each "
          "(targets < 60 s, <= 20 queries)")  # fmt: skip

    scheme = Scheme.objects.get(slug="national-001")
    client = Client()
    client.force_login(User.objects.get(email="coordinator1@national-001.demo.example"))
    url = f"/schemes/{scheme.slug}/dashboard/"
    cache.clear()
    started = time.perf_counter()
    client.get(url)
    first_view = time.perf_counter() - started
    timings = []
    for _ in range(options.runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"Dashboard answered {response.status_code}")
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"{'Steering dashboard (cached)':44} p50 {statistics.median(timings):6.0f} ms   "
          f"p95 {p95:6.0f} ms (target p95 < 300 ms); first view of the day "
          f"{first_view * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
