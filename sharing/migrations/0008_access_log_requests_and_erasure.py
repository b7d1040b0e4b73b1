"""The access log's own exception for erasure, replacing ppo's generic one on this table
(sharing 0007): an erasure cuts the query string (a name searched for) from the erased
person's rows and from every other row of the same requests - written by the same user at
the same time under the same address (sharing.services.access_log_record gives one request's
rows one time) - and may do nothing else to them. At commit, each changed row must belong to
a request that showed someone whose erasure this transaction logged.
"""

import django.utils.timezone
from django.db import migrations, models

# In both functions, EXISTS (...) finds a row of the same request (the same user, time and
# address before its query string) about the person being erased.
FUNCTIONS = """
CREATE FUNCTION sharing_access_log_append_only() RETURNS trigger AS $$
DECLARE
    erasing text := current_setting('ppo.erasing_offender', true);
BEGIN
    IF TG_OP = 'UPDATE' AND coalesce(erasing, '') <> ''
            AND (to_jsonb(OLD) - 'path') = (to_jsonb(NEW) - 'path')
            AND NEW.path = split_part(OLD.path, '?', 1)
            AND EXISTS (
                SELECT 1 FROM sharing_accesslogentry shown
                WHERE shown.offender_id = erasing::bigint AND shown.user_id = OLD.user_id
                    AND shown.at = OLD.at
                    AND split_part(shown.path, '?', 1) = split_part(OLD.path, '?', 1)
            ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Rows of % are append-only: they cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION sharing_access_log_erasure_logged() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM ppo_erasurelog log JOIN ppo_offender person ON person.id = log.offender_id
        WHERE log.at = now() AND person.erased_at = now()
            AND EXISTS (
                SELECT 1 FROM sharing_accesslogentry shown
                WHERE shown.offender_id = log.offender_id AND shown.user_id = NEW.user_id
                    AND shown.at = NEW.at
                    AND split_part(shown.path, '?', 1) = split_part(NEW.path, '?', 1)
            )
    ) THEN
        RAISE EXCEPTION 'A row of % was changed by an erasure that was not logged', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

TRIGGERS = """
DROP TRIGGER access_log_append_only ON sharing_accesslogentry;
DROP TRIGGER access_log_erasure_logged ON sharing_accesslogentry;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON sharing_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION sharing_access_log_append_only();
CREATE CONSTRAINT TRIGGER access_log_erasure_logged AFTER UPDATE ON sharing_accesslogentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION sharing_access_log_erasure_logged();
"""

BACK = """
DROP TRIGGER access_log_append_only ON sharing_accesslogentry;
DROP TRIGGER access_log_erasure_logged ON sharing_accesslogentry;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON sharing_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION ppo_append_only_except_erasure('path');
CREATE CONSTRAINT TRIGGER access_log_erasure_logged AFTER UPDATE ON sharing_accesslogentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ppo_erasure_logged();
DROP FUNCTION sharing_access_log_erasure_logged();
DROP FUNCTION sharing_access_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ppo", "0007_lookup_log_append_only"),
        ("sharing", "0007_ledger_redaction_on_erasure"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesslogentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, BACK),
    ]
