"""make backup / make restore: back up, destroy, restore, and find every row and an intact
consent ledger hash chain again."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ppo.models import AgencyType
from ppo.services import offender_create
from sharing.categories import Category
from sharing.ledger import ledger_verify
from sharing.services import consent_record

ROOT = Path(settings.BASE_DIR)


def _url() -> str:
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our own table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _script(*args) -> None:
    subprocess.run(
        [sys.executable, "scripts/backup.py", *args], cwd=ROOT, check=True,
        env=dict(os.environ, DATABASE_URL=_url()), capture_output=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_backup_destroy_restore_keeps_every_row_and_the_ledger(tmp_path, scheme, police_om):
    person = offender_create(
        scheme=scheme, by=police_om,
        fields={"local_id": "S-1", "first_name": "Dean", "last_name": "Smith",
                "date_of_birth": date(1990, 4, 1), "gender": "M"},
        aliases=["Deano"],
    )  # fmt: skip
    for kind in ("given", "withdrawn"):
        consent_record(
            offender=person, kind=kind, agency_types=list(AgencyType.values), agencies=[],
            categories=[Category.HEALTH], effective_date=date(2026, 1, 5), review_date=None,
            by=police_om,
        )  # fmt: skip
    before = _counts()
    chain = ledger_verify()
    assert chain == (2, [])
    dump = tmp_path / "ppo.dump"
    _script("backup", str(dump))
    assert dump.stat().st_size > 0
    assert oct(dump.stat().st_mode)[-3:] == "600"
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ppo_offender, ppo_scheme CASCADE")
    assert _counts()["sharing_consententry"] == 0
    connection.close()
    _script("restore", str(dump))
    assert _counts() == before
    assert ledger_verify() == chain
