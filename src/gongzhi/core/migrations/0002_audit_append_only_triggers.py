"""Database triggers that refuse UPDATE of audit rows, and DELETE of rows younger than 180 days.

The application never updates or deletes audit rows (the model and queryset refuse too); the
triggers make the database itself refuse, so a stray SQL statement cannot rewrite history.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION core_auditentry_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'core_auditentry is append-only';
    END IF;
    IF OLD.at > now() - interval '180 days' THEN
        RAISE EXCEPTION 'core_auditentry rows are kept at least 180 days';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_guard BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_guard();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_guard();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;""",
    """CREATE TRIGGER core_auditentry_no_early_delete BEFORE DELETE ON core_auditentry
       WHEN julianday(OLD.at) > julianday('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'core_auditentry rows are kept at least 180 days'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_early_delete;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
