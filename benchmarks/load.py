"""Load test: the Locust scenario (benchmarks/locustfile.py) against gunicorn on loopback with
the national demo data, at increasing numbers of users; reports the highest sustained
requests per second at which every endpoint's p95 stays under 300 ms with no failures.

    .venv/bin/python benchmarks/load.py [--users 10,20,40,60,80] [--duration 120]
                                        [--workers 3] [--threads 1]

What it does, and undoes at the end (also on Ctrl-C or SIGTERM):
- uses DATABASE_URL, or starts the embedded PostgreSQL (reusing one `make run` started);
  migrates, and builds the national demo data if missing (seed_demo --scale national:
  several minutes, once);
- starts a private Redis (production settings keep their cache there), unless REDIS_URL;
- runs `collectstatic` when its manifest is out of date, and starts gunicorn on 127.0.0.1
  with the production settings
  (config.settings.production, DEBUG off, WhiteNoise's manifest, the Redis cache): requests
  carry X-Forwarded-Proto: https as from the TLS-terminating proxy, so SSL redirect, secure
  cookies and the CSRF Referer check stay as deployed;
- before each step, writes one signed-in session per simulated user for real demo
  accounts (offender managers and coordinators of national schemes, the custody officer
  persona), each with a confirmed TOTP device in the session (made for the run where the
  account has none, as is the custody persona's API token), and deletes them all
  afterwards: sign-in is deliberately slow (Argon2id) and not measured here;
- runs `locust --headless` for each step (statistics reset once every user has started)
  and prints per-endpoint p50/p95 and where the CPU went (gunicorn, PostgreSQL, Locust,
  anything else on the machine: Locust shares the two cores with the server). Each step
  first waits for the machine to be idle, and is run again (--attempts) if other processes
  took CPU meanwhile: a test suite running beside it would skew the figures.

The step search stops at the first step that fails, then tries up to two user counts
between the last pass and that failure. Results (Locust CSVs, gunicorn logs) are kept in
.local/load/. Nothing is downloaded.
"""

import argparse
import contextlib
import csv
import json
import math
import os
import random
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import stack  # noqa: E402 - scripts/stack.py: the embedded PostgreSQL and Redis

RESULTS = ROOT / ".local" / "load"
VENV_BIN = ROOT / ".venv" / "bin"
P95_LIMIT_MS = 300
WARM_UP_SECONDS = 30
# Per cent of one core used by processes other than gunicorn, PostgreSQL and Locust above
# which a step's figures are flagged as disturbed (the machine's two cores are shared).
OTHER_CPU_WARNING = 15


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


# --- data and sessions (Django, local settings, in this process) ------------------------------


def django_start(database_url: str, secret_key: str) -> None:
    """Set up Django here with the local settings (demo data is refused in production) and
    the same SECRET_KEY as gunicorn: session data and the session's password hash are
    signed with it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DATABASE_URL"] = database_url
    os.environ["SECRET_KEY"] = secret_key
    import django

    django.setup()


def national_data_ensure() -> None:
    from django.core.management import call_command

    from ppo.models import Offender

    call_command("migrate", "--no-input", verbosity=0)
    if Offender.objects.filter(scheme__slug__startswith="national-").count() < 100_000:
        say("Building the national demo data (seed_demo --scale national, several minutes)")
        call_command("seed_demo", "--scale", "national")


def totp_device_id(user, made: list[int]) -> str:
    """The persistent id of a confirmed TOTP device of the user's, made if they have none (its
    id added to `made`, for credentials_delete)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Load test", confirmed=True)
        made.append(device.pk)
    return device.persistent_id


@dataclass
class Accounts:
    offender_managers: list[dict] = field(default_factory=list)
    custody_officers: list[dict] = field(default_factory=list)
    coordinators: list[dict] = field(default_factory=list)
    shared: dict = field(default_factory=dict)
    # Credentials made for the run: an account with an app the person never set up could not
    # set up their own, so they go again at the end.
    devices_made: list[int] = field(default_factory=list)
    token_made: str | None = None


