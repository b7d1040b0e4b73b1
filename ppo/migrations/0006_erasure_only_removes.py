"""Narrows the erasure exception of migration 0005 to removing, never writing.

The exception let an erasing transaction set the named columns of the person's append-only
rows to any value; now each may only become NULL, empty, the erased-record text, or the old
value cut at its query string (an address's ?q=name). And the commit check also needs the
person's own row marked erased at this transaction's start, as ppo/erasure.py leaves it,
not only an erasure log row.
"""

import importlib

from django.db import migrations

# ppo.models.ERASED_TEXT as it stands now, frozen like the rest of a migration: rows erased
# with it must stay valid if the wording changes (tests/ppo/test_erasure.py would then fail
# until a migration allows the new wording too).
ERASED_TEXT = "Removed when the record was erased."

APPEND_ONLY_EXCEPT_ERASURE = """
CREATE OR REPLACE FUNCTION ppo_append_only_except_erasure() RETURNS trigger AS $$
DECLARE
    erasing text := current_setting('ppo.erasing_offender', true);
    erasable text;
    new_value text;
BEGIN
    IF TG_OP = 'UPDATE' AND coalesce(erasing, '') <> ''
            AND to_jsonb(OLD) ->> 'offender_id' = erasing
            AND (to_jsonb(OLD) - TG_ARGV) = (to_jsonb(NEW) - TG_ARGV) THEN
        FOREACH erasable IN ARRAY TG_ARGV LOOP
            new_value := to_jsonb(NEW) ->> erasable;
            IF new_value IS NOT NULL AND new_value NOT IN ('', %(erased)s)
                    -- IS DISTINCT FROM: a column that was NULL must not be filled in.
                    AND new_value IS DISTINCT FROM split_part(to_jsonb(OLD) ->> erasable, '?', 1)
                    THEN
                RAISE EXCEPTION 'An erasure may only remove %% of %%, not write to it',
                    erasable, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
            END IF;
        END LOOP;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Rows of %% are append-only: they cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

ERASURE_LOGGED = """
CREATE OR REPLACE FUNCTION ppo_erasure_logged() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM ppo_erasurelog log JOIN ppo_offender person ON person.id = log.offender_id
        WHERE log.offender_id = (to_jsonb(NEW) ->> 'offender_id')::bigint AND log.at = now()
            AND person.erased_at = now()
    ) THEN
        RAISE EXCEPTION 'A row of % was changed by an erasure that was not logged', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _as_in_0005() -> str:
    before = importlib.import_module("ppo.migrations.0005_retention_and_erasure")
    functions = before.APPEND_ONLY_EXCEPT_ERASURE + before.ERASURE_LOGGED
    return functions.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


class Migration(migrations.Migration):
    dependencies = [
        ("ppo", "0005_retention_and_erasure"),
        # Both use the functions replaced here.
        ("sharing", "0007_ledger_redaction_on_erasure"),
        ("selection", "0004_append_only_except_erasure"),
    ]

    operations = [
        migrations.RunSQL(
            APPEND_ONLY_EXCEPT_ERASURE % {"erased": _quoted(ERASED_TEXT)} + ERASURE_LOGGED,
            _as_in_0005(),
        ),
    ]
