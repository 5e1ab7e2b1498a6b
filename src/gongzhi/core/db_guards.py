"""SQL of the database triggers that keep the audit log append-only (used by the migration
and by the test fixtures that must empty a SQLite database between transactional tests)."""

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
CREATE OR REPLACE TRIGGER core_auditentry_guard BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_guard();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_guard();
"""
SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_early_delete BEFORE DELETE ON core_auditentry
       WHEN julianday(OLD.at) > julianday('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'core_auditentry rows are kept at least 180 days'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_early_delete;",
]


def run_sql(connection, *, postgresql: str, sqlite: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Run the statements written for the connection's database (other databases: none)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(postgresql)
        elif connection.vendor == "sqlite":
            for statement in sqlite:
                cursor.execute(statement)


def install(connection) -> None:  # type: ignore[no-untyped-def]
    run_sql(connection, postgresql=POSTGRES_UP, sqlite=SQLITE_UP)


def remove(connection) -> None:  # type: ignore[no-untyped-def]
    run_sql(connection, postgresql=POSTGRES_DOWN, sqlite=SQLITE_DOWN)