def accounts_build(most: int) -> Accounts:
    """Real demo accounts for up to `most` users of each role, with what they look at."""
    from django.db.models import Exists
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from ppo.codes import Programme
    from ppo.identifiers import pnc_check_character
    from ppo.models import Offender, User
    from ppo.selectors import register_search
    from ppo.status import on_programme
    from reporting.returns import previous_month

    today = timezone.localdate()
    accounts = Accounts()
    # manager1 of every scheme first, so the first few hundred users work in different schemes.
    for user in User.objects.filter(
        email__regex=r"^offender\.manager[0-9]+@national-[0-9]+\.demo\.example$"
    ).order_by("email")[:most]:
        caseload = list(
            register_search(user=user, on=today, manager_id=user.pk).values("pk", "last_name")[:200]
        )
        if caseload:
            accounts.offender_managers.append({"user": user, "caseload": caseload})
    for user in User.objects.filter(
        email__regex=r"^coordinator1@national-[0-9]+\.demo\.example$"
    ).order_by("email")[:most]:
        scheme = user.email.split("@")[1].split(".")[0]
        accounts.coordinators.append({"user": user, "scheme": scheme})
    # The one custody persona seed_demo makes: each simulated officer has a session of theirs.
    custody = User.objects.get(email="custody.officer@demo.example")
    accounts.custody_officers.append({"user": custody})
    if not (accounts.offender_managers and accounts.coordinators):
        raise SystemExit("No national demo accounts: is the national demo data built?")

    national = Offender.objects.filter(scheme__slug__startswith="national-").exclude(pnc_id="")
    on_ppo = Exists(on_programme(Programme.PPO, today))
    known = [
        *national.filter(on_ppo).order_by("?")[:150],
        *national.exclude(on_ppo).order_by("?")[:150],
    ]
    lookups = [{"pnc_id": person.pnc_id} for person in known[::2]]
    lookups += [
        {"first_name": person.first_name, "last_name": person.last_name,
         "date_of_birth": person.date_of_birth.isoformat()}
        for person in known[1::2]
    ]  # fmt: skip
    rng = random.Random(8)  # noqa: S311 - synthetic queries, not security
    for _ in range(50):  # people known to no scheme: the same answer as "on no list"
        year, serial = rng.randint(1990, 2020), rng.randint(9_000_000, 9_999_999)
        lookups.append({"pnc_id": f"{year}/{serial:07d}{pnc_check_character(year, serial)}"})
    lookups.append({"first_name": "Nobody", "last_name": "Known", "date_of_birth": "1990-01-01"})
    first, _ = previous_month(today)
    months = []
    for _ in range(3):
        months.append(f"{first:%Y-%m}")
        first = previous_month(first)[0]
    token, made = Token.objects.get_or_create(user=custody)
    accounts.token_made = token.key if made else None
    accounts.shared = {
        "custody_token": token.key,
        "lookups": lookups,
        "months": months,
    }
    for account in [*accounts.offender_managers, *accounts.custody_officers,
                    *accounts.coordinators]:  # fmt: skip
        account["device"] = totp_device_id(account["user"], accounts.devices_made)
    return accounts


def credentials_delete(accounts: Accounts) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    TOTPDevice.objects.filter(pk__in=accounts.devices_made).delete()
    if accounts.token_made:
        Token.objects.filter(key=accounts.token_made).delete()


