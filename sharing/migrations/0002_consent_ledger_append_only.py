"""The consent ledger is append-only in the database itself: any UPDATE or DELETE of a row is
refused by a trigger, whoever the database user is (a superuser can only get round it by
disabling the trigger, which verify_ledger's hash chain then exposes)."""

from django.db import migrations

REFUSE_CHANGE = """
CREATE FUNCTION sharing_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Rows of % are append-only: they cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER consent_entry_append_only
    BEFORE UPDATE OR DELETE ON sharing_consententry
    FOR EACH ROW EXECUTE FUNCTION sharing_refuse_change();
"""

ALLOW_CHANGE = """
DROP TRIGGER consent_entry_append_only ON sharing_consententry;
DROP FUNCTION sharing_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_protocol_and_consent_ledger")]

    operations = [migrations.RunSQL(REFUSE_CHANGE, ALLOW_CHANGE)]
