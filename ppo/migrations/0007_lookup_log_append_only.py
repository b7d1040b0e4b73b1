"""The "is this a PPO?" lookup log becomes append-only in the database, like the access log:
who asked about whom, and what they were told, cannot be changed or deleted afterwards.

One exception, as for the other audit tables (migration 0005): erasing a person's record may
blank what was typed (PNC ID, name, date of birth) in the lookups that found that person,
and nothing else; at commit the erasure must be logged and the person's row marked erased
by the same transaction. The lookups' links to the people they found cannot be removed.
"""

from django.db import migrations

LOOKUP_LOG_APPEND_ONLY = """
CREATE FUNCTION ppo_lookup_log_append_only() RETURNS trigger AS $$
DECLARE
    erasing text := current_setting('ppo.erasing_offender', true);
    typed text[] := ARRAY['pnc_id', 'name', 'date_of_birth'];
BEGIN
    IF TG_OP = 'UPDATE' AND coalesce(erasing, '') <> ''
            AND EXISTS (
                SELECT 1 FROM ppo_lookuplog_matches
                WHERE lookuplog_id = OLD.id AND offender_id = erasing::bigint
            )
            AND (to_jsonb(OLD) - typed) = (to_jsonb(NEW) - typed)
            AND NEW.pnc_id = '' AND NEW.name = '' AND NEW.date_of_birth IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Rows of % are append-only: they cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION ppo_lookup_erasure_logged() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM ppo_lookuplog_matches found
        JOIN ppo_erasurelog log ON log.offender_id = found.offender_id
        JOIN ppo_offender person ON person.id = found.offender_id
        WHERE found.lookuplog_id = NEW.id AND log.at = now() AND person.erased_at = now()
    ) THEN
        RAISE EXCEPTION 'A row of % was changed by an erasure that was not logged', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER lookup_log_append_only BEFORE UPDATE OR DELETE ON ppo_lookuplog
    FOR EACH ROW EXECUTE FUNCTION ppo_lookup_log_append_only();
CREATE CONSTRAINT TRIGGER lookup_log_erasure_logged AFTER UPDATE ON ppo_lookuplog
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ppo_lookup_erasure_logged();
CREATE TRIGGER lookup_log_matches_append_only BEFORE UPDATE OR DELETE ON ppo_lookuplog_matches
    FOR EACH ROW EXECUTE FUNCTION ppo_refuse_change();
"""

DROP = """
DROP TRIGGER lookup_log_matches_append_only ON ppo_lookuplog_matches;
DROP TRIGGER lookup_log_erasure_logged ON ppo_lookuplog;
DROP TRIGGER lookup_log_append_only ON ppo_lookuplog;
DROP FUNCTION ppo_lookup_erasure_logged();
DROP FUNCTION ppo_lookup_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ppo", "0006_erasure_only_removes"),
    ]

    operations = [migrations.RunSQL(LOOKUP_LOG_APPEND_ONLY, DROP)]
