"""The swap at the end of a run: the side schemas become the published ones in
one transaction (with the run's log entry), and the ones they replaced are
dropped by a later run."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from .catalog import SQL, schema_exists
from .roles import READER, role_names
from .schemas import HISTORY, HISTORY_NEXT, HISTORY_OLD, MARTS, NEXT, OLD, RETIRED, SEEDS


def _rename(conn: psycopg.Connection[Any], schema: str, to: str) -> None:
    conn.execute(
        sql.SQL("alter schema {} rename to {}").format(sql.Identifier(schema), sql.Identifier(to))
    )


def publish(conn: psycopg.Connection[Any], run_id: int, counts: dict[str, int]) -> dict[str, int]:
    """Swap the freshly built marts in: two schema renames in one transaction, which
    take no table locks, so readers are never blocked and never deadlock with it.
    The same transaction logs the run as a success, so a run killed after its
    publish committed is logged as what it did. Where the Django drop-in's
    tables live in this database, it writes the new identities back into them;
    returns what that changed."""
    from ..django_app import mirror  # plain psycopg: no Django needed

    with conn.transaction():
        reader = (role_names(conn) or {}).get(READER)
        if reader:
            for schema in (NEXT, SEEDS) if schema_exists(conn, SEEDS) else (NEXT,):
                names = {"schema": sql.Identifier(schema), "role": sql.Identifier(reader)}
                conn.execute(sql.SQL("grant usage on schema {schema} to {role}").format(**names))
                conn.execute(
                    sql.SQL("grant select on all tables in schema {schema} to {role}").format(
                        **names
                    )
                )
        if schema_exists(conn, MARTS):
            _rename(conn, MARTS, f"{OLD}_{run_id}")
        _rename(conn, NEXT, MARTS)
        if schema_exists(conn, HISTORY_NEXT):
            if schema_exists(conn, HISTORY):
                _rename(conn, HISTORY, f"{HISTORY_OLD}_{run_id}")
            _rename(conn, HISTORY_NEXT, HISTORY)
        written = mirror.write_back(conn, MARTS) or {}
        conn.execute(SQL["log_finish"], ("success", Jsonb(counts | written), None, run_id))
        return written


def prepare_history(conn: psycopg.Connection[Any]) -> None:
    """Copy the snapshots (membership, candidates) into the side history schema,
    where this run's dbt snapshots append to them; it is swapped in with the
    marts, so a run that fails leaves the published history as it was."""
    names = {"next": sql.Identifier(HISTORY_NEXT), "old": sql.Identifier(HISTORY)}
    with conn.transaction():
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(names["next"]))
        tables = conn.execute(SQL["schema_tables"], (HISTORY,)).fetchall()
        if tables:
            conn.execute(sql.SQL("create schema {}").format(names["next"]))
        for (table,) in tables:
            like = "create table {next}.{t} (like {old}.{t} including all)"
            copy = "insert into {next}.{t} select * from {old}.{t}"
            for statement in (like, copy):
                conn.execute(sql.SQL(statement).format(t=sql.Identifier(table), **names))


def drop_retired(conn: psycopg.Connection[Any]) -> None:
    """Drop mart schemas replaced by earlier runs; skip any still in use (5 s)."""
    for (schema,) in conn.execute(SQL["retired_schemas"], (list(RETIRED),)).fetchall():
        try:
            with conn.transaction():
                conn.execute("set local lock_timeout = '5s'")
                conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            continue
