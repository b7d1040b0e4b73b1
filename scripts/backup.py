"""Back up and restore the service's database with pg_dump and pg_restore.

    .venv/bin/python scripts/backup.py backup [FILE]     (default: backups/ppo-<time>.dump)
    .venv/bin/python scripts/backup.py restore FILE

The database is DATABASE_URL, or the embedded PostgreSQL that `make run` starts (its URL
is in .local/postgres/database_url, so `make run` must be running). A backup is pg_dump's
custom format: compressed, and restorable table by table. Restoring replaces every table it
holds (--clean), so the append-only tables come back exactly as they were backed up.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pg_tool(name: str) -> str:
    """The newest installed PostgreSQL's tool (pg_dump must not be older than the server)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    found = str(versions[-1]) if versions else shutil.which(name)
    if not found:
        sys.exit(f"PostgreSQL's {name} was not found: install the postgresql client.")
    return found


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    local = ROOT / ".local" / "postgres" / "database_url"
    if not url and local.exists():
        url = local.read_text().strip()
    if not url:
        sys.exit("No database: set DATABASE_URL, or start the service with `make run`.")
    return url


def backup(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
         "--dbname", database_url()],
        check=True,
    )  # fmt: skip
    target.chmod(0o600)  # personal data: readable by the owner only
    return target


def restore(source: Path) -> None:
    if not source.is_file():
        sys.exit(f"No backup at {source}.")
    subprocess.run(
        [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--exit-on-error", "--dbname", database_url(), str(source)],
        check=True,
    )  # fmt: skip


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"backup", "restore"}:
        print(__doc__)
        return 2
    if sys.argv[1] == "backup":
        default = ROOT / "backups" / f"ppo-{time.strftime('%Y%m%d-%H%M%S')}.dump"
        made = backup(Path(sys.argv[2]) if len(sys.argv) > 2 else default)
        print(f"Backed up to {made}")
        return 0
    if len(sys.argv) < 3:
        sys.exit("Say which backup to restore: scripts/backup.py restore FILE")
    restore(Path(sys.argv[2]))
    print(f"Restored {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
