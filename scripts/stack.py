"""Runs the app or the test suite with the services they need, started here and stopped after.

    python scripts/stack.py run             # `make run`
    python scripts/stack.py test [ARGS...]  # `make test`; ARGS go to pytest

Without DATABASE_URL an embedded PostgreSQL cluster is used: its data lives in .local/postgres
(git-ignored) and it listens on 127.0.0.1 only, with a generated password. The test command
also starts a private Redis server. Standard library only: this runs before Django is set up.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PG_DIR = LOCAL / "postgres"
PG_DATA = PG_DIR / "data"
PG_URL_FILE = PG_DIR / "database_url"
PG_PASSWORD_FILE = PG_DIR / "password"
PG_PORT_FILE = PG_DIR / "port"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
DB_NAME = "ppo"
DB_USER = "ppo"
# PostgreSQL refuses to run as root; as root the cluster runs as this system user instead.
PG_SYSTEM_USER = "postgres"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def interrupt(signum, frame) -> None:
    """SIGTERM handler: behave as Ctrl-C does, so `kill` also runs the clean-up."""
    raise KeyboardInterrupt


def wait_for_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start listening on port {port} within {timeout:.0f} seconds.")


# --- embedded PostgreSQL ---------------------------------------------------------------------


def pg_bin(name: str) -> str:
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if versions:
        return str(versions[-1])
    found = shutil.which(name)
    if found:
        return found
    sys.exit(f"PostgreSQL's {name} was not found: install the postgresql package.")


def as_pg_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", PG_SYSTEM_USER, "--", *command]


def pg_prepare_root_access() -> None:
    """As root, let the PostgreSQL system user reach and own the cluster's folder.

    A fresh clone may sit in a private folder (mktemp -d makes them 0700), so each parent
    gets search permission (o+x) only: enough to reach .local/postgres, not to list anything.
    """
    if os.geteuid() != 0:
        return
    if subprocess.run(["id", "-u", PG_SYSTEM_USER], capture_output=True).returncode != 0:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             PG_SYSTEM_USER],
            check=True,
        )  # fmt: skip
    for parent in reversed(PG_DIR.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            say(f"Allowing the {PG_SYSTEM_USER} user to pass through {parent} (chmod o+x)")
            parent.chmod(mode | 0o001)
    shutil.chown(PG_DIR, user=PG_SYSTEM_USER)


def pg_is_running() -> bool:
    if not (PG_DATA / "PG_VERSION").exists():
        return False
    status = subprocess.run(
        as_pg_user([pg_bin("pg_ctl"), "status", "-D", str(PG_DATA)]), capture_output=True
    )
    return status.returncode == 0


def pg_start(cleanup: contextlib.ExitStack) -> str:
    """Start the embedded cluster (creating it first if needed); returns its database URL.

    A cluster this call starts is registered with `cleanup` to be stopped at once, before
    anything else can fail. A cluster already running, say under `make run`, is reused and
    left running.
    """
    PG_DIR.mkdir(parents=True, exist_ok=True)
    PG_DIR.chmod(0o700)  # the password and URL files in it are for the owner only
    pg_prepare_root_access()
    if not (PG_DATA / "PG_VERSION").exists():
        say(f"Creating the embedded PostgreSQL cluster in {PG_DATA}")
        PG_PASSWORD_FILE.write_text(secrets.token_urlsafe(24))
        if os.geteuid() == 0:
            shutil.chown(PG_PASSWORD_FILE, user=PG_SYSTEM_USER)
        subprocess.run(
            as_pg_user([
                pg_bin("initdb"), "-D", str(PG_DATA), "-U", DB_USER,
                f"--pwfile={PG_PASSWORD_FILE}", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8",
            ]),
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    password = PG_PASSWORD_FILE.read_text().strip()
    if pg_is_running():
        port = int(PG_PORT_FILE.read_text())
        say(f"Using the embedded PostgreSQL already running on port {port}")
    else:
        port = free_port()
        say(f"Starting the embedded PostgreSQL on 127.0.0.1:{port}")
        subprocess.run(
            as_pg_user([
                pg_bin("pg_ctl"), "start", "-D", str(PG_DATA), "-w",
                "-l", str(PG_DIR / "server.log"),
                "-o", f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''",
            ]),
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        cleanup.callback(pg_stop)
        PG_PORT_FILE.write_text(str(port))
    url = f"postgres://{DB_USER}:{password}@127.0.0.1:{port}/{DB_NAME}"
    pg_create_database(url)
    PG_URL_FILE.write_text(url)
    return url


def pg_create_database(url: str) -> None:
    check = (
        "import sys, psycopg2\n"
        "url = sys.argv[1].rsplit('/', 1)[0] + '/postgres'\n"
        "conn = psycopg2.connect(url); conn.autocommit = True; cur = conn.cursor()\n"
        "cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (sys.argv[2],))\n"
        "cur.fetchone() or cur.execute('CREATE DATABASE ' + sys.argv[2])\n"
    )
    subprocess.run([PYTHON, "-c", check, url, DB_NAME], check=True)


def pg_stop() -> None:
    say("Stopping the embedded PostgreSQL")
    subprocess.run(
        as_pg_user([pg_bin("pg_ctl"), "stop", "-D", str(PG_DATA), "-m", "fast", "-w"]),
        stdout=subprocess.DEVNULL,
    )


# --- Redis (tests) ---------------------------------------------------------------------------


def redis_start(cleanup: contextlib.ExitStack) -> str:
    """Start a private Redis server, stopped by `cleanup`; returns its URL."""
    redis = shutil.which("redis-server")
    if redis is None:
        sys.exit("redis-server was not found: install the redis-server package.")
    port = free_port()
    folder = LOCAL / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    say(f"Starting a private Redis server on 127.0.0.1:{port}")
    process = subprocess.Popen(
        [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    cleanup.callback(stop_process, process)
    wait_for_port(port, "Redis")
    return f"redis://127.0.0.1:{port}/0"


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- commands --------------------------------------------------------------------------------


def test(pytest_args: list[str]) -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    with contextlib.ExitStack() as cleanup:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = pg_start(cleanup)
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = redis_start(cleanup)
        deploy_env = dict(
            env,
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="ppo.example",
        )
        steps = [
            ("ruff check", [str(VENV_BIN / "ruff"), "check", "."], env),
            ("ruff format --check", [str(VENV_BIN / "ruff"), "format", "--check", "."], env),
            ("manage.py check", [PYTHON, "manage.py", "check", "--fail-level", "WARNING"], env),
            ("makemigrations --check",
             [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"], env),
            ("check --deploy (production settings)",
             [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], deploy_env),
            ("pytest", [PYTHON, "-m", "pytest", *pytest_args], env),
        ]  # fmt: skip
        for title, command, step_env in steps:
            say(title)
            result = subprocess.run(command, cwd=ROOT, env=step_env)
            if result.returncode != 0:
                say(f"FAILED: {title}")
                return result.returncode
        say("All checks and tests passed")
        return 0


def stop_process_groups(children: list[subprocess.Popen]) -> None:
    """Stop each child, then anything left in its process group (runserver's reloaded child).

    Only the group leader gets SIGTERM: Celery stops its own pool, and signalling the pool
    directly makes a warm shutdown hang.
    """
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=15)
        # ProcessLookupError: the group is empty, everything already stopped.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def run() -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local")
    port = env.get("PORT", "8000")
    if not port_is_free(int(port)):
        sys.exit(f"Port {port} is already in use: stop what uses it, or set PORT=8001.")
    with contextlib.ExitStack() as cleanup:
        try:
            if env.get("DATABASE_URL"):
                say("Using the database in DATABASE_URL")
            else:
                env["DATABASE_URL"] = pg_start(cleanup)
            manage = [PYTHON, "manage.py"]
            subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True)
            subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True)
            if env.get("REDIS_URL") or env.get("CELERY_BROKER_URL"):
                say("Background jobs: Celery worker and beat using the Redis broker in REDIS_URL")
            else:
                for folder in ("queue", "processed", "control"):
                    (LOCAL / "celery" / folder).mkdir(parents=True, exist_ok=True)
                say(
                    "Background jobs: Celery worker and beat using the embedded filesystem "
                    "broker in .local/celery (set REDIS_URL to use Redis)"
                )
            celery = str(VENV_BIN / "celery")
            children: list[subprocess.Popen] = []
            cleanup.callback(stop_process_groups, children)
            for command in (
                [*manage, "runserver", f"127.0.0.1:{port}"],
                [celery, "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"],
                [celery, "-A", "config", "beat", "--loglevel", "INFO"],
            ):
                # Each in its own process group, so stopping it reaches its own children too.
                children.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
                )
            wait_for_port(int(port), "The web server")
            say(f"The service is running at http://127.0.0.1:{port}/ (Ctrl-C stops everything)")
            say("Demo sign-ins are listed above; every demo password is demo-password-2026")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            say("A process stopped unexpectedly; stopping the others")
            return 1
        except KeyboardInterrupt:
            say("Stopping")
            return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, interrupt)
    # Started in the background by a script, SIGINT arrives ignored; Ctrl-C semantics anyway.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.argv[1] == "run":
        return run()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
