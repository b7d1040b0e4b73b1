"""Panel decisions and flag responses stay append-only, with the one exception ppo's trigger
allows (migration ppo 0005): erasing the person's record may blank their free text (and drop
the link to a risk assessment event that erasure deletes), checked at commit to be logged."""

from django.db import migrations

ERASABLE = {
    ("selection_decision", "decision"): ("rationale", "risk_assessment_id"),
    ("selection_flagresponse", "flag_response"): ("reason",),
}


def _triggers(function: str, erasure: bool) -> str:
    sql = []
    for (table, name), columns in ERASABLE.items():
        arguments = ", ".join(f"'{column}'" for column in columns) if erasure else ""
        sql.append(
            f"DROP TRIGGER {name}_append_only ON {table};"
            f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}({arguments});"
        )
        if erasure:
            sql.append(
                f"CREATE CONSTRAINT TRIGGER {name}_erasure_logged AFTER UPDATE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED "
                "FOR EACH ROW EXECUTE FUNCTION ppo_erasure_logged();"
            )
        else:
            sql.insert(0, f"DROP TRIGGER {name}_erasure_logged ON {table};")
    return "\n".join(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("ppo", "0005_retention_and_erasure"),
        ("selection", "0003_decision_choices"),
    ]

    operations = [
        migrations.RunSQL(
            _triggers("ppo_append_only_except_erasure", erasure=True),
            _triggers("sharing_refuse_change", erasure=False),
        ),
    ]