def sessions_write(accounts: Accounts, users: int, path: Path) -> list[str]:
    """One signed-in session per simulated user of each role (accounts are reused in turn
    past the number there are), written for Locust to `path`; returns the session keys."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from ppo.middleware import SESSION_SEEN, SESSION_STARTED

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    scenario = {
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
        **accounts.shared,
    }
    for role in ("offender_managers", "custody_officers", "coordinators"):
        scenario[role] = []
        pool = getattr(accounts, role)
        for number in range(users):
            account = pool[number % len(pool)]
            user = account["user"]
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[SESSION_STARTED] = session[SESSION_SEEN] = time.time()
            session["otp_device_id"] = account["device"]  # django_otp.DEVICE_ID_SESSION_KEY
            session.create()
            keys.append(session.session_key)
            entry = {k: v for k, v in account.items() if k not in {"user", "device"}}
            entry["cookies"] = {
                "session": session.session_key,
                "csrf": get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
            }
            scenario[role].append(entry)
    path.touch(mode=0o600)
    path.write_text(json.dumps(scenario))
    return keys


def sessions_delete(keys: list[str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


def django_disconnect() -> None:
    from django.db import connections

    connections.close_all()


# --- CPU accounting from /proc ---------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks used by it and its reaped children)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            table[int(stat.parent.name)] = (int(fields[1]), sum(map(int, fields[11:15])))
    return table


def tree_ticks(table: dict[int, tuple[int, int]], root: int | None) -> int:
    if root is None:
        return 0
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += table.get(pid, (0, 0))[1]
        todo.extend(children.get(pid, []))
    return total


def machine_wait_quiet(most_seconds: int = 900) -> None:
    """Wait (up to `most_seconds`) for 10 s in which the machine is nearly idle: the two cores
    are shared, and a test suite running beside the load test would skew it."""
    deadline, said = time.monotonic() + most_seconds, False
    while time.monotonic() < deadline:
        busy_before, total_before = machine_ticks()
        time.sleep(10)
        busy_after, total_after = machine_ticks()
        cores = os.cpu_count() or 1
        share = 100 * cores * (busy_after - busy_before) / max(1, total_after - total_before)
        if share < OTHER_CPU_WARNING:
            return
        if not said:
            say(f"The machine is busy with something else ({share:.0f}% of a core): waiting")
            said = True
    say("The machine stayed busy: going on anyway (figures will be marked)")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    values = list(map(int, Path("/proc/stat").read_text().splitlines()[0].split()[1:]))
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- one step --------------------------------------------------------------------------------


@dataclass
class Step:
    users: int
    rows: list[dict]
    total: dict
    failures: list[str]
    cpu: dict[str, float]

    @property
    def rps(self) -> float:
        return float(self.total["Requests/s"])

    @property
    def worst_p95(self) -> float:
        return max(float(row["95%"]) for row in self.rows)

    @property
    def disturbed(self) -> bool:
        """Other work on the machine took enough CPU to skew this step's figures."""
        return self.cpu["other"] > OTHER_CPU_WARNING

    @property
    def passed(self) -> bool:
        return (
            not self.failures
            and int(self.total["Request Count"]) > 0
            and int(self.total["Failure Count"]) == 0
            and self.worst_p95 < P95_LIMIT_MS
        )


