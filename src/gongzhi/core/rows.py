"""One INSERT with its statement compiled once: for the write that must be fastest.

`Model.save()` compiles its INSERT anew on every call and sends pre/post-save signals; for the
intake queue (one row per report, hundreds a second) that was about a tenth of the request.
`row_insert` writes the same columns with the same values, each prepared by its own field
(`pre_save`, `get_db_prep_save`) as `save()` prepares them, with the SQL Django's insert
compiler produced the first time for that model and database.

Only for models whose primary key is set before saving (a UUID default, not an AutoField) and
whose fields take plain values (no expressions, no fields with their own placeholders); it
refuses others. No signals are sent: use it only where nothing listens to the model's saves.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.sql import InsertQuery

_lock = threading.Lock()
_statements: dict[tuple[type[Model], str], tuple[str, list[Any]]] = {}


def _statement(model: type[Model], using: str) -> tuple[str, list[Any]]:
    key = (model, using)
    statement = _statements.get(key)
    if statement is None:
        meta = model._meta
        if meta.db_returning_fields:  # an AutoField, a db_default: values only the INSERT knows
            raise TypeError(f"{model.__name__}: the database gives some of its values")
        fields = [f for f in meta.local_concrete_fields if not f.generated]
        if any(hasattr(f, "get_placeholder") for f in fields):
            raise TypeError(f"{model.__name__}: a field has its own placeholder")
        query = InsertQuery(model)
        # Compiled from a blank instance: the SQL never depends on a caller's values (plain
        # values all take the same placeholder; row_insert refuses expressions).
        query.insert_values(fields, [model()])
        [(sql, _params)] = query.get_compiler(using=using).as_sql()
        with _lock:
            statement = _statements.setdefault(key, (sql, fields))
    return statement


def row_insert(obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT `obj` (a new instance) as `obj.save()` would, with a statement compiled once."""
    sql, fields = _statement(type(obj), using)
    connection = connections[using]
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{field.name}: an expression, which row_insert does not compile")
        params.append(field.get_db_prep_save(value, connection=connection))
    # Opened as for any query: the connection made and its health checked.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Bound on the server (psycopg's Cursor rather than Django's default ClientCursor):
            # the values travel beside the statement instead of being quoted into it in
            # Python. Wrapped as Django wraps its own (errors, query logging, wrappers).
            bound = psycopg.Cursor(connection.connection)
            wrap = (
                connection.make_debug_cursor
                if connection.queries_logged
                else connection.make_cursor
            )
            with wrap(bound) as server_bound:  # type: ignore[arg-type]  # stubs: a DB-API cursor
                server_bound.execute(sql, params)
        else:
            cursor.execute(sql, params)
    obj._state.adding = False
    obj._state.db = using
