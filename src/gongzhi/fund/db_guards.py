"""Database triggers that keep ledger entries and lines append-only, on SQLite and PostgreSQL.

Used by the migration, and by the test fixture that must empty a SQLite database between
transactional tests (Django's flush deletes row by row, which the triggers refuse).
"""

from gongzhi.core.db_guards import run_sql

TABLES = ("fund_entry", "fund_line")

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION fund_ledger_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post a reversing entry', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE OR REPLACE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION fund_ledger_guard();\n"
    for table in TABLES
)
POSTGRES_DOWN = "".join(f"DROP TRIGGER IF EXISTS {table}_guard ON {table};\n" for table in TABLES)
SQLITE_UP = [
    f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry'); END;"""
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()};"
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]


def install(connection) -> None:  # type: ignore[no-untyped-def]
    run_sql(connection, postgresql=POSTGRES_UP, sqlite=SQLITE_UP)


def remove(connection) -> None:  # type: ignore[no-untyped-def]
    run_sql(connection, postgresql=POSTGRES_DOWN, sqlite=SQLITE_DOWN)