def locust_run(
    *, users: int, seconds: int, host: str, scenario: Path, prefix: Path, roots: dict
) -> Step:
    spawn_rate = max(1, math.ceil(users / 10))  # everyone started within about 10 s
    command = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless", "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s",
        "--host", host, "--csv", str(prefix), "--reset-stats", "--only-summary",
        "--stop-timeout", "10", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = dict(os.environ, LOAD_SCENARIO=str(scenario))
    before = process_table(), machine_ticks(), os.times()
    started = time.monotonic()
    with open(f"{prefix}.log", "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(timeout=seconds + 60)
        finally:
            stack.stop_process_groups([process])
    elapsed = time.monotonic() - started
    after = process_table(), machine_ticks(), os.times()
    return Step(users=users, rows=[], total={}, failures=[],
                cpu=cpu_shares(before, after, elapsed, roots))  # fmt: skip


def cpu_shares(before, after, elapsed: float, roots: dict) -> dict[str, float]:
    """Per cent of one core used during the run (ramp-up included) by gunicorn, PostgreSQL,
    Locust (a child of this process: its time counts here once it has exited) and the
    whole machine."""
    ticks_per_second = os.sysconf("SC_CLK_TCK")

    def percent(ticks: float) -> float:
        return 100 * ticks / ticks_per_second / elapsed

    (table_before, machine_before, own_before) = before
    (table_after, machine_after, own_after) = after
    shares = {
        name: percent(tree_ticks(table_after, roots[name]) - tree_ticks(table_before, roots[name]))
        for name in ("gunicorn", "postgres")
    }
    children = (own_after.children_user + own_after.children_system) - (
        own_before.children_user + own_before.children_system
    )
    shares["locust"] = 100 * children / elapsed
    shares["machine"] = percent(machine_after[0] - machine_before[0])
    shares["other"] = shares["machine"] - shares["gunicorn"] - shares["postgres"] - shares["locust"]
    return shares


def step_read(step: Step, prefix: Path) -> Step:
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        step.failures.append(f"Locust wrote no statistics: see {prefix}.log")
        step.total = {"Requests/s": "0", "Request Count": "0", "Failure Count": "0"}
        return step
    with stats.open() as file:
        rows = list(csv.DictReader(file))
    step.rows = [row for row in rows if row["Name"] != "Aggregated"]
    step.total = next(row for row in rows if row["Name"] == "Aggregated")
    with Path(f"{prefix}_failures.csv").open() as file:
        step.failures += [
            f"{row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}"
            for row in csv.DictReader(file)
        ]
    with Path(f"{prefix}_exceptions.csv").open() as file:
        step.failures += [f"exception: {row['Message']}" for row in csv.DictReader(file)]
    return step


def step_print(step: Step) -> None:
    cpu = step.cpu
    print(
        f"{step.users:4d} users: {step.rps:6.1f} req/s, {int(step.total['Request Count']):6d} "
        f"requests, {int(step.total['Failure Count'])} failures, worst endpoint p95 "
        f"{step.worst_p95 if step.rows else 0:5.0f} ms  [{'PASS' if step.passed else 'FAIL'}]"
        f"\n            CPU, % of one core (200 = both): machine {cpu['machine']:.0f} = gunicorn "
        f"{cpu['gunicorn']:.0f} + PostgreSQL {cpu['postgres']:.0f} + Locust {cpu['locust']:.0f}"
        f" + other processes {cpu['other']:.0f}",
        flush=True,
    )
    if step.disturbed:
        print("            Something else used the CPU during this step: not representative.")
    for failure in step.failures[:10]:
        print(f"        {failure}")


def endpoints_print(step: Step) -> None:
    print(f"  {'endpoint':44} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7}")  # fmt: skip
    for row in sorted(step.rows, key=lambda row: -int(row["Request Count"])):
        print(f"  {row['Type'] + ' ' + row['Name']:44} {int(row['Request Count']):9d} "
              f"{float(row['Requests/s']):7.1f} {row['50%']:>7} {row['95%']:>7} "
              f"{row['99%']:>7}")  # fmt: skip
    total = step.total
    print(f"  {'all':44} {int(total['Request Count']):9d} {float(total['Requests/s']):7.1f} "
          f"{total['50%']:>7} {total['95%']:>7} {total['99%']:>7}")  # fmt: skip


# --- the run ---------------------------------------------------------------------------------


def static_collect(env: dict) -> None:
    """collectstatic for WhiteNoise's manifest, unless it is newer than every asset and the
    installed packages (compressing takes a couple of minutes here)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    assets = [ROOT / "static" / "dist", ROOT / "static" / "app"]
    sources = [ROOT / ".venv" / ".synced", *(path for top in assets for path in top.rglob("*"))]
    if manifest.exists() and all(
        path.stat().st_mtime < manifest.stat().st_mtime for path in sources if path.is_file()
    ):
        return
    say("Collecting static files for the production settings (WhiteNoise manifest)")
    subprocess.run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--no-input",
                    "-v", "0"], cwd=ROOT, env=env, check=True)  # fmt: skip


def gunicorn_start(cleanup, *, env: dict, workers: int, threads: int) -> tuple[str, int]:
    port = stack.free_port()
    command = [
        str(VENV_BIN / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--access-logfile", str(RESULTS / "gunicorn-access.log"),
        "--error-logfile", str(RESULTS / "gunicorn-error.log"),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    cleanup.callback(stack.stop_process_groups, [process])
    stack.wait_for_port(port, "gunicorn", timeout=60)
    host = f"http://127.0.0.1:{port}"
    healthz = f"{host}/healthz"
    request = urllib.request.Request(healthz, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        if response.read() != b"ok":
            raise SystemExit("gunicorn answers, but /healthz is not ok")
    return host, process.pid


def run(options, cleanup: contextlib.ExitStack) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or stack.pg_start(cleanup)
    redis_url = os.environ.get("REDIS_URL") or stack.redis_start(cleanup)
    secret_key = secrets.token_urlsafe(50)
    django_start(database_url, secret_key)
    national_data_ensure()
    say("Choosing demo accounts and what they will look at")
    accounts = accounts_build(max(options.users))
    cleanup.callback(credentials_delete, accounts)
    django_disconnect()

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secret_key,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    static_collect(env)
    host, gunicorn_pid = gunicorn_start(
        cleanup, env=env, workers=options.workers, threads=options.threads
    )
    roots = {"gunicorn": gunicorn_pid, "postgres": postmaster_pid(database_url)}
    say(f"gunicorn on {host}: {options.workers} workers x {options.threads} thread(s), "
        "production settings")  # fmt: skip

    scenario = RESULTS / "scenario.json"
    keys: list[str] = []
    cleanup.callback(django_disconnect)
    cleanup.callback(sessions_delete, keys)
    cleanup.callback(scenario.unlink, missing_ok=True)

    def step(users: int, seconds: int, label: str) -> Step:
        for attempt in range(1, options.attempts + 1):
            machine_wait_quiet()
            sessions_delete(keys)
            keys[:] = sessions_write(accounts, users, scenario)
            django_disconnect()
            prefix = RESULTS / label
            taken = locust_run(users=users, seconds=seconds, host=host, scenario=scenario,
                               prefix=prefix, roots=roots)  # fmt: skip
            taken = step_read(taken, prefix)
            if not taken.disturbed or attempt == options.attempts:
                return taken
            say(f"{users} users: other processes used {taken.cpu['other']:.0f}% of a core "
                f"meanwhile; running the step again (attempt {attempt + 1})")  # fmt: skip
        raise AssertionError("unreachable")

    say(f"Warming up: {options.users[0]} users for {WARM_UP_SECONDS} s (not counted)")
    warm = step(options.users[0], WARM_UP_SECONDS, "warm-up")
    if warm.failures:
        step_print(warm)
        raise SystemExit("Failures while warming up: see .local/load/warm-up*")
    say(f"Steps of {options.duration} s each; a step passes with 0 failures and every "
        f"endpoint's p95 < {P95_LIMIT_MS} ms")  # fmt: skip
    results: list[Step] = []
    for users in options.users:
        results.append(step(users, options.duration, f"users-{users}"))
        step_print(results[-1])
        if not results[-1].passed:
            break
    for _ in range(2):  # narrow the gap between the best pass and the first failure
        passed = [s.users for s in results if s.passed]
        failed = [s.users for s in results if not s.passed]
        if not passed or not failed or min(failed) - max(passed) <= max(4, max(passed) // 10):
            break
        users = (max(passed) + min(failed)) // 2
        results.append(step(users, options.duration, f"users-{users}"))
        step_print(results[-1])

    for taken in sorted(results, key=lambda s: s.users):
        print(f"\n{taken.users} users{' (best passing step)' if taken is best(results) else ''}:")
        endpoints_print(taken)
    winner = best(results)
    if winner is None:
        print(f"\nNo step kept every p95 under {P95_LIMIT_MS} ms with 0 failures.")
        return 1
    print(
        f"\nSustained {winner.rps:.1f} requests/s with every endpoint's p95 < {P95_LIMIT_MS} ms "
        f"and 0 failures: {winner.users} users, {options.duration} s steps, gunicorn "
        f"{options.workers} workers x {options.threads} thread(s), national demo data."
    )
    if winner.disturbed:
        print("Other processes used the CPU during that step: run again on a quiet machine.")
    return 0


def best(results: list[Step]) -> Step | None:
    passed = [s for s in results if s.passed]
    return max(passed, key=lambda s: s.rps) if passed else None


def postmaster_pid(database_url: str) -> int | None:
    """The embedded cluster's postmaster, for its CPU share; None for another database."""
    pid_file = stack.PG_DATA / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()  # pid, data folder, start time, port, ...
    return int(lines[0]) if f":{lines[3].strip()}/" in database_url else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users",
        default="10,20,40,60,80",
        help="user counts to step through, ascending (default %(default)s)",
    )
    parser.add_argument("--duration", type=int, default=120, help="seconds per step")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument(
        "--attempts",
        type=int,
        default=3,
        help="runs of a step disturbed by other processes (default 3)",
    )
    options = parser.parse_args()
    options.users = sorted(int(n) for n in options.users.split(","))
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, stack.interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.ExitStack() as cleanup:
        try:
            return run(options, cleanup)
        except KeyboardInterrupt:
            say("Interrupted: stopping everything this started")
            return 130


if __name__ == "__main__":
    sys.exit(main())
